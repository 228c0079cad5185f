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

	"github.com/sqlforge/sqlforge/internal/train"
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
	code := Run(ctx, []string{"finetune", "--engine", "azure", "--train", trainPath, "--val", valPath, "--state", state,
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

func TestDeployCommands(t *testing.T) {
	const key, mgmt = "aoai-KEY-SECRET-1", "entra-TOKEN-SECRET-2"
	type env struct {
		srv   *fttest.Server
		state string
		dir   string
	}
	tests := []struct {
		name     string
		setup    func(t *testing.T, e env) []string // returns the command line
		wantCode int
		wantOut  string // in stdout+stderr
		check    func(t *testing.T, e env)
	}{
		{"deploy a checkpoint model, list, undeploy", func(t *testing.T, e env) []string {
			_, model := e.srv.SucceededJob("gpt-4o-mini-2024-07-18")
			if c, o, er := runCtx(context.Background(), "jobs", "deploy", model+":ckpt-step-1", "--name", "ck", "--state", e.state); c != 0 {
				t.Fatalf("deploy: %d %s %s", c, o, er)
			}
			if c, o, _ := runCtx(context.Background(), "jobs", "deployments", "--state", e.state); c != 0 || !strings.Contains(o, "ckpt-step-1") {
				t.Fatalf("deployments: %d %s", c, o)
			}
			return []string{"jobs", "undeploy", "ck"}
		}, 0, "deployment ck deleted", func(t *testing.T, e env) {
			if _, st := e.srv.Deployment("ck"); st != "" {
				t.Errorf("still on the server: %s", st)
			}
		}},
		{"provisioning fails", func(t *testing.T, e env) []string {
			e.srv.DeployScript = fttest.DeployScript{Creating: 1, End: "Failed"}
			_, model := e.srv.SucceededJob("gpt-4o-mini-2024-07-18")
			return []string{"jobs", "deploy", model, "--name", "bad"}
		}, 1, "insufficient quota", func(t *testing.T, e env) {
			_, o, _ := runCtx(context.Background(), "--json", "jobs", "deployments", "--state", e.state)
			if !strings.Contains(o, `"state": "Failed"`) {
				t.Errorf("registry: %s", o)
			}
		}},
		{"unknown model", func(t *testing.T, e env) []string {
			return []string{"jobs", "deploy", "ft:nope", "--name", "x"}
		}, 1, "DeploymentModelNotSupported", nil},
		{"429 then success", func(t *testing.T, e env) []string {
			e.srv.Inject(fttest.Fault{Method: "PUT", Path: "/subscriptions", Status: 429, RetryAfter: "3"})
			_, model := e.srv.SucceededJob("gpt-4o-mini-2024-07-18")
			return []string{"jobs", "deploy", model, "--name", "ok", "--sku", "globalstandard", "--capacity", "3"}
		}, 0, "deployment ok Succeeded", nil},
		{"bad management token", func(t *testing.T, e env) []string {
			t.Setenv("AZURE_MANAGEMENT_TOKEN", "wrong-SECRET")
			return []string{"jobs", "undeploy", "x"}
		}, 1, "not authorized (401)", nil},
		{"missing management settings stop before upload", func(t *testing.T, e env) []string {
			t.Setenv("AZURE_OPENAI_RESOURCE_NAME", "")
			return []string{"finetune", "--engine", "azure", "--train", trainFile(t, e.dir, "t.jsonl"), "--deploy", "d"}
		}, 2, "AZURE_OPENAI_RESOURCE_NAME", func(t *testing.T, e env) {
			if n := len(e.srv.Requests()); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		}},
		{"deploy needs azure", func(t *testing.T, e env) []string {
			return []string{"finetune", "--engine", "openai", "--train", trainFile(t, e.dir, "t.jsonl"), "--deploy", "d"}
		}, 2, "only Azure OpenAI", nil},
		{"bad capacity", func(t *testing.T, e env) []string {
			return []string{"jobs", "deploy", "m", "--name", "d", "--capacity", "0"}
		}, 2, "--capacity", nil},
		{"job not succeeded", func(t *testing.T, e env) []string {
			c, o, er := runCtx(context.Background(), "finetune", "--engine", "azure", "--train", trainFile(t, e.dir, "t.jsonl"), "--detach", "--state", e.state)
			if c != 0 {
				t.Fatalf("finetune: %d %s %s", c, o, er)
			}
			return []string{"jobs", "deploy", strings.Fields(o[strings.Index(o, "job ftjob-")+4:])[0], "--name", "d"}
		}, 2, "has no fine-tuned model", nil},
		{"a file that fails processing", func(t *testing.T, e env) []string {
			e.srv.ProcessingError = func(string, []byte) string { return "Invalid file format: line 7" }
			return []string{"finetune", "--engine", "azure", "--train", trainFile(t, e.dir, "t.jsonl"), "--deploy", "d"}
		}, 1, "line 7", func(t *testing.T, e env) {
			for _, r := range e.srv.Requests() {
				if strings.Contains(r, "/fine_tuning/jobs") || strings.Contains(r, "/subscriptions/") {
					t.Errorf("%s after a file failed processing", r)
				}
			}
		}},
		{"finetune --resume of a failed job marks its deployment failed", func(t *testing.T, e env) []string {
			e.srv.Script.End = "failed"
			c, o, er := runCtx(context.Background(), "finetune", "--engine", "azure", "--train", trainFile(t, e.dir, "t.jsonl"),
				"--detach", "--deploy", "d", "--state", e.state)
			if c != 0 {
				t.Fatalf("finetune: %d %s %s", c, o, er)
			}
			return []string{"finetune", "--resume", strings.Fields(o[strings.Index(o, "job ftjob-")+4:])[0]}
		}, 1, "failed", func(t *testing.T, e env) {
			_, o, _ := runCtx(context.Background(), "jobs", "deployments", "--state", e.state)
			if !strings.Contains(o, "Failed") || countPuts(e.srv) != 0 {
				t.Errorf("deployments: %s, PUTs %d", o, countPuts(e.srv))
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := fttest.New(t, key)
			srv.MgmtToken = mgmt
			azureEnv(t, srv, key, mgmt)
			noSleep(t, nil)
			dir := t.TempDir()
			e := env{srv: srv, state: filepath.Join(dir, "jobs.db"), dir: dir}
			args := append(tc.setup(t, e), "--state", e.state)
			code, out, errs := runCtx(context.Background(), args...)
			if code != tc.wantCode || !strings.Contains(out+errs, tc.wantOut) {
				t.Fatalf("%v: exit %d, stdout %q, stderr %q; want %d and %q", args, code, out, errs, tc.wantCode, tc.wantOut)
			}
			if strings.Contains(out+errs, "SECRET") {
				t.Errorf("a secret in the output: %s %s", out, errs)
			}
			if tc.check != nil {
				tc.check(t, e)
			}
		})
	}
}

// --poll replaces every polling schedule (file processing, the job, deployment provisioning)
// by a fixed interval; without it the job is polled on the 5 s backoff and provisioning
// from 10 s.
func TestPollFlag(t *testing.T) {
	const key, mgmt = "aoai-KEY-SECRET-1", "entra-TOKEN-SECRET-2"
	for _, tc := range []struct {
		poll []string
		want func(ds []time.Duration) bool
	}{
		{[]string{"--poll", "7ms"}, func(ds []time.Duration) bool {
			for _, d := range ds {
				if d != 7*time.Millisecond {
					return false
				}
			}
			return len(ds) > 0
		}},
		{nil, func(ds []time.Duration) bool {
			job, deploy := false, false
			for _, d := range ds {
				job = job || d == train.DefaultBackoff.Initial
				deploy = deploy || d == 10*time.Second
			}
			return job && deploy
		}},
	} {
		srv := fttest.New(t, key)
		srv.MgmtToken = mgmt
		srv.ProcessingPolls = 2
		azureEnv(t, srv, key, mgmt)
		var ds []time.Duration
		noSleep(t, func(ctx context.Context, d time.Duration) error { ds = append(ds, d); return ctx.Err() })
		dir := t.TempDir()
		state := filepath.Join(dir, "jobs.db")
		code, out, errs := runCtx(context.Background(), append([]string{"finetune", "--engine", "azure", "--train", trainFile(t, dir, "t.jsonl"),
			"--state", state, "--detach", "--deploy", "d"}, tc.poll...)...)
		if code != 0 {
			t.Fatalf("finetune %v: %d %s %s", tc.poll, code, out, errs)
		}
		id := strings.Fields(out[strings.Index(out, "job ftjob-")+4:])[0]
		code, out, errs = runCtx(context.Background(), append([]string{"jobs", "watch", id, "--state", state}, tc.poll...)...)
		if code != 0 || !strings.Contains(out, "deployment d Succeeded") {
			t.Fatalf("watch %v: %d %s %s", tc.poll, code, out, errs)
		}
		if !tc.want(ds) {
			t.Errorf("%v: sleeps %v", tc.poll, ds)
		}
	}
	if code, _, errs := runCtx(context.Background(), "jobs", "watch", "ftjob-x", "--poll", "-1s", "--state", filepath.Join(t.TempDir(), "j.db")); code != exitInput || !strings.Contains(errs, "--poll") {
		t.Errorf("negative --poll: exit %d, %s", code, errs)
	}
}
