package ranking

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/eval"
	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/report"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
	"github.com/sqlforge/sqlforge/internal/train/local"
	"github.com/sqlforge/sqlforge/internal/train/pretrain"
)

var testRecords = []dataset.Record{
	{Question: "How many customers are there?", SQL: "SELECT COUNT(*) FROM Customers"},
	{Question: "List every product name.", SQL: "SELECT ProductName FROM Products"},
	{Question: "What is the total freight?", SQL: "SELECT SUM(Freight) FROM Orders"},
	{Question: "Which employees live in London?", SQL: "SELECT LastName FROM Employees WHERE City = 'London'"},
}

// tinyBase writes a random Llama of the given width into dir/name.
func tinyBase(t *testing.T, dir, name string, hidden int, seed uint64) string {
	t.Helper()
	path := filepath.Join(dir, name)
	tok, err := pretrain.TrainTokenizer(testRecords, 300)
	if err != nil {
		t.Fatal(err)
	}
	shape := pretrain.Shape{Hidden: hidden, Layers: 1, Heads: 4, KVHeads: 2, Intermediate: 2 * hidden, Context: 256}
	m, err := lm.NewModel(pretrain.ModelConfig(shape, tok.VocabSize()))
	if err != nil {
		t.Fatal(err)
	}
	m.InitRandom(seed, 0.1)
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	if err := pretrain.WriteTokenizer(path, tok, shape.Context); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeRecords writes testRecords as a records JSONL file and returns its path.
func writeRecords(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for _, r := range testRecords {
		line, _ := json.Marshal(r)
		b.Write(append(line, '\n'))
	}
	path := filepath.Join(dir, "train.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// recipe is the test's one recipe: a few LoRA steps on testRecords.
func recipe(t *testing.T, dir string, steps int) Trainer {
	return Finetuner(local.FinetuneOptions{Data: writeRecords(t, dir), Steps: steps, Batch: 2, LR: 1e-2, Seed: 1,
		LoRA: lm.DefaultLoRAConfig()})
}

func testItems() []eval.Item {
	items := make([]eval.Item, len(testRecords))
	for i, r := range testRecords {
		items[i] = eval.Item{Index: i, ID: r.Question, Question: r.Question, Gold: r.SQL}
	}
	return items
}

// TestRunRanksTwoBases fine-tunes two tiny random bases with one recipe and checks the
// ranking: one row per base, ranks 1 and 2 in EX order, measured speed and memory, and one
// merged report with both models.
func TestRunRanksTwoBases(t *testing.T) {
	dir := t.TempDir()
	bases := []string{tinyBase(t, dir, "small", 32, 1), tinyBase(t, dir, "wide", 48, 2)}
	out := filepath.Join(dir, "out")
	var stages []string
	r, err := Run(context.Background(), Config{Bases: bases, Out: out, Train: recipe(t, dir, 3), Items: testItems(),
		DB: "northwind", MaxTokens: 24, Progress: func(s string) { stages = append(stages, s) },
		Eval: eval.Options{Workers: 1, Query: sqlexec.Options{Timeout: 5 * time.Second, MaxRows: 1000}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 2 || r.Items != len(testRecords) {
		t.Fatalf("got %d rows over %d items, want 2 over %d", len(r.Rows), r.Items, len(testRecords))
	}
	var got []string
	for i, row := range r.Rows {
		got = append(got, row.Base)
		if row.Rank != i+1 {
			t.Errorf("row %d: rank %d", i, row.Rank)
		}
		if row.Steps != 3 || row.TrainTokensPerSecond <= 0 || row.PeakMemoryBytes == 0 || math.IsNaN(row.FinalLoss) {
			t.Errorf("row %s: steps %d, %.0f tok/s, peak %d bytes (%s), loss %v", row.Base, row.Steps,
				row.TrainTokensPerSecond, row.PeakMemoryBytes, row.PeakMemorySource, row.FinalLoss)
		}
		if _, err := os.Stat(filepath.Join(row.RunDir, "adapter", "adapter_config.json")); err != nil {
			t.Errorf("row %s: %v", row.Base, err)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, bases) {
		t.Errorf("bases ranked: %v, want %v", got, bases)
	}
	if r.Rows[0].EX < r.Rows[1].EX {
		t.Errorf("rank 1 has EX %.2f < rank 2's %.2f", r.Rows[0].EX, r.Rows[1].EX)
	}
	if len(r.Report.Models) != 2 || r.Report.Models[0].Model != r.Rows[0].Base+" (fine-tuned)" || r.Report.Models[0].Calibration == nil {
		t.Errorf("merged report models %d, first %q", len(r.Report.Models), r.Report.Models[0].Model)
	}
	want := []string{"training " + bases[0], "evaluating " + bases[0], "training " + bases[1], "evaluating " + bases[1]}
	if !slices.Equal(stages, want) {
		t.Errorf("stages %v, want %v", stages, want)
	}
	for _, f := range []string{JSONFile, MarkdownFile, filepath.Join("report", report.HTMLFile), filepath.Join("report", report.JSONFile)} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	var back Ranking
	data, _ := os.ReadFile(filepath.Join(out, JSONFile))
	if err := json.Unmarshal(data, &back); err != nil || len(back.Rows) != 2 {
		t.Errorf("%s: %v, %d rows", JSONFile, err, len(back.Rows))
	}
	md, _ := os.ReadFile(filepath.Join(out, MarkdownFile))
	t.Logf("%s:\n%s", MarkdownFile, md)
	if !strings.Contains(string(md), "| 1 | "+r.Rows[0].Base+" |") {
		t.Errorf("%s lacks the first row:\n%s", MarkdownFile, md)
	}
}

func TestRankOrder(t *testing.T) {
	tests := []struct {
		name string
		rows []Row
		want []int
	}{
		{"EX first", []Row{{EX: 0.2, Sim: 0.9}, {EX: 0.5, Sim: 0.1}}, []int{1, 0}},
		{"similarity breaks EX ties", []Row{{EX: 0.5, Sim: 0.3}, {EX: 0.5, Sim: 0.6}}, []int{1, 0}},
		{"then validity", []Row{{Valid: 0.5}, {Valid: 0.9}}, []int{1, 0}},
		{"then training speed", []Row{{TrainTokensPerSecond: 10}, {TrainTokensPerSecond: 20}}, []int{1, 0}},
		{"full tie keeps the given order", []Row{{EX: 0.1}, {EX: 0.1}, {EX: 0.1}}, []int{0, 1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rankOrder(tt.rows); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRunName(t *testing.T) {
	tests := []struct {
		i    int
		base string
		want string
	}{
		{0, "sqlforge-tiny", "01-sqlforge-tiny"},
		{1, "/models/Llama-2-7b/", "02-Llama-2-7b"},
		{2, "out/m.gguf", "03-m.gguf"},
		{9, "a b:c", "10-a_b_c"},
		{0, "/", "01-base"},
	}
	for _, tt := range tests {
		if got := runName(tt.i, tt.base); got != tt.want {
			t.Errorf("runName(%d, %q) = %q, want %q", tt.i, tt.base, got, tt.want)
		}
	}
}

func TestRunRejects(t *testing.T) {
	train := recipe(t, t.TempDir(), 1)
	items := testItems()
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"one base", Config{Bases: []string{"a"}, Out: "o", Train: train, Items: items}, "at least two"},
		{"duplicate base", Config{Bases: []string{"a", "a"}, Out: "o", Train: train, Items: items}, "given twice"},
		{"no out", Config{Bases: []string{"a", "b"}, Train: train, Items: items}, "no output"},
		{"no trainer", Config{Bases: []string{"a", "b"}, Out: "o", Items: items}, "no trainer"},
		{"no items", Config{Bases: []string{"a", "b"}, Out: "o", Train: train}, "no evaluation items"},
		{"missing base", Config{Bases: []string{"/nonexistent/a", "/nonexistent/b"}, Out: t.TempDir(), Train: train, Items: items}, "/nonexistent/a: train"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Run(context.Background(), tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestEvalData(t *testing.T) {
	isDir := func(p string) bool { return p == "gen" }
	tests := []struct {
		explicit, val, data, want string
	}{
		{"e.jsonl", "v.jsonl", "gen", "e.jsonl"},
		{"", "v.jsonl", "gen", "v.jsonl"},
		{"", "", "gen", "gen/test.jsonl"},
		{"", "", "train.jsonl", ""},
	}
	for _, tt := range tests {
		if got := EvalData(tt.explicit, tt.val, tt.data, isDir); got != tt.want {
			t.Errorf("EvalData(%q, %q, %q) = %q, want %q", tt.explicit, tt.val, tt.data, got, tt.want)
		}
	}
}

func TestFinetunerRefusesPlans(t *testing.T) {
	_, err := Finetuner(local.FinetuneOptions{Target: "plan"})(context.Background(), "b", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "plan") {
		t.Errorf("error %v, want a refusal of plan targets", err)
	}
}
