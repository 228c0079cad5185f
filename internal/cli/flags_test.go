package cli

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/report"
)

// TestOldFlagSpellings shows that each renamed flag's old spelling still parses, hidden,
// and sets the new flag (issue 15: one vocabulary, old spellings kept for one release).
func TestOldFlagSpellings(t *testing.T) {
	for _, tc := range []struct {
		cmd             string
		old, new, value string
	}{
		{"db export", "name", "db", "chinook"},
		{"data stats", "model", "price-model", "gpt-4o-2024-08-06"},
		{"serve", "query-timeout", "timeout", "7s"},
		{"ask", "query-timeout", "timeout", "7s"},
		{"bench serve", "query-timeout", "timeout", "7s"},
		{"run", "test", "sample", "5"},
		{"train", "val", "val-file", "v.jsonl"},
		{"finetune", "val", "val-file", "v.jsonl"},
	} {
		t.Run(tc.cmd+" --"+tc.old, func(t *testing.T) {
			a := &app{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
			c, _, err := a.newRootCmd().Find(strings.Fields(tc.cmd))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.ParseFlags([]string{"--" + tc.old, tc.value}); err != nil {
				t.Fatalf("--%s %s: %v", tc.old, tc.value, err)
			}
			if got := c.Flags().Lookup(tc.new).Value.String(); got != tc.value {
				t.Errorf("--%s %s sets --%s to %q, want %q", tc.old, tc.value, tc.new, got, tc.value)
			}
			if !c.Flags().Lookup(tc.old).Hidden {
				t.Errorf("--%s is not hidden", tc.old)
			}
			if strings.Contains(c.UsageString(), "--"+tc.old+" ") {
				t.Errorf("help lists --%s", tc.old)
			}
		})
	}
}

// TestBenchServeNoExecute: bench serve's --execute has an off switch.
func TestBenchServeNoExecute(t *testing.T) {
	a := &app{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	c, _, err := a.newRootCmd().Find([]string{"bench", "serve"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ParseFlags([]string{"--no-execute"}); err != nil {
		t.Fatal(err)
	}
	if got := c.Flags().Lookup("no-execute").Value.String(); got != "true" {
		t.Errorf("--no-execute = %s, want true", got)
	}
}

// TestModelHelpListsEveryKind: every --model flag that takes a model reference names every kind.
func TestModelHelpListsEveryKind(t *testing.T) {
	for _, path := range []string{"eval", "serve", "ask", "bench serve", "bench eval"} {
		a := &app{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
		c, _, err := a.newRootCmd().Find(strings.Fields(path))
		if err != nil {
			t.Fatal(err)
		}
		f := c.Flags().Lookup("model")
		if f == nil {
			t.Errorf("%s has no --model", path)
			continue
		}
		for _, kind := range []string{"knn:", "local:", "plan:knn:", "plan:local:", "openai:", "azure:", "ollama:", "http"} {
			if !strings.Contains(f.Usage, kind) {
				t.Errorf("%s --model help %q lacks %s", path, f.Usage, kind)
			}
		}
	}
}

// TestEvalSample: eval --sample N evaluates a seeded sample of N items (run's --sample), and
// refuses --limit with it.
func TestEvalSample(t *testing.T) {
	out := filepath.Join(t.TempDir(), "rep")
	if code, _, errOut := runCLI(t, "eval", "--data", "../eval/testdata/northwind_test.jsonl", "--model", "gold",
		"--sample", "3", "--report", out, "--quiet"); code != 0 {
		t.Fatalf("eval --sample 3: exit %d, %s", code, errOut)
	}
	rep, err := report.ReadJSON(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Models[0].Summary.Items; got != 3 {
		t.Errorf("eval --sample 3 evaluated %d items, want 3", got)
	}
	if code, _, _ := runCLI(t, "eval", "--data", "../eval/testdata/northwind_test.jsonl", "--model", "gold",
		"--sample", "3", "--limit", "2"); code != 2 {
		t.Errorf("eval --sample with --limit: exit %d, want 2", code)
	}
}
