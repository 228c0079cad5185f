package gguf

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/tokenizer"
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

// FuzzLoad feeds arbitrary bytes to the model loader: configuration,
// shapes and tokenizer from an untrusted file must give an error, never a
// panic or an allocation the file's size does not justify.
func FuzzLoad(f *testing.F) {
	dir := f.TempDir()
	tok := testTokenizerF(f)
	for i, cfg := range testConfigs()[:3] {
		cfg.VocabSize = tok.VocabSize()
		m, err := lm.NewModel(cfg)
		if err != nil {
			f.Fatal(err)
		}
		path := filepath.Join(dir, fmt.Sprintf("m%d.gguf", i))
		if err := Export(path, m, tok, ExportOptions{Type: Q8_0}); err != nil {
			f.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := Read(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		if out, err := load(g); err == nil && out.LM == nil {
			t.Fatal("load returned neither a model nor an error")
		}
	})
}

// testTokenizerF is testTokenizer for a fuzz target's setup.
func testTokenizerF(f *testing.F) *tokenizer.Tokenizer {
	texts := slices.Values([]string{"SELECT name FROM customers WHERE city = 'Paris'"})
	tok, err := tokenizer.Train(texts, 270, []string{"<|bos|>", "<|im_end|>"})
	if err != nil {
		f.Fatal(err)
	}
	return tok
}
