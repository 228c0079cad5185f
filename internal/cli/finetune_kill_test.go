//go:build unix

package cli

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/train"
	"github.com/sqlforge/sqlforge/internal/train/fttest"
	"github.com/sqlforge/sqlforge/internal/train/registry"
)

// The "done when" of managed fine-tuning with a real kill: "sqlforge finetune" runs in a
// child process, polling the loopback contract server quickly (--poll), and gets SIGKILL once
// the job is running and events were recorded; "sqlforge jobs watch ID", a second process,
// resumes it from the state database: the job completes, results and the deployment are
// recorded, and no event is printed or stored twice.
func TestFinetuneKilledProcessResumedByJobsWatch(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	const key, mgmt = "aoai-KEY-SECRET-7", "entra-TOKEN-SECRET-8"
	srv := fttest.New(t, key)
	srv.MgmtToken = mgmt
	srv.ProcessingPolls = 2
	srv.Script = fttest.Script{Validating: 2, Queued: 2, Running: 20, Epochs: 3}
	const polls = 7 // 2 validating, 2 queued, 3 running: "Step 3/20" is the last event before the kill

	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	gate := &pollGate{proxy: httputil.NewSingleHostReverseProxy(target), limit: polls,
		held: make(chan struct{}), open: make(chan struct{})}
	front := httptest.NewServer(gate)
	var openOnce sync.Once
	release := func() { openOnce.Do(func() { close(gate.open) }) }
	t.Cleanup(func() { release(); front.Close() })

	azureEnv(t, srv, key, mgmt)
	t.Setenv("AZURE_OPENAI_ENDPOINT", front.URL) // the first process goes through the gate
	dir := t.TempDir()
	state := filepath.Join(dir, "state", "jobs.db")
	trainPath, valPath := trainFile(t, dir, "train.jsonl"), trainFile(t, dir, "val.jsonl")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a generous bound, not a speed check
	defer cancel()

	// First process: finetune, killed mid-job.
	first := cliProcess(ctx, "finetune", "--engine", "azure", "--train", trainPath, "--val", valPath, "--state", state,
		"--epochs", "2", "--deploy", "sql-ft", "--poll", "10ms")
	var out1 bytes.Buffer
	first.Stdout = &out1
	stderr, err := first.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	errs1 := readLines(stderr)
	running, stepped := false, false
	for !running || !stepped {
		select {
		case l, ok := <-errs1.ch:
			if !ok {
				_ = first.Wait()
				t.Fatalf("the first process ended before the job ran: stdout %q, stderr %q", out1.String(), errs1.String())
			}
			running = running || l == "status running"
			stepped = stepped || strings.Contains(l, " info Step ")
		case <-ctx.Done():
			t.Fatalf("the job was not seen running: stdout %q, stderr %q", out1.String(), errs1.String())
		}
	}
	select { // the process is now waiting on its next poll, which the gate holds
	case <-gate.held:
	case <-ctx.Done():
		t.Fatal("the first process did not poll again")
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for range errs1.ch { // drain to EOF: everything it printed before dying
	}
	var exit *exec.ExitError
	if err := first.Wait(); !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("first process: %v, want killed by SIGKILL", err)
	}
	release()
	o1, e1 := out1.String(), errs1.String()
	i := strings.Index(o1, "job ftjob-")
	if i < 0 {
		t.Fatalf("no job created: stdout %q, stderr %q", o1, e1)
	}
	id := strings.Fields(o1[i+4:])[0]

	reg, err := registry.Open(ctx, state)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := reg.Get(ctx, id)
	if err != nil || rec.Job.Status != train.StatusRunning {
		t.Fatalf("after the kill: job %+v, %v; want running", rec.Job, err)
	}
	evs, err := reg.Events(ctx, id)
	if err != nil || len(evs) == 0 {
		t.Fatalf("after the kill: %d events recorded, %v", len(evs), err)
	}
	if d, err := reg.GetDeployment(ctx, "sql-ft"); err != nil || d.State != registry.DeploymentPending {
		t.Fatalf("after the kill: deployment %+v, %v; want pending", d, err)
	}
	reg.Close()
	if m, _ := srv.Deployment("sql-ft"); m != "" {
		t.Fatal("deployed before the job ended")
	}

	// Second process: jobs watch resumes from the registry, straight to the server.
	t.Setenv("AZURE_OPENAI_ENDPOINT", srv.URL)
	second := cliProcess(ctx, "jobs", "watch", id, "--state", state, "--poll", "10ms")
	var out2, errb2 bytes.Buffer
	second.Stdout, second.Stderr = &out2, &errb2
	if err := second.Run(); err != nil || !strings.Contains(out2.String(), "job "+id+" succeeded ft:") ||
		!strings.Contains(out2.String(), "deployment sql-ft Succeeded") {
		t.Fatalf("jobs watch: %v, stdout %q, stderr %q", err, out2.String(), errb2.String())
	}
	o2, e2 := out2.String(), errb2.String()

	// Every event printed once, across both processes, and stored once.
	printed := map[string]int{}
	n := 0
	for _, l := range strings.Split(e1+e2, "\n") {
		if f := strings.SplitN(l, " ", 3); len(f) == 3 && (f[1] == "info" || f[1] == "error") {
			printed[f[2]]++
			n++
		}
	}
	for msg, c := range printed {
		if c > 1 {
			t.Errorf("event %q printed %d times", msg, c)
		}
	}
	if printed["The job has successfully completed"] != 1 || printed["Step 20/20: training loss=0.0952"] != 1 {
		t.Errorf("events printed: %v", printed)
	}
	reg, err = registry.Open(ctx, state)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	evs, err = reg.Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	ids, msgs := map[string]bool{}, map[string]bool{}
	for _, e := range evs {
		if ids[e.ID] || msgs[e.Message] {
			t.Errorf("event %s %q stored twice", e.ID, e.Message)
		}
		ids[e.ID], msgs[e.Message] = true, true
	}
	if len(evs) != n {
		t.Errorf("%d events stored, %d printed", len(evs), n)
	}

	// Results and the deployment are recorded.
	if rec, err = reg.Get(ctx, id); err != nil || rec.Job.Status != train.StatusSucceeded || rec.Job.FineTunedModel == "" {
		t.Errorf("job %+v, %v", rec.Job, err)
	}
	cps, _ := reg.Checkpoints(ctx, id)
	ms, _ := reg.Metrics(ctx, id)
	if len(cps) != 3 || len(ms) != 20 {
		t.Errorf("%d checkpoints, %d metric rows; want 3 and 20", len(cps), len(ms))
	}
	for _, f := range []string{"results.csv", "curves.svg"} {
		if _, err := os.Stat(filepath.Join(dir, "state", "jobs", id, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if d, err := reg.GetDeployment(ctx, "sql-ft"); err != nil || d.State != "Succeeded" || d.JobID != id || d.Model != rec.Job.FineTunedModel {
		t.Errorf("deployment %+v, %v", d, err)
	}
	if m, st := srv.Deployment("sql-ft"); st != "Succeeded" || m != rec.Job.FineTunedModel {
		t.Errorf("server deployment %s %s", m, st)
	}

	// No key or token in the state directory (database, WAL, job files) or any output.
	all := o1 + e1 + o2 + e2
	_ = filepath.Walk(filepath.Join(dir, "state"), func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			b, _ := os.ReadFile(p)
			all += string(b)
		}
		return nil
	})
	if strings.Contains(all, key) || strings.Contains(all, mgmt) || strings.Contains(all, "SECRET") {
		t.Error("a key or token reached the state directory or the output")
	}
}
