package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDataCommands(t *testing.T) {
	dir := t.TempDir()
	recs := filepath.Join(dir, "recs.jsonl")
	code, out, errs := runCLI(t, "data", "import", "--from", "spider", "../dataset/testdata/spider", "--out", recs)
	if code != 0 {
		t.Fatalf("import: exit %d, %s", code, errs)
	}
	if !strings.Contains(out, "3 records imported from spider") {
		t.Errorf("import output: %q", out)
	}
	split := filepath.Join(dir, "split")
	code, out, errs = runCLI(t, "--json", "data", "split", recs, "--out", split, "--val", "--seed", "3", "--formats", "openai,sql-create-context")
	if code != 0 {
		t.Fatalf("split: exit %d, %s", code, errs)
	}
	var m struct {
		Splits []struct {
			Name  string `json:"name"`
			Count int    `json:"count"`
		} `json:"splits"`
		Files map[string]string `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("split --json: %v\n%s", err, out)
	}
	if len(m.Splits) != 3 || m.Splits[2].Name != "val" || len(m.Files) != 9 {
		t.Errorf("split manifest: %+v", m)
	}
	for _, f := range []string{"train.jsonl", "val.jsonl", "openai/train.jsonl", "sql-create-context/test.jsonl", "manifest.json"} {
		if _, err := os.Stat(filepath.Join(split, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	code, out, errs = runCLI(t, "data", "stats", recs)
	if code != 0 || !strings.Contains(out, "estimated fine-tuning cost: $") || !strings.Contains(out, "source:   import:spider=3") {
		t.Errorf("stats: exit %d\n%s%s", code, out, errs)
	}
	exp := filepath.Join(dir, "alpaca.jsonl")
	if code, _, errs = runCLI(t, "data", "export", recs, "--format", "alpaca", "--out", exp); code != 0 {
		t.Fatalf("export: exit %d, %s", code, errs)
	}
	if b, _ := os.ReadFile(exp); strings.Count(string(b), "\"instruction\"") != 3 {
		t.Errorf("alpaca export:\n%s", b)
	}
	if code, out, errs = runCLI(t, "data", "validate", recs); code != 0 || !strings.Contains(out, "3 valid") {
		t.Errorf("validate: exit %d\n%s%s", code, out, errs)
	}
}

func TestDataBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte("{\"question\":\"q\",\"sql\":\"SELECT 1\"}\n{\"question\":\"q2\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	latin1 := filepath.Join(dir, "latin1.jsonl")
	if err := os.WriteFile(latin1, []byte("{\"question\":\"caf\xe9\",\"answer\":\"SELECT 1\",\"context\":\"\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	nosuch := filepath.Join(dir, "nosuch.jsonl")
	okFile := filepath.Join(dir, "ok.jsonl")
	if err := os.WriteFile(okFile, []byte("{\"question\":\"q\",\"sql\":\"SELECT nope FROM nowhere\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"validate missing field", []string{"data", "validate", bad}, "bad.jsonl:2: field sql: missing"},
		{"validate sql on db", []string{"data", "validate", okFile, "--db", "northwind"}, "ok.jsonl:1: field sql: "},
		{"stats bad line", []string{"data", "stats", bad}, "bad.jsonl:2: field sql: missing"},
		{"split no out", []string{"data", "split", okFile}, "--out: required"},
		{"split bad format", []string{"data", "split", okFile, "--out", dir, "--formats", "csv"}, `unknown format "csv"`},
		{"export missing file", []string{"data", "export", nosuch, "--format", "trl", "--out", filepath.Join(dir, "x")}, "nosuch.jsonl"},
		{"import unknown source", []string{"data", "import", "--from", "bird", okFile, "--out", filepath.Join(dir, "y")}, `unknown source "bird"`},
		{"import bad line", []string{"data", "import", "--from", "seed", bad, "--out", filepath.Join(dir, "z")}, "bad.jsonl:1: field user: missing"},
		{"import invalid UTF-8", []string{"data", "import", "--from", "sql-create-context", latin1, "--out", filepath.Join(dir, "u")}, "latin1.jsonl:1: invalid UTF-8 at byte 17"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := runCLI(t, tt.args...)
			if code != 2 || !strings.Contains(errs, tt.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
				t.Errorf("exit %d, stderr %q; want 2 and one line containing %q", code, errs, tt.want)
			}
		})
	}
	for _, f := range []string{"x", "y", "z", "u"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("output %s written despite the error", f)
		}
	}
}

func TestDataImportReplacesInvalidUTF8OnRequest(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "latin1.jsonl")
	if err := os.WriteFile(in, []byte("{\"question\":\"caf\xe9\",\"answer\":\"SELECT 1\",\"context\":\"\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.jsonl")
	code, stdout, errs := runCLI(t, "data", "import", "--from", "sql-create-context", "--replace-invalid-utf8", in, "--out", out)
	if code != 0 || !strings.Contains(stdout, "1 invalid UTF-8 sequences replaced") {
		t.Fatalf("exit %d: %s%s", code, stdout, errs)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), "caf\uFFFD") {
		t.Errorf("output %s lacks the replacement character", b)
	}
}

// TestDataRemovesStaleTemps: the temporary files a killed import, split or export left
// beside its output (or in its output folder) are removed by the next run; fresh ones, which
// another run may be writing, are kept.
func TestDataRemovesStaleTemps(t *testing.T) {
	recs := filepath.Join(t.TempDir(), "recs.jsonl")
	if code, _, errs := runCLI(t, "data", "import", "--from", "spider", "../dataset/testdata/spider", "--out", recs); code != 0 {
		t.Fatalf("import: exit %d, %s", code, errs)
	}
	tests := []struct {
		name  string
		args  func(out string) []string
		out   string   // the output, in a fresh folder
		stale []string // temporary files left by a killed run, relative to the folder
	}{
		{"import", func(out string) []string {
			return []string{"data", "import", "--from", "spider", "../dataset/testdata/spider", "--out", out}
		}, "out.jsonl", []string{".out.jsonl.tmp-4242"}},
		{"split", func(out string) []string {
			return []string{"data", "split", recs, "--out", out, "--formats", "openai"}
		}, "split", []string{"split/.train.jsonl.tmp-4242", "split/.manifest.json.tmp-17", "split/openai/.train.jsonl.tmp-9"}},
		{"export", func(out string) []string {
			return []string{"data", "export", recs, "--format", "alpaca", "--out", out}
		}, "out.alpaca.jsonl", []string{".out.alpaca.jsonl.tmp-4242"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			old := time.Now().Add(-time.Hour)
			for _, s := range tt.stale {
				p := filepath.Join(dir, s)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("{"), 0o644); err != nil {
					t.Fatal(err)
				}
				_ = os.Chtimes(p, old, old)
			}
			code, _, errs := runCLI(t, tt.args(filepath.Join(dir, tt.out))...)
			if code != 0 {
				t.Fatalf("exit %d, %s", code, errs)
			}
			for _, s := range tt.stale {
				if _, err := os.Stat(filepath.Join(dir, s)); !os.IsNotExist(err) {
					t.Errorf("stale temporary file %s kept: %v", s, err)
				}
			}
		})
	}
}
