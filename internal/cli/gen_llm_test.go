package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/datagen/llm"
	"github.com/sqlforge/sqlforge/internal/datagen/llm/llmtest"
	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/model/openaitest"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// llmServer is a loopback OpenAI-compatible server scripted with good, wrong, malformed
// and slow answers, and the gen arguments that use it.
func llmServer(t *testing.T) (*llmtest.Script, func(out string) []string) {
	t.Helper()
	srv := openaitest.New(t)
	sc := &llmtest.Script{}
	srv.Reply = sc.Reply
	t.Setenv("SQLFORGE_MODEL_MAX_RETRIES", "0")
	return sc, func(out string) []string {
		return []string{"gen", "--size", "60", "--seed", "3", "--out", out, "--formats", "openai", "--json",
			"--llm", srv.BaseURL() + "#gpt-4o-mini", "--k", "3", "--llm-questions", "16", "--triplets", "3"}
	}
}

func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	return out
}

func TestGenLLMMergesVerifiedPairs(t *testing.T) {
	_, args := llmServer(t)
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := Run(context.Background(), args(dir), nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var m struct {
		dataset.Manifest
		LLM llm.Report `json:"llm"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil || json.Unmarshal(b, &m) != nil {
		t.Fatalf("manifest: %v\n%s", err, b)
	}
	for _, reason := range []string{llm.RejectNoMajority, llm.RejectMalformed, llm.RejectSQLError} {
		if m.LLM.Rejected[reason] == 0 {
			t.Errorf("manifest counts no %s rejection: %v", reason, m.LLM.Rejected)
		}
	}
	if m.LLM.Usage[llm.StageSQL].Requests == 0 || m.LLM.CostUSD <= 0 || m.Files["rejected.jsonl"] == "" {
		t.Errorf("manifest lacks usage, cost or files: %+v", m.LLM)
	}
	pairs := map[string]llm.Pair{}
	for _, p := range readJSONL[llm.Pair](t, filepath.Join(dir, "llm_pairs.jsonl")) {
		pairs[p.ID] = p
	}
	rejected := readJSONL[llm.Rejection](t, filepath.Join(dir, "rejected.jsonl"))
	if len(rejected) == 0 || len(pairs) == 0 {
		t.Fatalf("%d pairs, %d rejected", len(pairs), len(rejected))
	}
	db, err := database.Open(context.Background(), "northwind")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ex := sqlexec.NewSQLite(db.DB)
	groupSplit := map[string]string{}
	sources := map[string]int{}
	for _, split := range []string{"train", "test", "inference"} {
		for _, r := range readJSONL[dataset.Record](t, filepath.Join(dir, split+".jsonl")) {
			sources[r.Source]++
			if s, ok := groupSplit[r.Group]; ok && s != split {
				t.Errorf("group %s in %s and %s", r.Group, s, split)
			}
			groupSplit[r.Group] = split
			if r.Source == "plan" || r.Source == "template" {
				continue // the deterministic generator's pairs
			}
			if r.Source != "llm:gpt-4o-mini" {
				t.Errorf("source %q, want plan, template or llm:gpt-4o-mini", r.Source)
			}
			p, ok := pairs[r.ID]
			if !ok {
				t.Errorf("%s: LLM record not in llm_pairs.jsonl", r.ID)
				continue
			}
			if r.Context != "" {
				continue // a triplet: checked on its own CREATE TABLE context
			}
			res, err := ex.Query(context.Background(), r.SQL, sqlexec.Options{})
			if err != nil || len(res.Rows) == 0 || p.Agreement <= 0.5 {
				t.Errorf("kept %q: rows %v, err %v, agreement %v", r.SQL, res, err, p.Agreement)
			}
		}
	}
	if sources["plan"]+sources["template"] == 0 || sources["llm:gpt-4o-mini"] == 0 {
		t.Errorf("sources %v, want both", sources)
	}
}

// TestGenLLMKillAndRestart cancels gen in the middle of its LLM requests, runs it again
// with the same output directory, and compares every file with an uninterrupted run's.
func TestGenLLMKillAndRestart(t *testing.T) {
	_, args := llmServer(t)
	whole := t.TempDir()
	var out, errb bytes.Buffer
	if code := Run(context.Background(), args(whole), nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}

	sc, args2 := llmServer(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sc.OnRequest = func(n int) {
		if n == 12 {
			cancel()
		}
	}
	if code := Run(ctx, args2(dir), nil, &out, &errb); code == 0 {
		t.Fatal("the killed run succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil {
		t.Fatal("the killed run wrote a manifest")
	}
	errb.Reset()
	out.Reset()
	if code := Run(context.Background(), args2(dir), nil, &out, &errb); code != 0 {
		t.Fatalf("restart: exit %d: %s", code, errb.String())
	}
	var sum genSummary
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil || sum.LLM == nil || sum.LLM.Run.Resumed == 0 {
		t.Fatalf("restart summary: %v %+v", err, sum.LLM)
	}
	want := files(t, whole)
	got := files(t, dir)
	if len(got) != len(want) {
		t.Fatalf("restart wrote %d files, want %d", len(got), len(want))
	}
	for name, w := range want {
		if g := got[name]; g != w {
			t.Errorf("%s differs after kill and restart (%d bytes, want %d)", name, len(g), len(w))
		}
	}
}

// files reads every output file under dir except the cache.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".llm-cache" {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
