package gguf

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sqlforge/sqlforge/internal/lm/tokenizer"
)

// TestSentencePieceFromMetadata rebuilds a SentencePiece BPE vocabulary from llama.cpp's
// "llama" keys (tokens, scores, token types) and checks it encodes the SentencePiece oracle's
// hard strings to the same ids as the .model file they came from.
func TestSentencePieceFromMetadata(t *testing.T) {
	dir := filepath.Join("..", "tokenizer", "testdata", "spm")
	want, err := tokenizer.LoadSentencePiece(filepath.Join(dir, "bpe.model"))
	if err != nil {
		t.Fatal(err)
	}
	v, ok := want.SentencePieceVocab()
	if !ok {
		t.Fatal("no SentencePiece vocabulary")
	}
	var tokens, scores, types []any
	for i := range v.Pieces {
		tokens, scores, types = append(tokens, v.Pieces[i]), append(scores, v.Scores[i]), append(types, int32(v.Types[i]))
	}
	tests := []struct {
		name    string
		meta    map[string]any
		wantBOS bool
	}{
		{"BOS by default", map[string]any{"tokenizer.ggml.bos_token_id": uint32(v.BOS)}, true},
		{"add_bos_token false", map[string]any{"tokenizer.ggml.bos_token_id": uint32(v.BOS), "tokenizer.ggml.add_bos_token": false}, false},
	}
	data, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases map[string][]struct {
		Text string `json:"text"`
		IDs  []int  `json:"ids"`
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.meta["tokenizer.ggml.model"] = "llama"
			tt.meta["tokenizer.ggml.tokens"], tt.meta["tokenizer.ggml.scores"], tt.meta["tokenizer.ggml.token_type"] = tokens, scores, types
			got, err := sentencePieceFromMetadata(&File{Metadata: tt.meta})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cases["bpe"] {
				if ids := got.Encode(c.Text); !slices.Equal(ids, c.IDs) {
					t.Errorf("Encode(%q) = %v, want %v", c.Text, ids, c.IDs)
				}
			}
			if hasBOS := len(got.BOS()) == 1 && got.BOS()[0] == v.BOS; hasBOS != tt.wantBOS {
				t.Errorf("BOS %v, want BOS %v", got.BOS(), tt.wantBOS)
			}
		})
	}
}

// TestExportSentencePiece writes a model whose tokenizer is a SentencePiece BPE model and
// reads it back: llama.cpp's keys carry the vocabulary (padded to the model's), the
// tokenizer encodes as before; a unigram model is refused.
func TestExportSentencePiece(t *testing.T) {
	dir := filepath.Join("..", "tokenizer", "testdata", "spm")
	tmpl, _ := tokenizer.TemplateFor(tokenizer.Sqlforge)
	tests := []struct {
		model   string
		wantErr bool
	}{{"bpe", false}, {"unigram", true}}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			tok, err := tokenizer.LoadSentencePiece(filepath.Join(dir, tt.model+".model"))
			if err != nil {
				t.Fatal(err)
			}
			cfg := testConfigs()[0]
			cfg.VocabSize = tok.VocabSize() + 4
			path := filepath.Join(t.TempDir(), "m.gguf")
			err = Export(path, randomModel(t, cfg, 5), tok, ExportOptions{Type: F32, Name: "sp", Template: tmpl})
			if (err != nil) != tt.wantErr {
				t.Fatalf("Export: error %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			back, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if back.Tokenizer.VocabSize() != cfg.VocabSize {
				t.Errorf("vocabulary %d, want %d (padded)", back.Tokenizer.VocabSize(), cfg.VocabSize)
			}
			for _, s := range []string{"SELECT * FROM orders WHERE id = 42;", "  Café 東京 🙂\t1234", ""} {
				if got, want := back.Tokenizer.EncodeWithSpecial(s), tok.EncodeWithSpecial(s); !slices.Equal(got, want) {
					t.Errorf("Encode(%q) = %v, want %v", s, got, want)
				}
			}
		})
	}
}
