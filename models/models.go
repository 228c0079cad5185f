// Package models embeds sqlforge's own base models, so that the binary runs
// the main job with no download: local:sqlforge-tiny names the embedded copy
// of models/sqlforge-tiny (see its MODEL_CARD.md; `sqlforge pretrain`
// rebuilds it).
package models

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"

	"github.com/sqlforge/sqlforge/internal/atomicfile"
)

//go:embed sqlforge-tiny/*.json sqlforge-tiny/*.safetensors sqlforge-tiny/MODEL_CARD.md
var files embed.FS

// Tiny is the name of the embedded base model.
const Tiny = "sqlforge-tiny"

var (
	mu       sync.Mutex
	resolved = map[string]string{}
)

// Names lists the embedded models.
func Names() []string { return []string{Tiny} }

// Resolve returns a directory holding the embedded model name, writing its
// files once under the user's cache directory (in a folder named by a hash
// of the weights, so a newer binary never reads an older copy). It reports
// false for a name that is not embedded. It is a local.Resolver.
func Resolve(name string) (string, bool, error) {
	if name != Tiny {
		return "", false, nil
	}
	mu.Lock()
	defer mu.Unlock()
	if d, ok := resolved[name]; ok {
		return d, true, nil
	}
	entries, err := fs.ReadDir(files, name)
	if err != nil {
		return "", true, fmt.Errorf("embedded model %s: %w", name, err)
	}
	h := sha256.New()
	for _, e := range entries {
		b, err := files.ReadFile(path.Join(name, e.Name()))
		if err != nil {
			return "", true, fmt.Errorf("embedded model %s: %w", name, err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", e.Name(), len(b))
		h.Write(b)
	}
	root, err := os.UserCacheDir()
	if err != nil {
		root = os.TempDir()
	}
	dir := filepath.Join(root, "sqlforge", "models", name+"-"+hex.EncodeToString(h.Sum(nil))[:12])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", true, fmt.Errorf("embedded model %s: %w", name, err)
	}
	for _, e := range entries {
		b, _ := files.ReadFile(path.Join(name, e.Name()))
		dst := filepath.Join(dir, e.Name())
		if st, err := os.Stat(dst); err == nil && st.Size() == int64(len(b)) {
			continue
		}
		if _, err := atomicfile.Write(dst, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
			return "", true, fmt.Errorf("embedded model %s: %w", name, err)
		}
	}
	resolved[name] = dir
	return dir, true, nil
}
