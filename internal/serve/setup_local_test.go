package serve

import (
	"context"
	"testing"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
	"github.com/sqlforge/sqlforge/internal/prompt"
	"github.com/sqlforge/sqlforge/internal/train/pretrain"
)

// TestSetupLocalModelPrompt checks that a local model is served with the
// prompt it was trained on (localmodel.Messages: the question alone), not the
// generic one with linked tables, concepts and examples.
func TestSetupLocalModelPrompt(t *testing.T) {
	dir := t.TempDir()
	recs := []dataset.Record{{Question: "How many orders are there?", SQL: "SELECT COUNT(*) FROM Orders"}}
	tok, err := pretrain.TrainTokenizer(recs, 300)
	if err != nil {
		t.Fatal(err)
	}
	shape := pretrain.Shape{Hidden: 16, Layers: 1, Heads: 2, KVHeads: 1, Intermediate: 32, Context: 1024}
	m, err := lm.NewModel(pretrain.ModelConfig(shape, tok.VocabSize()))
	if err != nil {
		t.Fatal(err)
	}
	m.InitRandom(1, 0.1)
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	if err := pretrain.WriteTokenizer(dir, tok, shape.Context); err != nil {
		t.Fatal(err)
	}
	svc, closeAll, err := Setup(context.Background(), SetupOptions{Model: "local:" + dir})
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll()
	q := "What was the gross profit by category in 2023?"
	got := prompt.Messages(svc.cfg.Builder.Build(q, nil))
	want := localmodel.Messages(q, "", "")
	if len(got) != len(want) {
		t.Fatalf("%d messages, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("message %d:\n%q\nwant\n%q", i, got[i].Content, want[i].Content)
		}
	}
}
