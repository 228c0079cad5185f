package localmodel

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sqlforge/sqlforge/internal/lm/gguf"
	"github.com/sqlforge/sqlforge/internal/lm/peft"
)

// loadGGUF reads a GGUF model file (Dir is the file's path) and attaches
// the PEFT adapter in adapter unless it is "".
func loadGGUF(path, adapter string) (*Model, error) {
	g, err := gguf.Load(path)
	if err != nil {
		return nil, fmt.Errorf("load local model: %w", err)
	}
	if adapter != "" {
		if err := peft.Load(adapter, g.LM); err != nil {
			return nil, fmt.Errorf("load local model %s: adapter: %w", path, err)
		}
	}
	out := &Model{LM: g.LM, Tokenizer: g.Tokenizer, Template: g.Template, Dir: path, Adapter: adapter}
	out.stops = stopSequences(g.Tokenizer, g.Template)
	return out, nil
}

// GGUFExport says what ExportGGUF writes.
type GGUFExport struct {
	// Out is the GGUF file to write.
	Out string
	// Modelfile is the Ollama Modelfile to write beside it; "" means
	// Modelfile in Out's directory.
	Modelfile string
	// Type stores the matrices: gguf.F16 or gguf.Q8_0 (gguf.F32 works too).
	Type gguf.Type
	// Name is general.name, and the model name the Modelfile suggests.
	Name string
}

// ExportGGUF folds m's adapter into its weights (m is changed) and writes
// the model with its tokenizer and chat template as a GGUF file, plus an
// Ollama Modelfile that serves it. It returns the Modelfile's path.
func ExportGGUF(m *Model, opts GGUFExport) (string, error) {
	m.LM.Merge()
	jinja, err := chatTemplateSource(m.Dir)
	if err != nil {
		return "", fmt.Errorf("export gguf: %w", err)
	}
	eo := gguf.ExportOptions{Type: opts.Type, Name: opts.Name, Template: m.Template, ChatTemplate: jinja}
	for _, f := range []string{opts.Out, opts.Modelfile} {
		if f == "" {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			return "", fmt.Errorf("export gguf: %w", err)
		}
	}
	if err := gguf.Export(opts.Out, m.LM, m.Tokenizer, eo); err != nil {
		return "", err
	}
	mf := opts.Modelfile
	if mf == "" {
		mf = filepath.Join(filepath.Dir(opts.Out), "Modelfile")
	}
	rel, err := filepath.Rel(filepath.Dir(mf), opts.Out)
	if err != nil {
		rel = opts.Out
	}
	text, err := gguf.Modelfile("./"+filepath.ToSlash(rel), m.Template, m.LM.Config.MaxPositionEmbeddings)
	if err != nil {
		return "", fmt.Errorf("export gguf: %w", err)
	}
	if err := os.WriteFile(mf, []byte(text), 0o644); err != nil {
		return "", fmt.Errorf("export gguf: %w", err)
	}
	return mf, nil
}

// chatTemplateSource returns the Jinja chat_template of a model directory's
// tokenizer_config.json or a GGUF file's tokenizer.chat_template, "" when
// there is none.
func chatTemplateSource(dir string) (string, error) {
	if gguf.IsGGUF(dir) {
		g, err := gguf.Open(dir)
		if err != nil {
			return "", fmt.Errorf("reading chat template: %w", err)
		}
		defer g.Close()
		s, _ := g.Metadata["tokenizer.chat_template"].(string)
		return s, nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", nil
	}
	data, err := os.ReadFile(filepath.Join(dir, TokenizerConfigFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading chat template: %w", err)
	}
	var cfg struct {
		ChatTemplate json.RawMessage `json:"chat_template"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return "", fmt.Errorf("%s: %w", filepath.Join(dir, TokenizerConfigFile), err)
	}
	var s string
	if json.Unmarshal(cfg.ChatTemplate, &s) != nil {
		return "", nil // the list form: llama.cpp reads a single template
	}
	return s, nil
}

// WriteGGUFTokenizer writes the tokenizer of the GGUF model at path into
// dir as tokenizer.json, with a tokenizer_config.json holding its chat
// template when the file has one (without, the directory reads as
// sqlforge's chat format), so that dir is a complete model directory.
func WriteGGUFTokenizer(dir, path string) error {
	tok, tmpl, err := gguf.LoadTokenizer(path)
	if err != nil {
		return err
	}
	if err := tok.Save(filepath.Join(dir, TokenizerFile)); err != nil {
		return fmt.Errorf("writing tokenizer: %w", err)
	}
	jinja, err := chatTemplateSource(path)
	if err != nil || jinja == "" {
		return err
	}
	data, err := json.MarshalIndent(map[string]string{"chat_template": jinja, "bos_token": tmpl.BOS, "eos_token": tmpl.EOS}, "", "  ")
	if err != nil {
		return fmt.Errorf("writing tokenizer config: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, TokenizerConfigFile), data, 0o644); err != nil {
		return fmt.Errorf("writing tokenizer config: %w", err)
	}
	return nil
}
