package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/peft"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
	"github.com/sqlforge/sqlforge/internal/train/pretrain"
)

var tinyRecords = []dataset.Record{
	{Question: "How many customers are there?", SQL: "SELECT COUNT(*) FROM Customers"},
	{Question: "List every product name.", SQL: "SELECT ProductName FROM Products"},
	{Question: "What is the total freight?", SQL: "SELECT SUM(Freight) FROM Orders"},
	{Question: "Which employees live in London?", SQL: "SELECT LastName FROM Employees WHERE City = 'London'"},
}

// tinyBase writes a random tiny model and a records file; it returns their paths.
func tinyBase(t *testing.T) (base, data string) {
	t.Helper()
	dir := t.TempDir()
	base = filepath.Join(dir, "base")
	tok, err := pretrain.TrainTokenizer(tinyRecords, 300)
	if err != nil {
		t.Fatal(err)
	}
	m, err := lm.NewModel(pretrain.ModelConfig(pretrain.Shape{Hidden: 32, Layers: 2, Heads: 4, KVHeads: 2, Intermediate: 64, Context: 512}, tok.VocabSize()))
	if err != nil {
		t.Fatal(err)
	}
	m.InitRandom(1, 0.1)
	if err := m.Save(base); err != nil {
		t.Fatal(err)
	}
	if err := pretrain.WriteTokenizer(base, tok, 512); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range tinyRecords {
		line, _ := json.Marshal(r)
		b.Write(append(line, '\n'))
	}
	data = filepath.Join(dir, "train.jsonl")
	if err := os.WriteFile(data, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return base, data
}

func TestTrainMergeResume(t *testing.T) {
	base, data := tinyBase(t)
	run := filepath.Join(t.TempDir(), "run")
	code, out, errOut := runCLI(t, "train", "--base", base, "--data", data, "--out", run, "--steps", "4",
		"--batch", "2", "--lora-r", "4", "--lr", "0.01", "--json")
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, errOut)
	}
	var s trainSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("train summary %q: %v", out, err)
	}
	if s.Steps != 4 || s.Examples != len(tinyRecords) || s.Adapter != filepath.Join(run, "adapter") {
		t.Fatalf("summary %+v", s)
	}
	cfg, err := peft.ReadConfig(filepath.Join(s.Adapter, peft.ConfigFile))
	if err != nil || cfg.R != 4 {
		t.Fatalf("adapter config %+v, %v", cfg, err)
	}
	// A finished run resumes to the same step count without training further.
	code, out, errOut = runCLI(t, "train", "--base", base, "--data", data, "--out", run, "--resume", "--json")
	if code != 0 || !strings.Contains(out, `"steps": 4`) {
		t.Fatalf("resume: exit %d: %s %s", code, out, errOut)
	}
	merged := filepath.Join(t.TempDir(), "merged")
	if code, _, errOut := runCLI(t, "merge", "--base", base, "--adapter", s.Adapter, "--out", merged); code != 0 {
		t.Fatalf("merge: exit %d: %s", code, errOut)
	}
	// The merged model answers as base + adapter does.
	ask := func(dir, adapter string) string {
		m, err := localmodel.Load(dir, adapter, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := localmodel.NewBackend(m, "t").Generate(context.Background(), model.Request{
			Question: tinyRecords[0].Question, MaxTokens: 12, Logprobs: true})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Choices[0].Text
	}
	if got, want := ask(merged, ""), ask(base, s.Adapter); got != want {
		t.Fatalf("merged answers %q, base+adapter %q", got, want)
	}
}

func TestTrainBadInput(t *testing.T) {
	base, data := tinyBase(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no data", []string{"train", "--base", base, "--out", dir}, "--data"},
		{"missing base", []string{"train", "--base", filepath.Join(dir, "nope"), "--data", data, "--out", dir}, "nope"},
		{"missing data", []string{"train", "--base", base, "--data", filepath.Join(dir, "x.jsonl"), "--out", dir}, "x.jsonl"},
		{"bad rank", []string{"train", "--base", base, "--data", data, "--out", dir, "--lora-r", "0"}, "--lora-r"},
		{"qlora full", []string{"train", "--base", base, "--data", data, "--out", dir, "--qlora", "--full"}, "--qlora"},
		{"merge no adapter", []string{"merge", "--base", base, "--out", dir}, "--adapter"},
		{"pretrain no out", []string{"pretrain"}, "--out"},
		{"run no out", []string{"run"}, "--out"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Run(context.Background(), tc.args, nil, &out, &errb)
			if code != exitInput || !strings.Contains(errb.String(), tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 mentioning %q", code, errb.String(), tc.want)
			}
		})
	}
}

// TestTrainResumeBeforeFirstCheckpoint: a run killed before its first checkpoint leaves no
// checkpoint (and perhaps temporary files); --resume then starts a fresh run.
func TestTrainResumeBeforeFirstCheckpoint(t *testing.T) {
	base, data := tinyBase(t)
	run := filepath.Join(t.TempDir(), "run")
	stale := filepath.Join(run, "adapter", ".adapter_model.safetensors.tmp123")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	_ = os.Chtimes(stale, old, old)
	code, out, errOut := runCLI(t, "train", "--base", base, "--data", data, "--out", run, "--resume", "--steps", "2",
		"--batch", "2", "--lora-r", "4", "--json")
	if code != 0 || !strings.Contains(out, `"steps": 2`) || !strings.Contains(errOut, "starting a fresh run") {
		t.Fatalf("resume without a checkpoint: exit %d: %s %s", code, out, errOut)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file kept: %v", err)
	}
}
