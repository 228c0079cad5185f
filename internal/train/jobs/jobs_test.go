package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/train"
	ftazure "github.com/sqlforge/sqlforge/internal/train/azure"
	"github.com/sqlforge/sqlforge/internal/train/ftcheck"
	"github.com/sqlforge/sqlforge/internal/train/fttest"
	ftopenai "github.com/sqlforge/sqlforge/internal/train/openai"
	"github.com/sqlforge/sqlforge/internal/train/registry"
)

var errNoAzure = errors.New("no Azure in this test")

func TestPollEvery(t *testing.T) {
	if b := PollEvery(0); b != (train.Backoff{}) {
		t.Errorf("PollEvery(0) = %+v, want the zero Backoff", b)
	}
	if b := PollEvery(30 * time.Second); b.Initial != 30*time.Second || b.Max != 30*time.Second || b.Factor != 1 {
		t.Errorf("PollEvery(30s) = %+v, want every 30s", b)
	}
}

// TestSubmitAndWatch runs a job on the contract server: Submit uploads, creates and records
// it with its pending deployment; Watch follows it to the end, keeps its checkpoints and
// writes results.csv, then opens the Azure client to finish the deployment.
func TestSubmitAndWatch(t *testing.T) {
	ctx := context.Background()
	srv := fttest.New(t, "sk-test")
	noSleep := func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	eng := ftopenai.New(ftopenai.Options{APIKey: "sk-test", BaseURL: srv.URL + "/v1/", Provider: "openai", Sleep: noSleep})
	dir := t.TempDir()
	reg, err := registry.Open(ctx, filepath.Join(dir, "jobs.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	var lines []string
	for i := range 12 {
		lines = append(lines, fmt.Sprintf(`{"messages":[{"role":"user","content":"q%d"},{"role":"assistant","content":"SELECT %d"}]}`, i, i))
	}
	path := filepath.Join(dir, "train.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	var printed strings.Builder
	o := Options{Sleep: noSleep, Print: func(f string, a ...any) { fmt.Fprintf(&printed, f, a...) },
		Deployer: func(time.Duration) (*ftazure.Client, error) { return nil, errNoAzure }}
	sub := Submission{Provider: "openai", Train: path, Base: "gpt-4o-mini-2024-07-18", Suffix: "t",
		Check: &ftcheck.Report{CostUSD: 0.5}, Deploy: registry.Deployment{Name: "dep", SKU: "standard", Capacity: 1}}
	j, err := Submit(ctx, eng, reg, sub, o)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := reg.Get(ctx, j.ID)
	if err != nil || rec.EstimatedCost != 0.5 || rec.TrainingPath != path {
		t.Fatalf("recorded %+v, %v", rec, err)
	}
	ds, err := reg.JobDeployments(ctx, j.ID)
	if err != nil || len(ds) != 1 || ds[0].State != registry.DeploymentPending {
		t.Fatalf("deployments %+v, %v; want one pending", ds, err)
	}
	if err := Watch(ctx, eng, reg, j.ID, o); !errors.Is(err, errNoAzure) {
		t.Fatalf("Watch: %v, want the deployer's error (the job succeeded and a deployment is pending)", err)
	}
	if !strings.Contains(printed.String(), "job "+j.ID+" succeeded") {
		t.Errorf("printed %q, want the job's end", printed.String())
	}
	if cps, err := reg.Checkpoints(ctx, j.ID); err != nil || len(cps) == 0 {
		t.Errorf("checkpoints %v, %v", cps, err)
	}
	jd, err := reg.JobDir(j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(jd, "results.csv")); err != nil {
		t.Errorf("results.csv: %v", err)
	}
}
