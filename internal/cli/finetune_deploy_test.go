package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/train"
	"github.com/sqlforge/sqlforge/internal/train/fttest"
)

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
