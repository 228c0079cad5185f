package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/train/fttest"
)

func TestFinetuneThenJobsAgainstContractServer(t *testing.T) {
	const key = "sk-cli-SECRET-42"
	srv := fttest.New(t, key)
	srv.ProcessingPolls = 2
	t.Setenv("OPENAI_API_KEY", key)
	t.Setenv("OPENAI_BASE_URL", srv.URL+"/v1/")
	old := ftSleep
	ftSleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	t.Cleanup(func() { ftSleep = old })
	dir := t.TempDir()
	var lines []string
	for i := range 12 {
		lines = append(lines, fmt.Sprintf(`{"messages":[{"role":"user","content":"q%d"},{"role":"assistant","content":"SELECT %d"}]}`, i, i))
	}
	trainPath := filepath.Join(dir, "train.jsonl")
	_ = os.WriteFile(trainPath, []byte(strings.Join(lines, "\n")), 0o644)
	state := filepath.Join(dir, "jobs.db")
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Run(context.Background(), args, strings.NewReader(""), &out, &errb)
		return code, out.String(), errb.String()
	}
	code, out, errs := run("finetune", "--train", trainPath, "--state", state, "--detach", "--epochs", "2")
	if code != 0 {
		t.Fatalf("finetune: %d %s %s", code, out, errs)
	}
	id := strings.Fields(strings.TrimPrefix(out[strings.Index(out, "job "):], "job "))[0]
	code, out, errs = run("jobs", "watch", id, "--state", state)
	if code != 0 || !strings.Contains(out, "succeeded") {
		t.Fatalf("watch: %d %s %s", code, out, errs)
	}
	code, out, _ = run("--json", "jobs", "show", id, "--state", state)
	var shown struct {
		Job struct {
			Job struct{ Status, FineTunedModel string } `json:"job"`
		} `json:"job"`
		Checkpoints []any `json:"checkpoints"`
		Metrics     []any `json:"metrics"`
	}
	if err := json.Unmarshal([]byte(out), &shown); err != nil || code != 0 {
		t.Fatalf("show: %d %v %s", code, err, out)
	}
	if shown.Job.Job.Status != "succeeded" || len(shown.Checkpoints) != 3 || len(shown.Metrics) != 3 {
		t.Errorf("show: %s", out)
	}
	db, _ := os.ReadFile(state)
	if bytes.Contains(db, []byte("SECRET")) || strings.Contains(out+errs, "SECRET") {
		t.Error("the API key reached the state database or the output")
	}
	if code, _, _ = run("jobs", "show", "ftjob-unknown", "--state", state); code != exitInput {
		t.Errorf("show of an unknown job: exit %d, want %d", code, exitInput)
	}
}
