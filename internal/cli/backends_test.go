package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestEvalKNNFromGen runs the baseline loop a new user runs: generate data, then evaluate
// the oracle and the knn baseline on the test split through the shared model registry.
func TestEvalKNNFromGen(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	var out, errb bytes.Buffer
	if code := Run(ctx, []string{"gen", "--size", "150", "--out", data, "--formats", "openai", "--quiet"}, nil, &out, &errb); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errb.String())
	}
	rep := t.TempDir()
	out.Reset()
	errb.Reset()
	args := []string{"eval", "--data", filepath.Join(data, "test.jsonl"), "--model", "gold", "--model", "knn:" + data,
		"--report", rep, "--quiet"}
	if code := Run(ctx, args, nil, &out, &errb); code != 0 {
		t.Fatalf("eval: exit %d: %s", code, errb.String())
	}
	b, err := os.ReadFile(filepath.Join(rep, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Models []struct {
			Model   string `json:"model"`
			Summary struct {
				Items  int     `json:"items"`
				Scored int     `json:"scored"`
				EX     float64 `json:"ex"`
				Valid  float64 `json:"valid"`
			} `json:"summary"`
		} `json:"models"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Models) != 2 {
		t.Fatalf("got %d models in the report, want 2", len(r.Models))
	}
	gold, knn := r.Models[0].Summary, r.Models[1].Summary
	if r.Models[0].Model != "gold" || gold.Items == 0 || gold.EX != 1 {
		t.Errorf("gold: got %s %+v, want EX 1 on every item", r.Models[0].Model, gold)
	}
	if r.Models[1].Model != "knn:"+data || knn.Scored != gold.Scored || knn.Valid == 0 {
		t.Errorf("knn: got %s %+v", r.Models[1].Model, knn)
	}
}
