package registry

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/train"
)

func open(t *testing.T) *Registry {
	t.Helper()
	r, err := Open(context.Background(), filepath.Join(t.TempDir(), "state", "jobs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	clock := time.Unix(1_700_000_000, 0)
	r.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	return r
}

func addJob(t *testing.T, r *Registry, id string) {
	t.Helper()
	err := r.Add(context.Background(), Record{Provider: "azure", Job: train.Job{ID: id, BaseModel: "gpt-4o-mini-2024-07-18",
		TrainingFile: "file-1", Status: train.StatusValidatingFiles, Hyperparameters: train.Hyperparameters{Epochs: 2}},
		Suffix: "s", TrainingPath: "train.jsonl", EstimatedCost: 1.25})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStatusHistory(t *testing.T) {
	tests := []struct {
		name     string
		statuses []train.Status
		want     []train.Status
	}{
		{"changes only", []train.Status{"queued", "queued", "running", "running", "succeeded"},
			[]train.Status{"validating_files", "queued", "running", "succeeded"}},
		{"paused and resumed", []train.Status{"running", "paused", "running"},
			[]train.Status{"validating_files", "running", "paused", "running"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, ctx := open(t), context.Background()
			addJob(t, r, "ftjob-1")
			for _, s := range tc.statuses {
				if err := r.SetStatus(ctx, train.Job{ID: "ftjob-1", Status: s, FineTunedModel: "ft:m"}); err != nil {
					t.Fatal(err)
				}
			}
			rec, err := r.Get(ctx, "ftjob-1")
			if err != nil {
				t.Fatal(err)
			}
			var got []train.Status
			for _, h := range rec.History {
				got = append(got, h.Status)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
			if rec.Job.Hyperparameters.Epochs != 2 || rec.EstimatedCost != 1.25 || rec.Job.FineTunedModel != "ft:m" {
				t.Errorf("got %+v", rec)
			}
		})
	}
}

func TestUnknownJob(t *testing.T) {
	r, ctx := open(t), context.Background()
	if _, err := r.Get(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get: %v, want ErrNotFound", err)
	}
	if err := r.SetStatus(ctx, train.Job{ID: "nope", Status: "running"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("set status: %v, want ErrNotFound", err)
	}
}

func TestEventsResumeWithoutDuplicates(t *testing.T) {
	r, ctx := open(t), context.Background()
	addJob(t, r, "j")
	ev := func(id string) train.Event {
		return train.Event{ID: id, Level: "info", Message: "m " + id, CreatedAt: time.Unix(1, 0)}
	}
	if id, err := r.LastEventID(ctx, "j"); err != nil || id != "" {
		t.Fatalf("empty: %q %v", id, err)
	}
	batches := [][]train.Event{{ev("e1"), ev("e2")}, {ev("e2"), ev("e3")}, {}, {ev("e3")}}
	for _, b := range batches {
		if err := r.AddEvents(ctx, "j", b); err != nil {
			t.Fatal(err)
		}
	}
	got, err := r.Events(ctx, "j")
	if err != nil || len(got) != 3 || got[0].ID != "e1" || got[2].ID != "e3" {
		t.Fatalf("got %+v %v, want e1 e2 e3", got, err)
	}
	if id, _ := r.LastEventID(ctx, "j"); id != "e3" {
		t.Errorf("last event %q, want e3", id)
	}
}

func TestMetricsAndCheckpoints(t *testing.T) {
	r, ctx := open(t), context.Background()
	addJob(t, r, "j")
	nan := math.NaN()
	rows := []train.Metrics{{Step: 2, TrainLoss: 1, TrainMeanTokenAccuracy: 0.5, ValidLoss: 1.1, ValidMeanTokenAccuracy: 0.4},
		{Step: 1, TrainLoss: 2, TrainMeanTokenAccuracy: 0.3, ValidLoss: nan, ValidMeanTokenAccuracy: nan}}
	if err := r.SaveMetrics(ctx, "j", rows); err != nil {
		t.Fatal(err)
	}
	if err := r.SaveMetrics(ctx, "j", rows[:1]); err != nil { // saving again replaces, not duplicates
		t.Fatal(err)
	}
	got, err := r.Metrics(ctx, "j")
	if err != nil || len(got) != 2 || got[0].Step != 1 || !math.IsNaN(got[0].ValidLoss) || got[1].ValidLoss != 1.1 {
		t.Fatalf("got %+v %v", got, err)
	}
	cps := []train.Checkpoint{{ID: "c2", Model: "ft:m", Step: 20, Metrics: train.Metrics{TrainLoss: 0.5}}, {ID: "c1", Model: "ft:m:ckpt-step-10", Step: 10}}
	if err := r.SaveCheckpoints(ctx, "j", cps); err != nil {
		t.Fatal(err)
	}
	gotc, err := r.Checkpoints(ctx, "j")
	if err != nil || len(gotc) != 2 || gotc[0].ID != "c1" || gotc[1].Metrics.TrainLoss != 0.5 {
		t.Fatalf("got %+v %v", gotc, err)
	}
}

func TestDeployments(t *testing.T) {
	r, ctx := open(t), context.Background()
	steps := []struct {
		name string
		save Deployment
		want string // state of "ft" afterwards
	}{
		{"requested before the job ends", Deployment{Account: "a", Name: "ft", JobID: "j", SKU: "standard", Capacity: 1, State: DeploymentPending, EvalData: "test.jsonl"}, DeploymentPending},
		{"created", Deployment{Account: "a", Name: "ft", JobID: "j", Model: "ft:m", SKU: "standard", Capacity: 1, State: "Creating", EvalData: "test.jsonl"}, "Creating"},
		{"succeeded", Deployment{Account: "a", Name: "ft", JobID: "j", Model: "ft:m", SKU: "standard", Capacity: 1, State: "Succeeded", EvalData: "test.jsonl"}, "Succeeded"},
		{"another one", Deployment{Account: "a", Name: "ckpt", Model: "ft:m:ckpt-step-10", SKU: "standard", Capacity: 2, State: "Succeeded"}, "Succeeded"},
		{"deleted", Deployment{Account: "a", Name: "ft", JobID: "j", Model: "ft:m", SKU: "standard", Capacity: 1, State: DeploymentDeleted}, DeploymentDeleted},
	}
	for _, st := range steps {
		if err := r.SaveDeployment(ctx, st.save); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		d, err := r.GetDeployment(ctx, "ft")
		if err != nil || d.State != st.want {
			t.Fatalf("%s: got %+v %v, want state %s", st.name, d, err, st.want)
		}
	}
	all, err := r.Deployments(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("got %+v %v, want 2 deployments", all, err)
	}
	byJob, err := r.JobDeployments(ctx, "j")
	if err != nil || len(byJob) != 1 || byJob[0].Name != "ft" {
		t.Fatalf("job deployments %+v %v", byJob, err)
	}
	if _, err := r.GetDeployment(ctx, "none"); !errors.Is(err, ErrDeploymentNotFound) {
		t.Errorf("unknown deployment: %v", err)
	}
	if err := r.SaveDeployment(ctx, Deployment{Name: "x"}); err == nil {
		t.Error("a deployment without state was recorded")
	}
}

func TestJobDirNextToTheDatabase(t *testing.T) {
	r := open(t)
	dir, err := r.JobDir("ftjob-9")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(filepath.Dir(dir)) != filepath.Dir(r.path) {
		t.Errorf("job dir %s is not under %s", dir, filepath.Dir(r.path))
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Errorf("job dir not created: %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/x/state")
	if p, err := DefaultPath(); err != nil || p != "/x/state/sqlforge/jobs.db" {
		t.Errorf("got %s %v", p, err)
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobs.db")
	ctx := context.Background()
	r, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	addJob(t, r, "j")
	_ = r.AddEvents(ctx, "j", []train.Event{{ID: "e1"}})
	_ = r.SaveDeployment(ctx, Deployment{Account: "a", Name: "d", JobID: "j", State: DeploymentPending})
	r.Close()
	r, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if id, _ := r.LastEventID(ctx, "j"); id != "e1" {
		t.Errorf("last event after reopening: %q", id)
	}
	if d, err := r.GetDeployment(ctx, "d"); err != nil || d.State != DeploymentPending {
		t.Errorf("pending deployment after reopening: %+v %v", d, err)
	}
}
