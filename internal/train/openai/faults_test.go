package openai_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/train"
	"github.com/sqlforge/sqlforge/internal/train/fttest"
	ftopenai "github.com/sqlforge/sqlforge/internal/train/openai"
	"github.com/sqlforge/sqlforge/internal/train/registry"
)

func TestFaults(t *testing.T) {
	tests := []struct {
		name      string
		faults    []fttest.Fault
		wantErr   string        // "" for success after retries
		wantSleep time.Duration // first retry delay expected
	}{
		{"429 honours Retry-After", []fttest.Fault{{Method: "GET", Path: "/fine_tuning/jobs/", Status: 429, RetryAfter: "7"}}, "", 7 * time.Second},
		{"500 retried with backoff", []fttest.Fault{{Method: "GET", Path: "/fine_tuning/jobs/", Status: 500, Times: 2}}, "", time.Second},
		{"503 on upload retried", []fttest.Fault{{Method: "POST", Path: "/files", Status: 503}}, "", time.Second},
		{"persistent 502 gives up", []fttest.Fault{{Method: "GET", Path: "/fine_tuning/jobs/", Status: 502, Times: 100}}, "gave up after 3 retries", time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, eng, sl, reg := setup(t)
			srv.Inject(tc.faults...)
			ctx := context.Background()
			j := createJob(t, eng, reg)
			_, err := train.Follow(ctx, eng, reg, j.ID, train.FollowOptions{Sleep: sl.sleep, MaxPolls: 50})
			if tc.wantErr == "" && err != nil {
				t.Fatalf("got %v, want success after retry", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("got %v, want error containing %q", err, tc.wantErr)
			}
			if len(sl.got) == 0 || sl.got[0] != tc.wantSleep {
				t.Errorf("sleeps %v, want first %v", sl.got, tc.wantSleep)
			}
		})
	}
}

func TestUnknownJobIs404(t *testing.T) {
	_, eng, _, _ := setup(t)
	_, err := eng.GetJob(context.Background(), "ftjob-nope")
	if !ftopenai.IsNotFound(err) || !strings.Contains(err.Error(), "ftjob-nope") {
		t.Fatalf("got %v, want a 404 naming the job", err)
	}
}

func TestBadKeyNeverLeaks(t *testing.T) {
	srv := fttest.New(t, key)
	bad := "sk-wrong-TOPSECRET-abcdef"
	eng := ftopenai.New(ftopenai.Options{APIKey: bad, BaseURL: srv.URL + "/v1/", Sleep: func(context.Context, time.Duration) error { return nil }})
	p := filepath.Join(t.TempDir(), "t.jsonl")
	_ = os.WriteFile(p, []byte(line), 0o644)
	_, err := eng.Upload(context.Background(), p)
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("got %v, want a 401", err)
	}
	if strings.Contains(err.Error(), "TOPSECRET") {
		t.Errorf("error repeats the key: %v", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests, want 1 (401 is not retried)", n)
	}
}

func TestPauseResumeCancel(t *testing.T) {
	srv, eng, sl, reg := setup(t)
	srv.Script = fttest.Script{Validating: 0, Queued: 0, Running: 100}
	ctx := context.Background()
	j := createJob(t, eng, reg)
	if _, err := eng.GetJob(ctx, j.ID); err != nil { // now running
		t.Fatal(err)
	}
	p, err := eng.Pause(ctx, j.ID)
	if err != nil || p.Status != train.StatusPaused {
		t.Fatalf("pause: %s %v", p.Status, err)
	}
	final, err := train.Follow(ctx, eng, reg, j.ID, train.FollowOptions{Sleep: sl.sleep, MaxPolls: 5})
	if err != nil || final.Status != train.StatusPaused {
		t.Fatalf("follow on a paused job: %s %v; want it to stop at paused", final.Status, err)
	}
	if r, err := eng.Resume(ctx, j.ID); err != nil || r.Status != train.StatusRunning {
		t.Fatalf("resume: %s %v", r.Status, err)
	}
	if c, err := eng.Cancel(ctx, j.ID); err != nil || c.Status != train.StatusCancelled {
		t.Fatalf("cancel: %s %v", c.Status, err)
	}
	if _, err := eng.Cancel(ctx, j.ID); err == nil || !strings.Contains(err.Error(), "400") {
		t.Errorf("second cancel: %v, want HTTP 400", err)
	}
	_ = registry.ErrNotFound
}
