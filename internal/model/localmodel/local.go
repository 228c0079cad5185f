// Package localmodel runs sqlforge's in-process language model (internal/lm) as a
// model.Backend for references of the form local:PATH[+ADAPTER].
//
// PATH is a model directory in Hugging Face's layout — config.json,
// model.safetensors (or a sharded index), tokenizer.json (or a SentencePiece
// tokenizer.model) and, optionally,
// tokenizer_config.json with the chat template —, a GGUF file (*.gguf, its
// tensors dequantised to float32), or the name of a model embedded in the
// binary (sqlforge-tiny). ADAPTER is an optional PEFT LoRA
// adapter directory (adapter_config.json, adapter_model.safetensors).
//
// The package also owns how a text-to-SQL record becomes tokens (Messages,
// TrainingMessages, Encode), so that `sqlforge train` teaches a model exactly
// the text the backend later shows it.
package localmodel

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/gguf"
	"github.com/sqlforge/sqlforge/internal/lm/peft"
	"github.com/sqlforge/sqlforge/internal/lm/tokenizer"
)

// The files of a model directory.
const (
	ConfigFile          = "config.json"
	TokenizerFile       = "tokenizer.json"
	SentencePieceFile   = "tokenizer.model" // read when there is no tokenizer.json
	TokenizerConfigFile = "tokenizer_config.json"
	// PlanMemoryFile, beside a plan decoder's weights (or adapter), holds the records it was
	// trained on; `sqlforge train --target plan` writes it and plan:local retrieves from it.
	PlanMemoryFile = "plans.jsonl"
)

// Model is a loaded local model: weights, tokenizer and chat template.
type Model struct {
	// LM is the network (with the adapter attached when one was given).
	LM *lm.Model
	// Tokenizer turns text into LM's token ids.
	Tokenizer *tokenizer.Tokenizer
	// Template renders chat messages in the model's format.
	Template tokenizer.ChatTemplate
	// Dir is the model directory the weights came from.
	Dir string
	// Adapter is the adapter directory, "" without one.
	Adapter string
	// stops are the token sequences that end an answer (end of turn, EOS).
	stops [][]int
}

// Resolver maps a model name that is not a directory (an embedded model) to a
// directory holding its files; it reports false for names it does not know.
type Resolver func(name string) (dir string, ok bool, err error)

// Load reads the model in dir, or the embedded model of that name when dir is
// not a directory and resolve knows it, and attaches the PEFT adapter in
// adapter unless it is "". resolve may be nil.
func Load(dir, adapter string, resolve Resolver) (*Model, error) {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() && gguf.IsGGUF(dir) {
		return loadGGUF(dir, adapter)
	}
	dir, err := resolveDir(dir, resolve)
	if err != nil {
		return nil, err
	}
	m, err := lm.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("load local model: %w", err)
	}
	tok, err := tokenizer.LoadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("load local model: %w", err)
	}
	if tok.VocabSize() > m.Config.VocabSize {
		return nil, fmt.Errorf("load local model %s: tokenizer has %d ids but the model's vocab_size is %d",
			dir, tok.VocabSize(), m.Config.VocabSize)
	}
	tmpl, err := loadTemplate(dir)
	if err != nil {
		return nil, err
	}
	if adapter != "" {
		if err := peft.Load(adapter, m); err != nil {
			return nil, fmt.Errorf("load local model %s: adapter: %w", dir, err)
		}
	}
	out := &Model{LM: m, Tokenizer: tok, Template: tmpl, Dir: dir, Adapter: adapter}
	out.stops = stopSequences(tok, tmpl)
	return out, nil
}

// resolveDir returns dir when it is a directory, else what resolve makes of it.
func resolveDir(dir string, resolve Resolver) (string, error) {
	st, err := os.Stat(dir)
	if err == nil && st.IsDir() {
		return dir, nil
	}
	if resolve != nil {
		d, ok, rerr := resolve(dir)
		if rerr != nil {
			return "", fmt.Errorf("load local model %s: %w", dir, rerr)
		}
		if ok {
			return d, nil
		}
	}
	if err == nil {
		return "", fmt.Errorf("load local model: %s is not a directory", dir)
	}
	return "", fmt.Errorf("load local model: %w", err)
}

// loadTemplate reads the chat template from tokenizer_config.json; without
// that file the model is taken to use the sqlforge format.
func loadTemplate(dir string) (tokenizer.ChatTemplate, error) {
	path := filepath.Join(dir, TokenizerConfigFile)
	tmpl, err := tokenizer.LoadChatTemplate(path)
	if errors.Is(err, os.ErrNotExist) {
		return tokenizer.TemplateFor(tokenizer.Sqlforge)
	}
	if err != nil {
		return tokenizer.ChatTemplate{}, fmt.Errorf("load local model: %w", err)
	}
	return tmpl, nil
}

// stopSequences lists the single-token end markers the vocabulary has: the
// template's end of turn and its EOS.
func stopSequences(tok *tokenizer.Tokenizer, tmpl tokenizer.ChatTemplate) [][]int {
	var out [][]int
	seen := map[int]bool{}
	for _, s := range []string{endOfTurn(tmpl), tmpl.EOS, "<|eos|>", "<|endoftext|>"} {
		if s == "" {
			continue
		}
		if id, ok := tok.TokenID(s); ok && !seen[id] {
			seen[id] = true
			out = append(out, []int{id})
		}
	}
	return out
}

// endOfTurn is the marker that closes an assistant turn in tmpl's family.
func endOfTurn(tmpl tokenizer.ChatTemplate) string {
	switch tmpl.Family {
	case tokenizer.ChatML, tokenizer.Sqlforge:
		return "<|im_end|>"
	case tokenizer.Llama3:
		return "<|eot_id|>"
	}
	return tmpl.EOS
}
