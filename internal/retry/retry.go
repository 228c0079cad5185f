// Package retry retries failed HTTP calls: exponential backoff with optional jitter, the
// server's Retry-After / retry-after-ms (seconds or an HTTP date), an attempt limit and an
// injectable sleeper and clock, so that tests observe the waits without spending them.
//
// It decides when to try again, not what counts as retryable: each caller (the model client,
// the fine-tuning engines) classifies its own failures.
package retry

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Policy decides how many times and after which waits a failure is retried. Zero fields mean
// the simplest behaviour: no retries, no cap, no jitter, any server wait honoured; callers
// fill in their own defaults.
//
// The wait before retry n+1 is the server's retry-after-ms or Retry-After header when present,
// used as is; otherwise d = min(MaxDelay, BaseDelay·2^n), and with Jitter "equal jitter":
// d/2 + Jitter()·d/2.
type Policy struct {
	// MaxRetries is the number of retries after the first attempt (0 or less: none).
	MaxRetries int
	// BaseDelay is the first backoff step.
	BaseDelay time.Duration
	// MaxDelay caps the backoff; 0 means no cap.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest server-requested wait honoured; 0 means no limit. A longer
	// one ends the retries, unless BackoffOnLongRetryAfter is set.
	MaxRetryAfter time.Duration
	// BackoffOnLongRetryAfter takes a wait longer than MaxRetryAfter for a malformed header:
	// it is ignored and the backoff applies.
	BackoffOnLongRetryAfter bool
	// Sleep waits d or until ctx is done (default Sleep).
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0,1) that spreads the backoff; nil means none (wait d).
	Jitter func() float64
	// Now is the clock HTTP-date Retry-After values are read against (default time.Now).
	Now func() time.Time
}

// Delay returns the wait before retry number attempt+1 (attempt counts from 0) after an
// answer with header h (nil when there was none), and false when the server asked for a wait
// longer than MaxRetryAfter, which ends the retries.
func (p Policy) Delay(attempt int, h http.Header) (time.Duration, bool) {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	if d, ok := ParseRetryAfter(h, now()); ok {
		if p.MaxRetryAfter <= 0 || d <= p.MaxRetryAfter {
			return d, true
		}
		if !p.BackoffOnLongRetryAfter {
			return d, false
		}
	}
	d := durationOf(float64(p.BaseDelay) * math.Pow(2, float64(attempt)))
	if p.MaxDelay > 0 && d > p.MaxDelay {
		d = p.MaxDelay
	}
	if p.Jitter == nil {
		return d, true
	}
	return d/2 + time.Duration(p.Jitter()*float64(d/2)), true
}

// Do calls attempt with 0, 1, 2, … until it succeeds (a nil error), fails with retryable
// false, or the policy ends the retries, sleeping Delay between attempts. attempt returns its
// error, whether that failure may be retried, and the answer's header (for Retry-After; nil
// when there was no answer).
//
// Do returns nil, the last attempt's error as it came when it was not retryable, or an *Error
// wrapping it when the retries ran out, the server's wait was too long, or ctx ended a wait.
func (p Policy) Do(ctx context.Context, attempt func(n int) (retryable bool, header http.Header, err error)) error {
	sleep := p.Sleep
	if sleep == nil {
		sleep = Sleep
	}
	for n := 0; ; n++ {
		retryable, h, err := attempt(n)
		if err == nil || !retryable {
			return err
		}
		if n >= p.MaxRetries {
			return &Error{Err: err, Retries: n}
		}
		d, ok := p.Delay(n, h)
		if !ok {
			return &Error{Err: err, Retries: n, Wait: d, TooLong: true}
		}
		if serr := sleep(ctx, d); serr != nil {
			return &Error{Err: err, Retries: n, Wait: d, Interrupted: serr}
		}
	}
}

// Error is why Do stopped retrying a retryable failure. Err is the last attempt's error;
// errors.Is and errors.As see it, and Interrupted when set.
type Error struct {
	// Err is the last attempt's error.
	Err error
	// Retries is the number of retries made before stopping.
	Retries int
	// Wait is the wait that was too long or that ctx cut short.
	Wait time.Duration
	// TooLong reports that the server asked for a wait longer than MaxRetryAfter.
	TooLong bool
	// Interrupted is the error (ctx's) that ended the wait; nil when no wait was cut short.
	Interrupted error
}

func (e *Error) Error() string {
	switch {
	case e.Interrupted != nil:
		return fmt.Sprintf("waiting %s to retry after %v: %v", e.Wait, e.Err, e.Interrupted)
	case e.TooLong:
		return fmt.Sprintf("server asked to wait %s: %v", e.Wait, e.Err)
	}
	return fmt.Sprintf("gave up after %d retries: %v", e.Retries, e.Err)
}

// Unwrap returns the last attempt's error and, when a wait was cut short, ctx's error.
func (e *Error) Unwrap() []error {
	if e.Interrupted != nil {
		return []error{e.Err, e.Interrupted}
	}
	return []error{e.Err}
}

// ParseRetryAfter reads the wait a server asked for: retry-after-ms (Azure, OpenAI) and then
// Retry-After (RFC 9110: delay-seconds or an HTTP date, read against now; a past date is 0).
func ParseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 && !math.IsInf(ms, 0) {
			return durationOf(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s < 0 || math.IsInf(s, 0) || math.IsNaN(s) {
			return 0, false
		}
		return durationOf(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// durationOf converts nanoseconds to a Duration, saturating instead of overflowing on absurd
// header values and backoff steps.
func durationOf(ns float64) time.Duration {
	if ns >= math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(ns)
}

// Sleep waits d or until ctx is done, returning ctx's error then.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
