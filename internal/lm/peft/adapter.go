package peft

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// ModelLoRAConfig reads the adapter settings back from a model's adapters:
// rank, alpha (Scale·R), dropout and the targeted projections. It fails
// when the model has no adapters or when layers disagree.
func ModelLoRAConfig(m *lm.Model) (lm.LoRAConfig, error) {
	var lc lm.LoRAConfig
	for li, l := range m.Layers {
		var targets []string
		for mod, lin := range l.Proj {
			if lin == nil || lin.LoRA == nil {
				continue
			}
			lo := lin.LoRA
			targets = append(targets, lm.Module(mod).String())
			alpha := math.Round(float64(lo.Scale)*float64(lo.R)*1e6) / 1e6
			drop := math.Round(float64(lo.Dropout)*1e6) / 1e6
			if lc.R == 0 {
				lc = lm.LoRAConfig{R: lo.R, Alpha: alpha, Dropout: drop}
			} else if lo.R != lc.R || alpha != lc.Alpha || drop != lc.Dropout {
				return lm.LoRAConfig{}, fmt.Errorf("layer %d %s: adapter r=%d alpha=%g differs from r=%d alpha=%g; PEFT's layout needs one setting", li, lm.Module(mod), lo.R, alpha, lc.R, lc.Alpha)
			}
		}
		if li == 0 {
			lc.TargetModules = targets
		} else if !slices.Equal(targets, lc.TargetModules) {
			return lm.LoRAConfig{}, fmt.Errorf("layer %d adapts %v, layer 0 adapts %v; PEFT's layout needs the same modules in every layer", li, targets, lc.TargetModules)
		}
	}
	if lc.R == 0 {
		return lm.LoRAConfig{}, fmt.Errorf("the model has no LoRA adapters")
	}
	return lc, nil
}

// Save writes m's adapters to dir (created if needed) as
// adapter_config.json and adapter_model.safetensors. base names the base
// model in base_model_name_or_path. Each file is written to a temporary
// name and renamed, so neither is ever half-written.
func Save(dir string, m *lm.Model, base string) error {
	lc, err := ModelLoRAConfig(m)
	if err != nil {
		return fmt.Errorf("saving adapter: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("saving adapter: %w", err)
	}
	data, err := json.MarshalIndent(NewConfig(lc, base), "", "  ")
	if err != nil {
		return fmt.Errorf("saving adapter: encoding config: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, ConfigFile), append(data, '\n')); err != nil {
		return fmt.Errorf("saving adapter: %w", err)
	}
	if err := lm.WriteTensorFile(filepath.Join(dir, WeightsFile), m.LoRAParams()); err != nil {
		return fmt.Errorf("saving adapter: %w", err)
	}
	return nil
}

// Load attaches the adapter in dir to m, which must not have adapters yet:
// it adds LoRA matrices as adapter_config.json describes and fills them from
// adapter_model.safetensors, checking every name and shape. Tensors saved
// by PEFT with the adapter name (".lora_A.default.weight") are accepted.
// The base stays frozen; the adapters get gradient buffers (so training can
// continue).
func Load(dir string, m *lm.Model) error {
	cfg, err := ReadConfig(filepath.Join(dir, ConfigFile))
	if err != nil {
		return fmt.Errorf("loading adapter: %w", err)
	}
	lc, err := cfg.LoRAConfig()
	if err != nil {
		return fmt.Errorf("loading adapter from %s: %w", dir, err)
	}
	if len(m.LoRAParams()) > 0 {
		return fmt.Errorf("loading adapter from %s: the model already has adapters", dir)
	}
	if err := m.AddLoRA(lc, 0); err != nil {
		return fmt.Errorf("loading adapter from %s: %w", dir, err)
	}
	path := filepath.Join(dir, WeightsFile)
	tensors, err := lm.ReadTensorFile(path)
	if err != nil {
		return fmt.Errorf("loading adapter: %w", err)
	}
	for name, p := range tensors {
		if alt := strings.Replace(name, ".default.weight", ".weight", 1); alt != name {
			delete(tensors, name)
			tensors[alt] = p
		}
	}
	for _, p := range m.LoRAParams() {
		t, ok := tensors[p.Name]
		if !ok {
			return fmt.Errorf("loading adapter: %s: tensor %q is missing", path, p.Name)
		}
		if !slices.Equal(t.Shape, p.Shape) {
			return fmt.Errorf("loading adapter: %s: tensor %q has shape %v, want %v", path, p.Name, t.Shape, p.Shape)
		}
		copy(p.W, t.W)
		delete(tensors, p.Name)
	}
	if len(tensors) > 0 {
		extra := make([]string, 0, len(tensors))
		for name := range tensors {
			extra = append(extra, name)
		}
		slices.Sort(extra)
		return fmt.Errorf("loading adapter: %s: %d tensors the configuration does not explain, e.g. %q", path, len(extra), extra[0])
	}
	return nil
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it into place.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // not CreateTemp's 0600
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
