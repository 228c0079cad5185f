package model

import (
	"context"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy decides how failed attempts are retried. Zero fields take the
// defaults noted on each.
//
// A retryable failure (HTTP 408, 409, 429, 5xx, a per-attempt timeout or a
// connection error) is retried up to MaxRetries times. The wait is the
// server's retry-after-ms or Retry-After header (seconds or an HTTP date)
// when present, used as is; otherwise exponential backoff with "equal
// jitter": d = min(MaxDelay, BaseDelay·2^attempt), wait d/2 + U[0,1)·d/2.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt; a
	// negative value disables retries, 0 means DefaultMaxRetries.
	MaxRetries int
	// BaseDelay is the first backoff step (default 500ms).
	BaseDelay time.Duration
	// MaxDelay caps the backoff (default 30s).
	MaxDelay time.Duration
	// MaxRetryAfter is the longest server-requested wait honoured; a longer
	// one ends the retries with the error (default 2m).
	MaxRetryAfter time.Duration
	// Sleep waits d or until ctx is done (default: a timer). Tests inject
	// one to observe the waits without spending them.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0,1) (default math/rand/v2).
	Jitter func() float64
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	switch {
	case p.MaxRetries < 0:
		p.MaxRetries = 0
	case p.MaxRetries == 0:
		p.MaxRetries = DefaultMaxRetries
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 30 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 2 * time.Minute
	}
	if p.Sleep == nil {
		p.Sleep = sleep
	}
	if p.Jitter == nil {
		p.Jitter = rand.Float64
	}
	return p
}

// delay returns the wait before retry number attempt+1 and whether to retry.
func (p RetryPolicy) delay(attempt int, h http.Header, now time.Time) (time.Duration, bool) {
	if d, ok := retryAfter(h, now); ok {
		return d, d <= p.MaxRetryAfter
	}
	d := p.MaxDelay
	if step := float64(p.BaseDelay) * math.Pow(2, float64(attempt)); step < float64(p.MaxDelay) {
		d = time.Duration(step)
	}
	return d/2 + time.Duration(p.Jitter()*float64(d/2)), true
}

// retryAfter reads retry-after-ms (Azure, OpenAI) and then Retry-After
// (RFC 9110: delay-seconds or an HTTP date).
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
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

// durationOf converts nanoseconds to a Duration, saturating instead of
// overflowing on absurd header values.
func durationOf(ns float64) time.Duration {
	if ns >= math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(ns)
}

func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusConflict ||
		code == http.StatusTooManyRequests || code >= 500
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
