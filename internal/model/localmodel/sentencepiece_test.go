package localmodel_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/tokenizer"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
	"github.com/sqlforge/sqlforge/internal/train/local"
	"github.com/sqlforge/sqlforge/internal/train/pretrain"
)

// TestSentencePieceModelDir checks that a model directory with a SentencePiece
// tokenizer.model and no tokenizer.json loads, answers, and that CopyTokenizer carries
// the .model file into a run's model directory.
func TestSentencePieceModelDir(t *testing.T) {
	spPath := filepath.Join("..", "..", "lm", "tokenizer", "testdata", "spm", "bpe.model")
	want, err := tokenizer.LoadSentencePiece(spPath)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	shape := pretrain.Shape{Hidden: 32, Layers: 1, Heads: 4, KVHeads: 2, Intermediate: 64, Context: 256}
	m, err := lm.NewModel(pretrain.ModelConfig(shape, want.VocabSize()))
	if err != nil {
		t.Fatal(err)
	}
	m.InitRandom(3, 0.1)
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(spPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, localmodel.SentencePieceFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := localmodel.Load(dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	text := "SELECT name FROM products WHERE price > 100;"
	if a, b := got.Tokenizer.Encode(text), want.Encode(text); !slices.Equal(a, b) {
		t.Errorf("loaded tokenizer: got %v, want %v", a, b)
	}
	c := ask(t, openRef(t, "local:"+dir), model.Request{Question: "How many products?", MaxTokens: 5})
	if c.FinishReason == "" {
		t.Errorf("no finish reason in %+v", c)
	}
	out := t.TempDir()
	if err := local.CopyTokenizer(out, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, localmodel.SentencePieceFile)); err != nil {
		t.Errorf("CopyTokenizer: %v", err)
	}
}
