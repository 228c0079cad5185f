package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/report"
)

func TestEvalCommand(t *testing.T) {
	dir := t.TempDir()
	data := "../eval/testdata/northwind_test.jsonl"
	code, out, errOut := runCLI(t, "eval", "--data", data, "--model", "gold", "--model", "file:../eval/testdata/northwind_pred.jsonl",
		"--report", filepath.Join(dir, "a"), "--ves-repeat", "1")
	if code != 0 || !strings.Contains(out, "gold") || !strings.Contains(out, "EX 100.0%") {
		t.Fatalf("eval: code %d, stdout %q, stderr %q; want 0 and gold at 100%%", code, out, errOut)
	}
	for _, f := range []string{"report.json", "report.md", "report.html"} {
		if _, err := os.Stat(filepath.Join(dir, "a", f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	code, _, errOut = runCLI(t, "eval", "--data", data, "--model", "file:../eval/testdata/northwind_pred.jsonl", "--report", filepath.Join(dir, "b"))
	if code != 0 {
		t.Fatalf("second eval: code %d, stderr %q", code, errOut)
	}
	code, out, _ = runCLI(t, "eval", "compare", filepath.Join(dir, "b", "report.json"), filepath.Join(dir, "a", "report.json"))
	if code != 0 || !strings.Contains(out, "0 fixed, 0 broken") {
		t.Errorf("compare: code %d, stdout %q; want the shared model unchanged", code, out)
	}
}

func TestEvalBadInput(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"short pred.txt", []string{"--data", "spider:../eval/testdata/spider", "--model", "file:../eval/testdata/spider/pred_short.txt"}, "2 prediction lines for 4 items"},
		{"bad mode", []string{"--data", "../eval/testdata/northwind_test.jsonl", "--model", "gold", "--match", "nope"}, "--match"},
		{"missing data", []string{"--data", filepath.Join(dir, "none.jsonl"), "--model", "gold"}, "none.jsonl"},
		{"unknown database", []string{"--data", "../eval/testdata/northwind_test.jsonl", "--model", "gold", "--db", filepath.Join(dir, "x.db")}, "open database"},
	}
	for _, tt := range tests {
		args := append([]string{"eval", "--report", filepath.Join(dir, "r")}, tt.args...)
		code, _, errOut := runCLI(t, args...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: code %d, stderr %q; want 2 and %q", tt.name, code, errOut, tt.want)
		}
	}
}

func TestBenchEval(t *testing.T) {
	code, out, errOut := runCLI(t, "bench", "eval", "--rounds", "1", "--json")
	if code != 0 || !strings.Contains(out, `"overhead"`) || !strings.Contains(out, `"items": 12`) {
		t.Errorf("bench eval: code %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestEvalVESFlag: R-VES is off unless asked for; --ves alone takes BIRD's 100
// timings, --ves=N N, and the report records how many.
func TestEvalVESFlag(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		args []string
		want int
	}{
		{"off", nil, 0},
		{"bird", []string{"--ves"}, 100},
		{"n", []string{"--ves=2"}, 2},
		{"repeat", []string{"--ves-repeat", "3"}, 3},
	} {
		out := filepath.Join(dir, tt.name)
		args := append([]string{"eval", "--data", "../eval/testdata/northwind_test.jsonl", "--model", "gold", "--limit", "1",
			"--report", out, "--quiet"}, tt.args...)
		if code, _, errOut := runCLI(t, args...); code != 0 {
			t.Fatalf("%s: code %d, stderr %q", tt.name, code, errOut)
		}
		rep, err := report.ReadJSON(filepath.Join(out, "report.json"))
		if err != nil {
			t.Fatal(err)
		}
		s := rep.Models[0].Summary
		if rep.VESRepeat != tt.want || (tt.want > 0) != (s.VESItems == 1) {
			t.Errorf("%s: ves_repeat %d, ves_items %d; want %d and R-VES measured iff asked", tt.name, rep.VESRepeat, s.VESItems, tt.want)
		}
	}
}
