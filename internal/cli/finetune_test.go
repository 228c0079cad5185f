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

// azureEnv points the azure engine, the management API and azure:NAME models at srv.
func azureEnv(t *testing.T, srv *fttest.Server, key, mgmt string) {
	t.Setenv("AZURE_OPENAI_ENDPOINT", srv.URL)
	t.Setenv("AZURE_OPENAI_API_KEY", key)
	t.Setenv("AZURE_OPENAI_API_VERSION", "2025-04-01-preview")
	t.Setenv("SQLFORGE_AZURE_ALLOW_HTTP", "1")
	t.Setenv("AZURE_MANAGEMENT_ENDPOINT", srv.URL)
	t.Setenv("AZURE_MANAGEMENT_TOKEN", mgmt)
	t.Setenv("AZURE_SUBSCRIPTION_ID", "sub-1")
	t.Setenv("AZURE_RESOURCE_GROUP", "rg-1")
	t.Setenv("AZURE_OPENAI_RESOURCE_NAME", "aoai-1")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
}

func noSleep(t *testing.T, f func(ctx context.Context, d time.Duration) error) {
	old := ftSleep
	if f == nil {
		f = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	}
	ftSleep = f
	t.Cleanup(func() { ftSleep = old })
}

func trainFile(t *testing.T, dir, name string) string {
	var lines []string
	for i := range 12 {
		lines = append(lines, fmt.Sprintf(`{"messages":[{"role":"user","content":"q%d"},{"role":"assistant","content":"SELECT %d"}]}`, i, i))
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runCtx(ctx context.Context, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(ctx, args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// The "done when" of managed fine-tuning: one command takes an exported dataset through
// checks, upload, job, events, checkpoints, results, a deployment and its evaluation; killed
// mid-job, a second command resumes it from the registry without repeating events.
func TestFinetuneDeployKilledAndResumed(t *testing.T) {
	const key, mgmt = "aoai-KEY-SECRET-1", "entra-TOKEN-SECRET-2"
	srv := fttest.New(t, key)
	srv.MgmtToken = mgmt
	srv.ProcessingPolls = 2
	srv.Script = fttest.Script{Validating: 2, Queued: 2, Running: 4, Epochs: 3}
	srv.Reply = func(_, prompt string) string {
		if strings.Contains(prompt, "How many customers") {
			return "```sql\nSELECT COUNT(*) FROM Customers\n```"
		}
		return "```sql\nSELECT 1\n```"
	}
	azureEnv(t, srv, key, mgmt)
	dir := t.TempDir()
	state := filepath.Join(dir, "state", "jobs.db")
	trainPath, valPath := trainFile(t, dir, "train.jsonl"), trainFile(t, dir, "val.jsonl")

	// First run: killed (its context ends) once the job is running.
	ctx, kill := context.WithCancel(context.Background())
	defer kill()
	var errb1 bytes.Buffer
	noSleep(t, func(ctx context.Context, _ time.Duration) error {
		if strings.Contains(errb1.String(), "status running") && strings.Contains(errb1.String(), "Step 1/") {
			kill()
		}
		return ctx.Err()
	})
	var out1 bytes.Buffer
	code := Run(ctx, []string{"finetune", "--engine", "azure", "--train", trainPath, "--val-file", valPath, "--state", state,
		"--epochs", "2", "--deploy", "sql-ft", "--capacity", "2", "--eval-data", "../eval/testdata/northwind_test.jsonl"},
		strings.NewReader(""), &out1, &errb1)
	if code == 0 || !strings.Contains(out1.String(), "job ftjob-") {
		t.Fatalf("killed run: exit %d, stdout %q, stderr %q; want a created job and a failure", code, out1.String(), errb1.String())
	}
	id := strings.Fields(out1.String()[strings.Index(out1.String(), "job ftjob-")+4:])[0]
	if m, _ := srv.Deployment("sql-ft"); m != "" {
		t.Fatal("deployed before the job ended")
	}

	// Second run: `jobs watch` resumes from the registry and finishes the deployment.
	noSleep(t, nil)
	code, out2, errs2 := runCtx(context.Background(), "jobs", "watch", id, "--state", state)
	if code != 0 || !strings.Contains(out2, "deployment sql-ft Succeeded") || !strings.Contains(out2, "azure:sql-ft") {
		t.Fatalf("watch: exit %d, stdout %q, stderr %q", code, out2, errs2)
	}
	events := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			if f := strings.SplitN(l, " ", 3); len(f) == 3 && (f[1] == "info" || f[1] == "error") {
				m[f[2]] = true
			}
		}
		return m
	}
	first, second := events(errb1.String()), events(errs2)
	if len(first) == 0 || len(second) == 0 {
		t.Fatalf("events: first %v, second %v", first, second)
	}
	for e := range second {
		if first[e] {
			t.Errorf("event %q printed again after resuming", e)
		}
	}
	if m, st := srv.Deployment("sql-ft"); st != "Succeeded" || !strings.HasPrefix(m, "ft:gpt-4o-mini") {
		t.Errorf("server deployment %s %s", m, st)
	}
	if srv.Chats() == 0 {
		t.Error("the deployment was not evaluated")
	}
	jobDir := filepath.Join(dir, "state", "jobs", id)
	for _, f := range []string{"results.csv", "curves.svg", "eval-sql-ft/report.json", "eval-sql-ft/report.html"} {
		if _, err := os.Stat(filepath.Join(jobDir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	code, out, _ := runCtx(context.Background(), "--json", "jobs", "deployments", "--state", state)
	var ds []struct {
		Name, State, Model string
		JobID              string `json:"job_id"`
		EvalReport         string `json:"eval_report"`
	}
	_ = json.Unmarshal([]byte(out), &ds)
	if code != 0 || len(ds) != 1 || ds[0].State != "Succeeded" || ds[0].JobID != id || ds[0].EvalReport == "" {
		t.Errorf("deployments: %d %s", code, out)
	}
	// Watching again repeats nothing and deploys nothing twice.
	puts := countPuts(srv)
	code, _, errs3 := runCtx(context.Background(), "jobs", "watch", id, "--state", state)
	if code != 0 || len(events(errs3)) != 0 || countPuts(srv) != puts {
		t.Errorf("second watch: exit %d, stderr %q, PUTs %d → %d", code, errs3, puts, countPuts(srv))
	}
	db, _ := os.ReadFile(state)
	all := out1.String() + errb1.String() + out2 + errs2 + out
	if bytes.Contains(db, []byte("SECRET")) || strings.Contains(all, "SECRET") {
		t.Error("a key or token reached the state database or the output")
	}
}

func countPuts(srv *fttest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r, "PUT /subscriptions/") {
			n++
		}
	}
	return n
}
