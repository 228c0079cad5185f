package train

import (
	"context"
	"fmt"
	"time"

	"github.com/sqlforge/sqlforge/internal/retry"
)

// JobAPI is what Follow needs from an engine.
type JobAPI interface {
	// GetJob returns the job's current state.
	GetJob(ctx context.Context, id string) (Job, error)
	// EventsSince returns the job's events after the event with id afterID (all when empty),
	// oldest first, without duplicates.
	EventsSince(ctx context.Context, id, afterID string) ([]Event, error)
}

// Store is what Follow records into (the registry implements it).
type Store interface {
	// SetStatus records j's status, appending to its history when it changed.
	SetStatus(ctx context.Context, j Job) error
	// LastEventID returns the id of the newest event recorded for the job ("" if none).
	LastEventID(ctx context.Context, jobID string) (string, error)
	// AddEvents records events (oldest first), ignoring any already recorded.
	AddEvents(ctx context.Context, jobID string, events []Event) error
}

// Backoff is the polling schedule: Initial, multiplied by Factor each poll in which nothing
// changed, capped at Max, and back to Initial after a change. It paces progress checks, not
// retries of failures (those are internal/retry's).
type Backoff struct {
	Initial time.Duration
	Max     time.Duration
	Factor  float64
}

// DefaultBackoff polls every 5 s at first and at most every 2 minutes.
var DefaultBackoff = Backoff{Initial: 5 * time.Second, Max: 2 * time.Minute, Factor: 2}

// Next returns the delay after d, given whether anything changed (other pollers, such as
// deployment provisioning, share the schedule).
func (b Backoff) Next(d time.Duration, changed bool) time.Duration { return b.next(d, changed) }

// next returns the delay after d, given whether anything changed.
func (b Backoff) next(d time.Duration, changed bool) time.Duration {
	if changed || d <= 0 {
		return b.Initial
	}
	n := time.Duration(float64(d) * b.Factor)
	if n > b.Max {
		n = b.Max
	}
	return n
}

// Sleeper waits d or until ctx ends. Tests inject one that returns at once.
type Sleeper func(ctx context.Context, d time.Duration) error

// Sleep is the real Sleeper.
func Sleep(ctx context.Context, d time.Duration) error { return retry.Sleep(ctx, d) }

// FollowOptions configure Follow.
type FollowOptions struct {
	Backoff Backoff
	Sleep   Sleeper
	// OnEvent is called for every new event, oldest first.
	OnEvent func(Event)
	// OnStatus is called whenever the status changes.
	OnStatus func(Job)
	// MaxPolls bounds the number of polls (0: no bound); reaching it is an error.
	MaxPolls int
}

// Follow polls job id until it stops (succeeded, failed, cancelled or paused), recording its
// status history and events in st so that a later Follow, after this process was killed,
// resumes from the last recorded event without repeating any. It returns the final job.
func Follow(ctx context.Context, api JobAPI, st Store, id string, o FollowOptions) (Job, error) {
	if o.Backoff.Initial <= 0 {
		o.Backoff = DefaultBackoff
	}
	if o.Sleep == nil {
		o.Sleep = Sleep
	}
	var (
		delay time.Duration
		last  Status
	)
	for poll := 1; ; poll++ {
		j, err := api.GetJob(ctx, id)
		if err != nil {
			return Job{}, fmt.Errorf("follow job %s: %w", id, err)
		}
		changed := j.Status != last
		if changed {
			last = j.Status
			if err := st.SetStatus(ctx, j); err != nil {
				return j, fmt.Errorf("follow job %s: record status: %w", id, err)
			}
			if o.OnStatus != nil {
				o.OnStatus(j)
			}
		}
		after, err := st.LastEventID(ctx, id)
		if err != nil {
			return j, fmt.Errorf("follow job %s: %w", id, err)
		}
		evs, err := api.EventsSince(ctx, id, after)
		if err != nil {
			return j, fmt.Errorf("follow job %s: %w", id, err)
		}
		if len(evs) > 0 {
			changed = true
			if err := st.AddEvents(ctx, id, evs); err != nil {
				return j, fmt.Errorf("follow job %s: record events: %w", id, err)
			}
			if o.OnEvent != nil {
				for _, e := range evs {
					o.OnEvent(e)
				}
			}
		}
		if j.Status.Stopped() {
			return j, nil
		}
		if o.MaxPolls > 0 && poll >= o.MaxPolls {
			return j, fmt.Errorf("follow job %s: still %s after %d polls", id, j.Status, poll)
		}
		delay = o.Backoff.next(delay, changed)
		if err := o.Sleep(ctx, delay); err != nil {
			return j, fmt.Errorf("follow job %s: %w", id, err)
		}
	}
}
