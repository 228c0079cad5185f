package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestRunMainJob runs the main job end to end at a toy size (200 pairs, two
// fine-tuning steps, five test items): data, adapter, report and the summary
// with the knn baseline, the base model, the fine-tuned model and its
// schema-constrained variant. Accuracy at this size means nothing; the
// pipeline's wiring does.
func TestRunMainJob(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole pipeline")
	}
	for _, tc := range []struct {
		name  string
		flags []string
		model string // the fine-tuned model's file that must exist
	}{
		{"full", nil, "train/model/model.safetensors"},
		{"lora", []string{"--lora"}, "train/adapter/adapter_config.json"},
	} {
		t.Run(tc.name, func(t *testing.T) { runMainJob(t, tc.flags, tc.model) })
	}
}

func runMainJob(t *testing.T, flags []string, tuned string) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	args := append([]string{"run", "--out", dir, "--size", "200", "--steps", "2", "--sample", "5", "--evidence", "--constrain", "--json", "-q"}, flags...)
	if code := Run(context.Background(), args, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var s runSummary
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		t.Fatalf("summary is not JSON: %v\n%s", err, out.String())
	}
	if len(s.Models) != 4 || s.Train.Steps != 2 {
		t.Fatalf("summary %+v", s)
	}
	names := map[string]bool{}
	for _, m := range s.Models {
		names[m.Model] = true
		if m.EX < 0 || m.EX > 1 || m.Valid < 0 || m.Valid > 1 {
			t.Errorf("%s: EX %v valid %v", m.Model, m.EX, m.Valid)
		}
	}
	if len(names) != 4 {
		t.Errorf("models not told apart: %v", names)
	}
	for _, f := range []string{"data/train.jsonl", tuned, "train/results.csv", "report/report.html", "report/report.json"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	rep, err := os.ReadFile(filepath.Join(dir, "report", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Models []struct {
			Items []struct{ Question string }
		}
	}
	if err := json.Unmarshal(rep, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Models) != 4 || len(r.Models[0].Items) != 5 {
		t.Fatalf("report has %d models / %d items, want 4 / 5", len(r.Models), len(r.Models[0].Items))
	}
}
