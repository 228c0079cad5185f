package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestGenWritesSplits(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"gen", "--size", "200", "--out", dir, "--val", "--json", "--formats", "openai,trl"}, nil, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var sum genSummary
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
		t.Fatalf("summary is not JSON: %v\n%s", err, out.String())
	}
	if sum.Generated != 200 || sum.Kept == 0 || len(sum.Splits) != 3 {
		t.Fatalf("summary: %+v", sum)
	}
	for _, f := range []string{"train.jsonl", "test.jsonl", "val.jsonl", "manifest.json", "openai/train.jsonl", "trl/val.jsonl"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if errb.Len() == 0 {
		t.Error("no progress lines on a non-terminal stderr")
	}
}

func TestGenBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"gen"},
		{"gen", "--out", t.TempDir(), "--formats", "nope"},
		{"gen", "--out", t.TempDir(), "--ontology", filepath.Join(t.TempDir(), "missing.yaml")},
	} {
		var out, errb bytes.Buffer
		if code := Run(context.Background(), args, nil, &out, &errb); code != exitInput {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitInput, errb.String())
		}
	}
}

// TestGenDefaultFormats runs gen as the README's main job does: no --formats flag.
func TestGenDefaultFormats(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := Run(context.Background(), []string{"gen", "--size", "120", "--out", dir, "--quiet"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, f := range []string{"train.jsonl", "test.jsonl", "inference.jsonl", "manifest.json",
		"openai/train.jsonl", "openai_reasoning/train.jsonl", "trl/train.jsonl", "alpaca/train.jsonl",
		"sharegpt/train.jsonl", "sql-create-context/train.jsonl"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestGenEvidence checks gen --evidence: most records carry the definitions
// of the concepts their question mentions, and the OpenAI export shows them
// in the user message (the one prompt: what training sees, inference sees).
func TestGenEvidence(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := Run(context.Background(), []string{"gen", "--size", "150", "--out", dir, "--evidence", "--formats", "openai", "-q"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	data, err := os.ReadFile(filepath.Join(dir, "train.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	n, with := 0, 0
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var r struct{ Question, Evidence string }
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		n++
		if r.Evidence != "" {
			with++
			if !bytes.Contains([]byte(r.Evidence), []byte(" = ")) {
				t.Errorf("%q: evidence %q is not name = definition", r.Question, r.Evidence)
			}
		}
	}
	if n == 0 || with < n*3/4 {
		t.Fatalf("%d of %d records have evidence", with, n)
	}
	chat, err := os.ReadFile(filepath.Join(dir, "openai", "train.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(chat, []byte("Evidence: ")) {
		t.Error("the OpenAI export does not show the evidence")
	}
}
