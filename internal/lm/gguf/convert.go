package gguf

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/tokenizer"
)

// ExportOptions control Export.
type ExportOptions struct {
	// Type stores the matrices: F16 or Q8_0 for Ollama; F32 (the zero
	// value) and BF16 also work. One-dimensional tensors (norms, biases) stay F32, and a matrix
	// whose rows do not fill Q8_0 blocks falls back to F16, as llama.cpp's
	// converter does.
	Type Type
	// Name is general.name.
	Name string
	// Template is the chat format; its family, BOS and EOS are stored.
	Template tokenizer.ChatTemplate
	// ChatTemplate is the Jinja source from tokenizer_config.json, stored
	// as tokenizer.chat_template when not empty.
	ChatTemplate string
}

// fileType is general.file_type for the matrices' type (llama_ftype).
func fileType(t Type) uint32 {
	switch t {
	case F32:
		return 0
	case F16:
		return 1
	case Q8_0:
		return 7
	case BF16:
		return 32
	}
	return 1
}

// Export writes m (adapters must be merged first) and its tokenizer as a
// GGUF file llama.cpp and Ollama load, with the Hugging Face configuration
// and tokenizer.json kept under extra keys so that Load restores them.
func Export(path string, m *lm.Model, tok *tokenizer.Tokenizer, opts ExportOptions) error {
	if ps := m.LoRAParams(); len(ps) > 0 {
		return fmt.Errorf("exporting gguf: the model has LoRA adapters (%s): merge them first", ps[0].Name)
	}
	cfg := m.Config
	cfgJSON, err := cfg.Marshal()
	if err != nil {
		return fmt.Errorf("exporting gguf: %w", err)
	}
	kvs := []KV{
		{"general.architecture", ggufArch(cfg.ModelType)},
		{"general.name", opts.Name},
		{"general.file_type", fileType(opts.Type)},
		{"general.quantization_version", uint32(2)},
	}
	ckvs, err := configKVs(cfg)
	if err != nil {
		return fmt.Errorf("exporting gguf: %w", err)
	}
	kvs = append(kvs, ckvs...)
	tkvs, err := tokenizerKVs(tok, cfg, opts)
	if err != nil {
		return fmt.Errorf("exporting gguf: %w", err)
	}
	kvs = append(kvs, tkvs...)
	kvs = append(kvs, KV{ConfigKey, string(cfgJSON)})
	var ts []WriteTensor
	for _, p := range m.Params() {
		name, err := tensorName(cfg, p.Name)
		if err != nil {
			return fmt.Errorf("exporting gguf: %w", err)
		}
		t := F32
		if len(p.Shape) == 2 {
			t = opts.Type
			if _, err := t.Bytes(uint64(p.Shape[1])); err != nil {
				t = F16
			}
		}
		ts = append(ts, WriteTensor{Name: name, Shape: p.Shape, Type: t, Data: toGGUF(cfg, p)})
	}
	if err := WriteFile(path, kvs, ts); err != nil {
		return fmt.Errorf("exporting gguf: %w", err)
	}
	return nil
}

// Model is what Load reads from a GGUF file.
type Model struct {
	LM        *lm.Model
	Tokenizer *tokenizer.Tokenizer
	// Template is the chat format: from sqlforge's keys, else recognised
	// from tokenizer.chat_template, else sqlforge's own.
	Template tokenizer.ChatTemplate
}

// Load reads a GGUF model for inference (or as a training base): the
// configuration (sqlforge's copy of config.json, else llama.cpp's keys),
// every tensor dequantised to float32 with llama.cpp's layout undone, and
// the tokenizer.
func Load(path string) (*Model, error) {
	g, err := Open(path)
	if err != nil {
		return nil, fmt.Errorf("loading gguf model: %w", err)
	}
	defer g.Close()
	out, err := load(g)
	if err != nil {
		return nil, fmt.Errorf("loading gguf model %s: %w", path, err)
	}
	return out, nil
}

func load(g *File) (*Model, error) {
	var cfg lm.Config
	var err error
	if s, ok := g.Metadata[ConfigKey].(string); ok {
		cfg, err = lm.ParseConfig([]byte(s))
	} else {
		cfg, err = configFromMetadata(g)
	}
	if err != nil {
		return nil, err
	}
	if err := checkShapes(g, cfg); err != nil {
		return nil, err
	}
	m, err := lm.NewModel(cfg)
	if err != nil {
		return nil, err
	}
	for _, p := range m.Params() {
		name, err := tensorName(cfg, p.Name)
		if err != nil {
			return nil, err
		}
		t, _ := g.Tensor(name) // checkShapes found it
		w, err := g.Float32s(t)
		if err != nil {
			return nil, err
		}
		p.W = w
		fromGGUF(cfg, p)
	}
	tok, tmpl, err := tokenizerFromMetadata(g)
	if err != nil {
		return nil, err
	}
	if tok.VocabSize() > cfg.VocabSize {
		return nil, fmt.Errorf("tokenizer has %d ids but the model's vocabulary is %d", tok.VocabSize(), cfg.VocabSize)
	}
	return &Model{LM: m, Tokenizer: tok, Template: tmpl}, nil
}

// LoadTokenizer reads only the tokenizer and chat format of a GGUF model.
func LoadTokenizer(path string) (*tokenizer.Tokenizer, tokenizer.ChatTemplate, error) {
	g, err := Open(path)
	if err != nil {
		return nil, tokenizer.ChatTemplate{}, fmt.Errorf("loading gguf tokenizer: %w", err)
	}
	defer g.Close()
	tok, tmpl, err := tokenizerFromMetadata(g)
	if err != nil {
		return nil, tmpl, fmt.Errorf("loading gguf tokenizer %s: %w", path, err)
	}
	return tok, tmpl, nil
}

// checkShapes verifies, before anything is allocated, that the file holds
// every tensor the configuration needs with the shape it needs: the
// configuration of an untrusted file cannot make the loader allocate more
// than the file's (non-overlapping) tensors describe.
func checkShapes(g *File, cfg lm.Config) error {
	if cfg.NumHiddenLayers > len(g.Tensors) {
		return fmt.Errorf("%d layers but only %d tensors", cfg.NumHiddenLayers, len(g.Tensors))
	}
	shapes, err := lm.ParamShapes(cfg)
	if err != nil {
		return err
	}
	for _, p := range shapes {
		name, err := tensorName(cfg, p.Name)
		if err != nil {
			return err
		}
		t, ok := g.Tensor(name)
		if !ok {
			return fmt.Errorf("tensor %q (%s) is missing", name, p.Name)
		}
		if got := t.Shape(); !slices.Equal(got, p.Shape) {
			return fmt.Errorf("tensor %q has shape %v, the configuration needs %v", name, got, p.Shape)
		}
	}
	return nil
}

// IsGGUF reports whether path names a GGUF file (by its extension).
func IsGGUF(path string) bool { return strings.HasSuffix(strings.ToLower(path), ".gguf") }
