package openai_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/train"
	"github.com/sqlforge/sqlforge/internal/train/fttest"
	ftopenai "github.com/sqlforge/sqlforge/internal/train/openai"
	"github.com/sqlforge/sqlforge/internal/train/registry"
)

const key = "sk-test-SECRET-1234567890"

// sleeps records requested delays and returns at once.
type sleeps struct{ got []time.Duration }

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.got = append(s.got, d)
	return ctx.Err()
}

func setup(t *testing.T) (*fttest.Server, *ftopenai.Engine, *sleeps, *registry.Registry) {
	t.Helper()
	srv := fttest.New(t, key)
	sl := &sleeps{}
	eng := ftopenai.New(ftopenai.Options{APIKey: key, BaseURL: srv.URL + "/v1/", Sleep: sl.sleep, MaxRetries: 3})
	reg, err := registry.Open(context.Background(), filepath.Join(t.TempDir(), "jobs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return srv, eng, sl, reg
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "train.jsonl")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const line = `{"messages":[{"role":"user","content":"how many orders?"},{"role":"assistant","content":"SELECT count(*) FROM orders"}]}` + "\n"

// createJob uploads a file and creates a registered job.
func createJob(t *testing.T, eng *ftopenai.Engine, reg *registry.Registry) train.Job {
	t.Helper()
	ctx := context.Background()
	f, err := eng.Upload(ctx, writeFile(t, strings.Repeat(line, 10)))
	if err != nil {
		t.Fatal(err)
	}
	j, err := eng.CreateJob(ctx, train.JobSpec{BaseModel: "gpt-4o-mini-2024-07-18", TrainingFile: f.ID, ValidationFile: f.ID,
		Suffix: "sql", Seed: 7, Hyperparameters: train.Hyperparameters{Epochs: 3, BatchSize: 2, LearningRateMultiplier: 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Add(ctx, registry.Record{Provider: "openai", Job: j}); err != nil {
		t.Fatal(err)
	}
	return j
}

func TestFullFlow(t *testing.T) {
	srv, eng, sl, reg := setup(t)
	srv.ProcessingPolls = 3
	ctx := context.Background()
	j := createJob(t, eng, reg)
	if j.Hyperparameters.Epochs != 3 || j.Hyperparameters.BatchSize != 2 || j.Seed != 7 {
		t.Errorf("created job hyperparameters %+v seed %d, want 3 epochs, batch 2, seed 7", j.Hyperparameters, j.Seed)
	}
	var statuses []train.Status
	var events []string
	final, err := train.Follow(ctx, eng, reg, j.ID, train.FollowOptions{Sleep: sl.sleep, MaxPolls: 50,
		OnStatus: func(j train.Job) { statuses = append(statuses, j.Status) },
		OnEvent:  func(e train.Event) { events = append(events, e.ID) }})
	if err != nil {
		t.Fatal(err)
	}
	want := []train.Status{"validating_files", "queued", "running", "succeeded"}
	if !slices.Equal(statuses, want) {
		t.Errorf("statuses %v, want %v", statuses, want)
	}
	if final.FineTunedModel == "" || len(final.ResultFiles) != 1 {
		t.Fatalf("final job %+v has no model or result file", final)
	}
	if !slices.IsSorted(events) || len(slices.Compact(slices.Clone(events))) != len(events) {
		t.Errorf("events not in order or duplicated: %v", events)
	}
	rec, _ := reg.Events(ctx, j.ID)
	if len(rec) != len(events) {
		t.Errorf("registry holds %d events, callback saw %d", len(rec), len(events))
	}
	cps, err := eng.Checkpoints(ctx, j.ID)
	if err != nil || len(cps) != 3 || cps[0].Step >= cps[2].Step || cps[2].Metrics.TrainLoss <= 0 {
		t.Errorf("checkpoints %+v, %v; want 3 by step with metrics", cps, err)
	}
	rows, _, err := eng.Results(ctx, final)
	if err != nil || len(rows) != 3 || rows[1].ValidLoss <= 0 || rows[0].Step != 1 {
		t.Errorf("results %+v, %v; want 3 steps with valid loss on step 2", rows, err)
	}
	// The file stayed "uploaded" for 3 polls: the engine waited, it did not create the job early.
	if n := count(srv.Requests(), "GET /v1/files/"); n < 3 {
		t.Errorf("file polled %d times, want >= 3", n)
	}
}

func count(reqs []string, prefix string) int {
	n := 0
	for _, r := range reqs {
		if strings.HasPrefix(r, prefix) && !strings.HasSuffix(r, "/content") {
			n++
		}
	}
	return n
}

func TestLargeFileUsesUploadsInParts(t *testing.T) {
	srv := fttest.New(t, key)
	eng := ftopenai.New(ftopenai.Options{APIKey: key, BaseURL: srv.URL + "/v1/", UploadThreshold: 100, PartSize: 300,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	content := strings.Repeat(line, 10)
	f, err := eng.Upload(context.Background(), writeFile(t, content))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := srv.FileContent(f.ID)
	if string(got) != content {
		t.Errorf("assembled file differs from the original (%d vs %d bytes)", len(got), len(content))
	}
	if parts := count(srv.Requests(), "POST /v1/uploads/upload-000001/parts"); parts != (len(content)+299)/300 {
		t.Errorf("%d parts sent, want %d", parts, (len(content)+299)/300)
	}
}

func TestCancelledAndFailedJobsEndTheLoop(t *testing.T) {
	for _, end := range []string{"cancelled", "failed"} {
		t.Run(end, func(t *testing.T) {
			srv, eng, sl, reg := setup(t)
			srv.Script = fttest.Script{Validating: 1, Queued: 1, Running: 2, End: end}
			j := createJob(t, eng, reg)
			final, err := train.Follow(context.Background(), eng, reg, j.ID, train.FollowOptions{Sleep: sl.sleep, MaxPolls: 20})
			if err != nil {
				t.Fatal(err)
			}
			if string(final.Status) != end {
				t.Errorf("status %s, want %s", final.Status, end)
			}
			if end == "failed" && final.Error == "" {
				t.Error("failed job without error message")
			}
		})
	}
}

func TestCancelledMidwayByAnotherClient(t *testing.T) {
	srv, eng, _, reg := setup(t)
	srv.Script = fttest.Script{Validating: 1, Queued: 1, Running: 1000}
	j := createJob(t, eng, reg)
	polls := 0
	sleep := func(ctx context.Context, d time.Duration) error {
		if polls++; polls == 4 {
			srv.CancelJob(j.ID)
		}
		return nil
	}
	final, err := train.Follow(context.Background(), eng, reg, j.ID, train.FollowOptions{Sleep: sleep, MaxPolls: 50})
	if err != nil || final.Status != train.StatusCancelled {
		t.Fatalf("got %s, %v; want cancelled", final.Status, err)
	}
	rec, _ := reg.Get(context.Background(), j.ID)
	if last := rec.History[len(rec.History)-1].Status; last != train.StatusCancelled {
		t.Errorf("registry last status %s, want cancelled", last)
	}
}

func TestRestartResumesWithoutDuplicateEvents(t *testing.T) {
	srv, eng, sl, reg := setup(t)
	srv.Script = fttest.Script{Validating: 1, Queued: 1, Running: 6}
	srv.PageLimit = 2 // force pagination of events
	j := createJob(t, eng, reg)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := train.Follow(ctx, eng, reg, j.ID, train.FollowOptions{Sleep: func(ctx context.Context, d time.Duration) error {
		if n++; n == 4 {
			cancel() // the CLI is killed mid-job
		}
		return ctx.Err()
	}})
	if err == nil {
		t.Fatal("want the interrupted follow to fail")
	}
	before, _ := reg.Events(context.Background(), j.ID)
	var resumed []train.Event
	final, err := train.Follow(context.Background(), eng, reg, j.ID, train.FollowOptions{Sleep: sl.sleep, MaxPolls: 30,
		OnEvent: func(e train.Event) { resumed = append(resumed, e) }})
	if err != nil || final.Status != train.StatusSucceeded {
		t.Fatalf("resume: %s, %v", final.Status, err)
	}
	all, _ := reg.Events(context.Background(), j.ID)
	seen := map[string]bool{}
	for _, e := range all {
		if seen[e.ID] {
			t.Errorf("event %s recorded twice", e.ID)
		}
		seen[e.ID] = true
	}
	for _, e := range resumed {
		for _, b := range before {
			if b.ID == e.ID {
				t.Errorf("event %s repeated after restart", e.ID)
			}
		}
	}
	if len(before)+len(resumed) != len(all) || len(before) == 0 || len(resumed) == 0 {
		t.Errorf("before %d + resumed %d != recorded %d", len(before), len(resumed), len(all))
	}
}
