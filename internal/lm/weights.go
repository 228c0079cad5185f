package lm

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Load reads a Hugging Face checkpoint directory: config.json and either
// model.safetensors or a sharded model.safetensors.index.json. Tensors may be
// F32, BF16 or F16 and are converted to float32; each is checked against the
// shape the configuration implies.
func Load(dir string) (*Model, error) {
	cfg, err := LoadConfig(filepath.Join(dir, "config.json"))
	if err != nil {
		return nil, fmt.Errorf("loading model: %w", err)
	}
	m, err := NewModel(cfg)
	if err != nil {
		return nil, fmt.Errorf("loading model: %w", err)
	}
	files, err := weightFiles(dir)
	if err != nil {
		return nil, fmt.Errorf("loading model: %w", err)
	}
	open := map[string]*safetensorsFile{}
	defer func() {
		for _, sf := range open {
			sf.close()
		}
	}()
	for _, p := range m.Params() {
		file, ok := files[p.Name]
		if !ok {
			return nil, fmt.Errorf("loading model from %s: tensor %q is missing", dir, p.Name)
		}
		sf := open[file]
		if sf == nil {
			if sf, err = openSafetensors(filepath.Join(dir, file)); err != nil {
				return nil, fmt.Errorf("loading model: %w", err)
			}
			open[file] = sf
		}
		w, err := sf.float32s(p.Name, p.Shape)
		if err != nil {
			return nil, fmt.Errorf("loading model: %w", err)
		}
		p.W = w
	}
	return m, nil
}

// weightFiles maps each tensor name to the safetensors file holding it.
func weightFiles(dir string) (map[string]string, error) {
	index := filepath.Join(dir, "model.safetensors.index.json")
	data, err := os.ReadFile(index)
	if errors.Is(err, os.ErrNotExist) {
		sf, err := openSafetensors(filepath.Join(dir, "model.safetensors"))
		if err != nil {
			return nil, err
		}
		defer sf.close()
		files := map[string]string{}
		for name := range sf.tensors {
			files[name] = "model.safetensors"
		}
		return files, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading shard index: %w", err)
	}
	var idx struct {
		WeightMap map[string]string `json:"weight_map"`
	}
	if err := json.Unmarshal(data, &idx); err != nil {
		return nil, fmt.Errorf("%s: decoding shard index: %w", index, err)
	}
	for name, file := range idx.WeightMap {
		if filepath.Base(file) != file {
			return nil, fmt.Errorf("%s: tensor %q names shard %q outside the directory", index, name, file)
		}
	}
	return idx.WeightMap, nil
}

// Save writes config.json and model.safetensors (F32) to dir, creating it;
// adapters are not saved (Merge first to keep them).
func (m *Model) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("saving model: %w", err)
	}
	cfg := m.Config
	cfg.TorchDtype = "float32"
	data, err := cfg.Marshal()
	if err != nil {
		return fmt.Errorf("saving model: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), data, 0o644); err != nil {
		return fmt.Errorf("saving model: %w", err)
	}
	var ts []namedTensor
	for _, p := range m.Params() {
		ts = append(ts, namedTensor{Name: p.Name, Shape: p.Shape, Data: p.Values()})
	}
	if err := writeSafetensors(filepath.Join(dir, "model.safetensors"), ts); err != nil {
		return fmt.Errorf("saving model: %w", err)
	}
	return nil
}
