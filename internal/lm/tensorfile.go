package lm

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteTensorFile writes the values of ps as an F32 safetensors file at
// path (tensors named by Param.Name, with Param.Shape). It writes a
// temporary file in the same directory and renames it into place, so a
// reader never sees a half-written file. Adapter files (PEFT) and merged
// checkpoints use it.
func WriteTensorFile(path string, ps []*Param) error {
	ts := make([]namedTensor, len(ps))
	for i, p := range ps {
		ts[i] = namedTensor{Name: p.Name, Shape: p.Shape, Data: p.W}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("writing tensors: %w", err)
	}
	tmp.Close()
	if err := writeSafetensors(tmp.Name(), ts); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	// CreateTemp's 0600 would make a model unreadable to other users.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing tensors: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing tensors: %w", err)
	}
	return nil
}

// ReadTensorFile reads every tensor of a safetensors file (F32, BF16 or
// F16) as a float32 Param without a gradient buffer, keyed by name.
func ReadTensorFile(path string) (map[string]*Param, error) {
	sf, err := openSafetensors(path)
	if err != nil {
		return nil, err
	}
	defer sf.close()
	out := make(map[string]*Param, len(sf.tensors))
	for name, ti := range sf.tensors {
		w, err := sf.float32s(name, ti.Shape)
		if err != nil {
			return nil, err
		}
		out[name] = &Param{Name: name, Shape: ti.Shape, W: w}
	}
	return out, nil
}
