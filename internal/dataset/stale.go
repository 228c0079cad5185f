package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// tempName matches the temporary files sqlforge's atomic writers create beside their
// target: .NAME.tmp-N (WriteFileAtomic), .NAME.tmpN (models, adapters, metrics) and
// .NAME-N.tmp (databases).
var tempName = regexp.MustCompile(`^\..+(\.tmp-?[0-9]+|-[0-9]+\.tmp)$`)

// RemoveStaleTemps removes, in dir and its subdirectories, the temporary files of
// sqlforge's atomic writers last modified before the time before: what a killed gen,
// train, data or eval left behind. A command calls it on its output directory as it starts,
// with its start time, since the directory is its own for the run. It returns the paths
// removed; a dir that does not exist yet is not an error.
func RemoveStaleTemps(dir string, before time.Time) ([]string, error) {
	var removed []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || !tempName.MatchString(d.Name()) {
			return nil
		}
		info, err := d.Info()
		if err != nil || !info.ModTime().Before(before) {
			return nil
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		removed = append(removed, path)
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("remove stale temporary files in %s: %w", dir, err)
	}
	return removed, nil
}

// RemoveStaleTempsOf removes the temporary files WriteFileAtomic left beside path
// (.NAME.tmp-N) that were last modified before the time before; see RemoveStaleTemps.
func RemoveStaleTempsOf(path string, before time.Time) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(filepath.Dir(path), "."+globEscape(filepath.Base(path))+".tmp-*"))
	if err != nil {
		return nil, fmt.Errorf("remove stale temporary files of %s: %w", path, err)
	}
	var removed []string
	for _, m := range matches {
		if info, err := os.Stat(m); err != nil || !info.ModTime().Before(before) || !tempName.MatchString(filepath.Base(m)) {
			continue
		}
		if err := os.Remove(m); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("remove stale temporary files of %s: %w", path, err)
		}
		removed = append(removed, m)
	}
	return removed, nil
}

func globEscape(s string) string {
	return regexp.MustCompile(`[*?\[\\]`).ReplaceAllString(s, `\$0`)
}
