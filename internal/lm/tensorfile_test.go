package lm

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestTensorFileRoundTrip(t *testing.T) {
	m := tinyModel(t, tinyConfig("llama", false, false), 31)
	path := filepath.Join(t.TempDir(), "t.safetensors")
	if err := WriteTensorFile(path, m.Params()); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTensorFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(m.Params()) {
		t.Fatalf("read %d tensors, want %d", len(got), len(m.Params()))
	}
	for _, p := range m.Params() {
		q := got[p.Name]
		if q == nil || !slices.Equal(q.Shape, p.Shape) || maxAbsDiff(q.W, p.W) != 0 {
			t.Fatalf("tensor %s did not round-trip", p.Name)
		}
	}
}
