package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/eval"
	"github.com/sqlforge/sqlforge/internal/model/openaitest"
)

func TestEvalBIRDGold(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "eval", "--data", "bird:../dataset/testdata/bird", "--model", "gold", "--match", "bird",
		"--report", dir, "--ves-repeat", "1")
	if code != 0 || !strings.Contains(out, "EX 100.0%") {
		t.Fatalf("eval bird: code %d, stdout %q, stderr %q; want gold at 100%%", code, out, errOut)
	}
	rep := readReport(t, filepath.Join(dir, "report.json"))
	if len(rep.Models[0].ByDifficulty) != 3 || rep.Models[0].Items[4].Difficulty != "challenging" {
		t.Errorf("report: by difficulty %+v, item 4 %+v", rep.Models[0].ByDifficulty, rep.Models[0].Items[4])
	}
}

func TestEvalEmbeddingSimilarity(t *testing.T) {
	srv := openaitest.New(t)
	dir := t.TempDir()
	ref := "embeddings:" + srv.BaseURL() + "#nomic-embed-text"
	code, out, errOut := runCLI(t, "eval", "--data", "../eval/testdata/northwind_test.jsonl", "--model", "gold",
		"--model", "file:../eval/testdata/northwind_pred.jsonl", "--similarity", ref, "--report", dir, "--ves-repeat", "0")
	if code != 0 {
		t.Fatalf("eval: code %d, stdout %q, stderr %q", code, out, errOut)
	}
	rep := readReport(t, filepath.Join(dir, "report.json"))
	if rep.Similarity != ref || rep.Models[0].Summary.Sim != 1 {
		t.Errorf("report: similarity %q, gold sim %v; want %q and 1", rep.Similarity, rep.Models[0].Summary.Sim, ref)
	}
	if len(srv.Requests()) == 0 {
		t.Errorf("the embeddings server was never asked")
	}
	for _, it := range rep.Models[1].Items {
		if it.Prediction == "" {
			continue
		}
		g, p := openaitest.Embedding(it.Gold, 0), openaitest.Embedding(it.Prediction, 0)
		var want float64
		for k := range g {
			want += float64(g[k]) * float64(p[k])
		}
		if d := it.Metrics.Sim - want; d > 1e-4 || d < -1e-4 {
			t.Errorf("item %d: sim %v, want %v", it.Index, it.Metrics.Sim, want)
		}
	}
}

func TestEvalSimilarityBadInput(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ sim, want string }{
		{"cosine", `--similarity "cosine": want tokens or embeddings:REF`},
		{"embeddings:gold", "not OpenAI-compatible"},
		{"embeddings:nope:x", "unknown scheme"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, "eval", "--data", "../eval/testdata/northwind_test.jsonl", "--model", "gold",
			"--similarity", tt.sim, "--report", filepath.Join(dir, "r"))
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("--similarity %s: code %d, stderr %q; want 2 and %q", tt.sim, code, errOut, tt.want)
		}
	}
}

func readReport(t *testing.T, path string) eval.Report {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep eval.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}
