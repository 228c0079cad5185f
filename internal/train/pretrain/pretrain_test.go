package pretrain

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
	"github.com/sqlforge/sqlforge/internal/train/local"
)

// writeSCC writes n sql-create-context rows to a temp file.
func writeSCC(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		row, _ := json.Marshal(map[string]string{
			"input":   "What is the name of player " + string(rune('a'+i%26)) + "?",
			"context": "CREATE TABLE table_name_1 (name VARCHAR, player VARCHAR)",
			"output":  "SELECT name FROM table_name_1 WHERE player = \"" + string(rune('a'+i%26)) + "\"",
		})
		b.Write(append(row, '\n'))
	}
	path := filepath.Join(t.TempDir(), "scc.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBuildCorpus(t *testing.T) {
	scc := writeSCC(t, 40)
	for _, tc := range []struct {
		name              string
		opts              CorpusOptions
		scc, chinook, val int
		wantErr           string
	}{
		{"scc only", CorpusOptions{SQLCreateContext: scc, Valid: 5, Seed: 1}, 40, 0, 5, ""},
		{"with chinook", CorpusOptions{SQLCreateContext: scc, Chinook: 30, Valid: 5, Seed: 1}, 40, 30, 5, ""},
		{"too few", CorpusOptions{SQLCreateContext: scc, Valid: 40}, 0, 0, 0, "held out"},
		{"missing file", CorpusOptions{SQLCreateContext: scc + ".nope"}, 0, 0, 0, "nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := BuildCorpus(context.Background(), tc.opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.SQLCreateContext != tc.scc || c.Chinook < tc.chinook*8/10 || len(c.Valid) != tc.val ||
				len(c.Train)+len(c.Valid) != c.SQLCreateContext+c.Chinook {
				t.Fatalf("got scc %d chinook %d train %d valid %d", c.SQLCreateContext, c.Chinook, len(c.Train), len(c.Valid))
			}
			for _, r := range append(c.Train, c.Valid...) {
				if r.DB == "northwind" {
					t.Fatalf("Northwind record in the corpus: %+v", r)
				}
			}
			again, _ := BuildCorpus(context.Background(), tc.opts)
			if again.Train[0].SQL != c.Train[0].SQL || again.Valid[0].SQL != c.Valid[0].SQL {
				t.Fatal("corpus order is not a function of the seed")
			}
		})
	}
}

func TestRunWritesModel(t *testing.T) {
	out := filepath.Join(t.TempDir(), "tiny")
	opts := DefaultOptions(out)
	opts.Steps, opts.Vocab = 3, 300
	opts.Shape = Shape{Hidden: 32, Layers: 1, Heads: 2, KVHeads: 1, Intermediate: 48, Context: 256}
	opts.Corpus = CorpusOptions{SQLCreateContext: writeSCC(t, 30), Valid: 4}
	opts.Train.EvalEvery, opts.Train.SaveEvery = 3, 0
	var steps int
	s, err := Run(context.Background(), opts, func(p local.Progress) { steps++ })
	if err != nil {
		t.Fatal(err)
	}
	if steps != 3 || s.Steps != 3 || s.Params == 0 || s.TrainRecords != 26 || s.FirstLoss <= s.BestValidLoss-5 {
		t.Fatalf("summary %+v after %d observed steps", s, steps)
	}
	for _, f := range []string{"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", CardFile} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	card, _ := os.ReadFile(filepath.Join(out, CardFile))
	if !strings.Contains(string(card), "--steps 3 --seed 1") || !strings.Contains(string(card), "| steps | 3 |") {
		t.Errorf("model card lacks the rebuild command or steps:\n%s", card)
	}
	m, err := localmodel.Load(out, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Template.Family != "sqlforge" || m.LM.Config.VocabSize != m.Tokenizer.VocabSize() {
		t.Fatalf("loaded template %q, vocab %d vs %d", m.Template.Family, m.LM.Config.VocabSize, m.Tokenizer.VocabSize())
	}
	// Every token after the first counts in pretraining.
	data, _, err := tokenize(Corpus{Train: []dataset.Record{{Question: "q?", SQL: "SELECT 1"}}}, m.Tokenizer, 256)
	if err != nil {
		t.Fatal(err)
	}
	for i, on := range data.Train[0].Mask {
		if on != (i > 0) {
			t.Fatalf("mask[%d] = %v", i, on)
		}
	}
}

// TestRunResume kills a pretraining run after its second step (a cancelled
// context, checkpoint every 2 steps) and resumes it: the model written is
// byte-identical to an uninterrupted run's.
func TestRunResume(t *testing.T) {
	scc := writeSCC(t, 30)
	options := func(out string) Options {
		opts := DefaultOptions(out)
		opts.Steps, opts.Vocab = 4, 300
		opts.Shape = Shape{Hidden: 32, Layers: 1, Heads: 2, KVHeads: 1, Intermediate: 48, Context: 256}
		opts.Corpus = CorpusOptions{SQLCreateContext: scc, Valid: 4}
		opts.Train.EvalEvery, opts.Train.SaveEvery = 2, 2
		return opts
	}
	whole := filepath.Join(t.TempDir(), "whole")
	if _, err := Run(context.Background(), options(whole), nil); err != nil {
		t.Fatal(err)
	}
	killed := filepath.Join(t.TempDir(), "killed")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := Run(ctx, options(killed), func(p local.Progress) {
		if p.Step == 2 {
			cancel()
		}
	}); err == nil {
		t.Fatal("cancelled run finished")
	}
	if _, err := os.Stat(filepath.Join(killed, "model.safetensors")); err == nil {
		t.Fatal("a killed run wrote the model")
	}
	opts := options(killed)
	opts.Resume = true
	s, err := Run(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Steps != 4 {
		t.Fatalf("resumed run ended at step %d, want 4", s.Steps)
	}
	a, _ := os.ReadFile(filepath.Join(whole, "model.safetensors"))
	b, _ := os.ReadFile(filepath.Join(killed, "model.safetensors"))
	if len(a) == 0 || string(a) != string(b) {
		t.Fatal("the resumed model differs from the uninterrupted run's")
	}
}
