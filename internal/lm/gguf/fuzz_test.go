package gguf

import (
	"bytes"
	"os"
	"testing"
)

// FuzzRead feeds arbitrary bytes to the reader: it must return an error or
// a header whose tensors all read and dequantise, never panic or allocate
// beyond what the input's size allows.
func FuzzRead(f *testing.F) {
	if seed, err := os.ReadFile("testdata/quant.gguf"); err == nil {
		f.Add(seed)
	}
	var buf bytes.Buffer
	if err := Write(&buf, []KV{{"general.architecture", "llama"}, {"a", []int32{1, 2}}},
		[]WriteTensor{{Name: "t", Shape: []int{32}, Type: Q8_0, Data: make([]float32, 32)}}); err == nil {
		f.Add(buf.Bytes())
	}
	f.Add(header(3, 0, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := Read(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for _, ti := range g.Tensors {
			if _, err := g.Float32s(ti); err != nil {
				t.Fatalf("tensor %q passed the header checks but does not read: %v", ti.Name, err)
			}
		}
	})
}
