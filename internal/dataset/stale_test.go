package dataset

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestRemoveStaleTemps(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	old, fresh := now.Add(-time.Hour), now.Add(time.Second)
	files := []struct {
		name    string
		mtime   time.Time
		removed bool
	}{
		{".train.jsonl.tmp-123456", old, true},
		{"openai/.train.jsonl.tmp-99", old, true},
		{"model/.model.safetensors.tmp42", old, true},
		{".northwind.db-7.tmp", old, true},
		{".train.jsonl.tmp-777", fresh, false}, // written since the run started
		{"train.jsonl", old, false},
		{".hidden", old, false},
		{"notes.tmp-1", old, false},
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, f.mtime, f.mtime); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := RemoveStaleTemps(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.name))
		_, statErr := os.Stat(p)
		if gone := os.IsNotExist(statErr); gone != f.removed || slices.Contains(removed, p) != f.removed {
			t.Errorf("%s: removed %v, want %v", f.name, gone, f.removed)
		}
	}
	if _, err := RemoveStaleTemps(filepath.Join(dir, "missing"), now); err != nil {
		t.Errorf("missing dir: %v", err)
	}
}
