package database

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sqlforge/sqlforge/internal/sampledb"
)

// CacheDir is the folder holding the copies of the embedded databases that
// Open uses: os.UserCacheDir()/sqlforge, or the system's temporary folder when
// there is no user cache folder.
func CacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "sqlforge")
}

// cachedCopy returns the path of the cached copy of the embedded database
// name, writing it first if it is missing. The file name carries a prefix of
// the content's SHA-256, so a new binary never reads an old copy.
func cachedCopy(name string) (string, error) {
	b, err := sampledb.Bytes(name)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	path := filepath.Join(CacheDir(), fmt.Sprintf("%s-%s.db", name, hex.EncodeToString(sum[:6])))
	if st, err := os.Stat(path); err == nil && st.Size() == int64(len(b)) {
		return path, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("create cache folder: %w", err)
	}
	if err := writeAtomic(path, b); err != nil {
		return "", err
	}
	return path, nil
}

// Export writes the embedded database name to path, atomically, so that any
// SQLite tool can open it.
func Export(ctx context.Context, name, path string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b, err := sampledb.Bytes(name)
	if err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
	}
	if err := writeAtomic(path, b); err != nil {
		return fmt.Errorf("export %s: %w", name, err)
	}
	return nil
}

// writeAtomic writes b to a temporary file next to path, then renames it.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
