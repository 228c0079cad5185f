//go:build unix

package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/peft"
	"github.com/sqlforge/sqlforge/internal/train/local"
)

// standIn puts testdata/engine-standin.sh on PATH as axolotl and trl (and a no-op
// accelerate), with an adapter written by sqlforge's own PEFT writer for it to "train".
func standIn(t *testing.T) (gate string) {
	t.Helper()
	bin := t.TempDir()
	script, err := filepath.Abs(filepath.Join("testdata", "engine-standin.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"axolotl", "trl"} {
		if err := os.Symlink(script, filepath.Join(bin, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(bin, "accelerate"), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	m, err := lm.NewModel(lm.Config{ModelType: "qwen2", HiddenSize: 16, IntermediateSize: 24, NumHiddenLayers: 2,
		NumAttentionHeads: 4, NumKeyValueHeads: 2, HeadDim: 4, VocabSize: 32, RMSNormEps: 1e-6,
		RopeTheta: 10000, MaxPositionEmbeddings: 64, HiddenAct: "silu"})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.AddLoRA(lm.LoRAConfig{R: 16, Alpha: 32, TargetModules: []string{"q_proj", "v_proj"}}, 1); err != nil {
		t.Fatal(err)
	}
	adapter := t.TempDir()
	if err := peft.Save(adapter, m, "Qwen/Qwen2.5-Coder-1.5B"); err != nil {
		t.Fatal(err)
	}
	gate = filepath.Join(t.TempDir(), "gate")
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("STANDIN_ADAPTER", adapter)
	t.Setenv("STANDIN_GATE", gate)
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	return gate
}

func runEngineCLI(ctx context.Context, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(ctx, args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// TestTrainEngineRunKilledAndWatched drives `train --engine axolotl --run` with the stand-in,
// stops the CLI mid-run (the engine keeps running, detached), then `jobs list` shows the job
// and `jobs watch` resumes it to the end without repeating a logged step.
func TestTrainEngineRunKilledAndWatched(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	gate := standIn(t)
	dir := t.TempDir()
	out, state := filepath.Join(dir, "R"), filepath.Join(dir, "jobs.db")
	data := filepath.Join("..", "train", "recipe", "testdata", "records.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	go func() { // "kill" the CLI once the engine is past its first evaluation
		for ctx.Err() == nil {
			if b, _ := os.ReadFile(filepath.Join(out, "logs", "train.log")); bytes.Contains(b, []byte("eval_loss")) {
				time.Sleep(100 * time.Millisecond)
				cancel()
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	code, stdout1, stderr1 := runEngineCLI(ctx, "train", "--engine", "axolotl", "--base", "Qwen/Qwen2.5-Coder-1.5B", "--data", data,
		"--out", out, "--qlora", "--gpus", "8", "--deepspeed", "zero2", "--run", "--state", state, "--poll", "10ms")
	cancel()
	if code == 0 {
		t.Fatalf("the first run ended with 0 before the gate opened:\n%s\n%s", stdout1, stderr1)
	}
	for _, want := range []string{"vllm serve Qwen/Qwen2.5-Coder-1.5B --enable-lora --lora-modules sqlforge=", "http://HOST:8000/v1#sqlforge"} {
		if !strings.Contains(stdout1, want) {
			t.Errorf("train output lacks %q:\n%s", want, stdout1)
		}
	}
	code, list, stderr := runEngineCLI(context.Background(), "jobs", "list", "--state", state)
	if code != 0 || !strings.Contains(list, "axolotl") || !strings.Contains(list, "running") {
		t.Fatalf("jobs list (%d): %s %s", code, list, stderr)
	}
	id := strings.Fields(strings.Split(list, "\n")[1])[0]

	if err := os.WriteFile(gate, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout2, stderr2 := runEngineCLI(context.Background(), "jobs", "watch", id, "--state", state, "--poll", "10ms")
	if code != 0 {
		t.Fatalf("jobs watch (%d):\n%s\n%s", code, stdout2, stderr2)
	}
	for _, want := range []string{"job " + id + " succeeded", "adapter: ", "r=16", "vllm serve Qwen/Qwen2.5-Coder-1.5B --enable-lora", "--max-lora-rank 16"} {
		if !strings.Contains(stdout2, want) {
			t.Errorf("watch output lacks %q:\n%s", want, stdout2)
		}
	}
	all := stderr1 + stderr2
	for _, step := range []string{"step 1/4 loss 2", "step 2/4 eval_loss 1.4", "step 4/4 eval_loss 1.2"} {
		if n := strings.Count(all, step); n != 1 {
			t.Errorf("%q printed %d times, want once:\n%s", step, n, all)
		}
	}
	csv, err := os.ReadFile(filepath.Join(out, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := local.ResultsHeader + "\n1,2,0.6,,\n2,1.6,0.7,1.4,\n3,1.3,0.8,,\n4,1.1,0.9,1.2,\n"
	if string(csv) != want {
		t.Errorf("results.csv:\n%s\nwant:\n%s", csv, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "jobs", id, "results.csv")); err != nil {
		t.Error(err)
	}
	code, show, _ := runEngineCLI(context.Background(), "jobs", "show", id, "--state", state)
	if code != 0 || !strings.Contains(show, "checkpoint step 2") || !strings.Contains(show, "checkpoint step 4") || !strings.Contains(show, "4 steps") {
		t.Errorf("jobs show:\n%s", show)
	}
	code, check, stderr := runEngineCLI(context.Background(), "adapter", "check", filepath.Join(out, "out"))
	if code != 0 || !strings.Contains(check, "ok") {
		t.Errorf("adapter check (%d): %s %s", code, check, stderr)
	}
}

// TestTrainEngineRunFailsAndCancels: an engine that exits 1 fails the job with its last log
// line; `jobs cancel` stops a running one.
func TestTrainEngineRunFailsAndCancels(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	standIn(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "jobs.db")
	data := filepath.Join("..", "train", "recipe", "testdata", "records.jsonl")
	t.Setenv("STANDIN_FAIL", "1")
	code, _, stderr := runEngineCLI(context.Background(), "train", "--engine", "trl", "--base", "Qwen/Qwen2.5-Coder-1.5B", "--data", data,
		"--out", filepath.Join(dir, "F"), "--run", "--state", state, "--poll", "10ms")
	if code != 1 || !strings.Contains(stderr, "exited with status 1") || !strings.Contains(stderr, "out of memory") {
		t.Errorf("failed engine: code %d\n%s", code, stderr)
	}
	t.Setenv("STANDIN_FAIL", "")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	out := filepath.Join(dir, "C")
	runEngineCLI(ctx, "train", "--engine", "trl", "--base", "Qwen/Qwen2.5-Coder-1.5B", "--data", data, "--out", out, "--run", "--state", state, "--poll", "10ms")
	_, list, _ := runEngineCLI(context.Background(), "jobs", "list", "--state", state)
	id := strings.Fields(strings.Split(list, "\n")[1])[0] // newest first
	code, stdout, stderr := runEngineCLI(context.Background(), "jobs", "cancel", id, "--state", state)
	if code != 0 || !strings.Contains(stdout, "cancelled") {
		t.Errorf("jobs cancel (%d): %s %s", code, stdout, stderr)
	}
}
