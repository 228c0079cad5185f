package peft

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// SaveMerged folds m's adapters into its weights (lm's Merge, in place:
// afterwards m has no adapters) and writes the full model to dir as
// config.json and model.safetensors, which Hugging Face transformers and
// lm.Load read. The files are written into a temporary directory beside
// dir that is renamed into place; an existing dir is replaced.
func SaveMerged(dir string, m *lm.Model) error {
	m.Merge()
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("saving merged model: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp*")
	if err != nil {
		return fmt.Errorf("saving merged model: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := m.Save(tmp); err != nil {
		return fmt.Errorf("saving merged model: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("saving merged model: %w", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("saving merged model: replacing %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("saving merged model: %w", err)
	}
	return nil
}

// Merge loads the base model from baseDir and the adapter from adapterDir,
// merges them and writes the full model to outDir (sqlforge merge).
func Merge(baseDir, adapterDir, outDir string) error {
	m, err := lm.Load(baseDir)
	if err != nil {
		return fmt.Errorf("merging: %w", err)
	}
	if err := Load(adapterDir, m); err != nil {
		return fmt.Errorf("merging: %w", err)
	}
	return SaveMerged(outDir, m)
}
