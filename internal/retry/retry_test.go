package retry

import (
	"context"
	"errors"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

var now = time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	cases := []struct {
		name   string
		header http.Header
		want   time.Duration
		wantOK bool
	}{
		{"none", nil, 0, false},
		{"empty", http.Header{}, 0, false},
		{"seconds", http.Header{"Retry-After": {"7"}}, 7 * time.Second, true},
		{"fractional seconds", http.Header{"Retry-After": {" 1.5 "}}, 1500 * time.Millisecond, true},
		{"milliseconds first", http.Header{"Retry-After": {"7"}, "Retry-After-Ms": {"250"}}, 250 * time.Millisecond, true},
		{"bad milliseconds fall back", http.Header{"Retry-After": {"7"}, "Retry-After-Ms": {"soon"}}, 7 * time.Second, true},
		{"http date", http.Header{"Retry-After": {"Sun, 06 Nov 1994 08:49:40 GMT"}}, 3 * time.Second, true},
		{"past http date is now", http.Header{"Retry-After": {"Sun, 06 Nov 1994 08:49:00 GMT"}}, 0, true},
		{"negative", http.Header{"Retry-After": {"-1"}}, 0, false},
		{"infinite", http.Header{"Retry-After": {"Inf"}}, 0, false},
		{"NaN", http.Header{"Retry-After": {"NaN"}}, 0, false},
		{"garbage", http.Header{"Retry-After": {"later"}}, 0, false},
		{"absurd saturates", http.Header{"Retry-After": {"1e300"}}, math.MaxInt64, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseRetryAfter(tc.header, now)
			if got != tc.want || ok != tc.wantOK {
				t.Fatalf("got %v, %v; want %v, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestDelay(t *testing.T) {
	half := func() float64 { return 0.5 }
	cases := []struct {
		name    string
		p       Policy
		attempt int
		header  http.Header
		want    time.Duration
		wantOK  bool
	}{
		{"backoff without jitter doubles", Policy{BaseDelay: time.Second}, 3, nil, 8 * time.Second, true},
		{"backoff is capped", Policy{BaseDelay: time.Second, MaxDelay: 5 * time.Second}, 3, nil, 5 * time.Second, true},
		{"equal jitter", Policy{BaseDelay: time.Second, Jitter: half}, 0, nil, 3 * time.Second / 4, true},
		{"jitter on the cap", Policy{BaseDelay: time.Second, MaxDelay: 5 * time.Second, Jitter: half}, 10, nil, 15 * time.Second / 4, true},
		{"huge attempt saturates", Policy{BaseDelay: time.Second}, 100, nil, math.MaxInt64, true},
		{"retry-after used as is", Policy{BaseDelay: time.Second, Jitter: half}, 2, http.Header{"Retry-After": {"7"}}, 7 * time.Second, true},
		{"retry-after at the limit", Policy{MaxRetryAfter: 7 * time.Second}, 0, http.Header{"Retry-After": {"7"}}, 7 * time.Second, true},
		{"retry-after too long ends", Policy{MaxRetryAfter: 2 * time.Minute}, 0, http.Header{"Retry-After": {"86400"}}, 24 * time.Hour, false},
		{"retry-after too long ignored", Policy{BaseDelay: time.Second, MaxRetryAfter: time.Hour, BackoffOnLongRetryAfter: true},
			1, http.Header{"Retry-After": {"86400"}}, 2 * time.Second, true},
		{"http date against the clock", Policy{Now: func() time.Time { return now }}, 0,
			http.Header{"Retry-After": {"Sun, 06 Nov 1994 08:49:40 GMT"}}, 3 * time.Second, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.p.Delay(tc.attempt, tc.header)
			if got != tc.want || ok != tc.wantOK {
				t.Fatalf("got %v, %v; want %v, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

// recorder records the waits asked for, without waiting.
type recorder struct{ got []time.Duration }

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.got = append(r.got, d)
	return ctx.Err()
}

// step is one scripted attempt outcome.
type step struct {
	retryable bool
	header    http.Header
	err       error
}

var errFail = errors.New("http 503")

func TestDo(t *testing.T) {
	fail := step{true, nil, errFail}
	cases := []struct {
		name       string
		maxRetries int
		steps      []step // the last one repeats
		wantCalls  int
		wantSleeps []time.Duration
		wantText   string // "" for success
		wantStop   bool   // the error is an *Error
	}{
		{"first attempt succeeds", 3, []step{{}}, 1, nil, "", false},
		{"retried then succeeds", 3, []step{fail, fail, {}}, 3, []time.Duration{time.Second, 2 * time.Second}, "", false},
		{"not retryable", 3, []step{{false, nil, errors.New("http 401")}}, 1, nil, "http 401", false},
		{"retries run out", 2, []step{fail}, 3, []time.Duration{time.Second, 2 * time.Second}, "gave up after 2 retries: http 503", true},
		{"no retries", 0, []step{fail}, 1, nil, "gave up after 0 retries", true},
		{"negative is none", -1, []step{fail}, 1, nil, "gave up after 0 retries", true},
		{"retry-after honoured", 3, []step{{true, http.Header{"Retry-After": {"7"}}, errFail}, {}}, 2, []time.Duration{7 * time.Second}, "", false},
		{"retry-after too long", 3, []step{{true, http.Header{"Retry-After": {"3600"}}, errFail}}, 1, nil, "server asked to wait 1h0m0s: http 503", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r recorder
			p := Policy{MaxRetries: tc.maxRetries, BaseDelay: time.Second, MaxRetryAfter: time.Minute, Sleep: r.sleep}
			calls := 0
			err := p.Do(context.Background(), func(n int) (bool, http.Header, error) {
				if n != calls {
					t.Fatalf("attempt %d, want %d", n, calls)
				}
				calls++
				s := tc.steps[min(n, len(tc.steps)-1)]
				return s.retryable, s.header, s.err
			})
			if calls != tc.wantCalls || !slices.Equal(r.got, tc.wantSleeps) {
				t.Errorf("got %d calls and sleeps %v, want %d and %v", calls, r.got, tc.wantCalls, tc.wantSleeps)
			}
			if tc.wantText == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var stop *Error
			if err == nil || !strings.Contains(err.Error(), tc.wantText) || errors.As(err, &stop) != tc.wantStop {
				t.Fatalf("got %v, want %q (an *Error: %v)", err, tc.wantText, tc.wantStop)
			}
			if tc.wantStop && !errors.Is(err, errFail) {
				t.Errorf("got %v, want it to wrap the attempt's error", err)
			}
		})
	}
}

func TestDoInterruptedWait(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := Policy{MaxRetries: 3, BaseDelay: time.Hour}
	calls := 0
	err := p.Do(ctx, func(int) (bool, http.Header, error) { calls++; return true, nil, errFail })
	var stop *Error
	if !errors.As(err, &stop) || stop.Interrupted == nil || stop.Wait != time.Hour || calls != 1 {
		t.Fatalf("got %v after %d calls, want a wait of 1h cut short after 1", err, calls)
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(err, errFail) {
		t.Errorf("got %v, want it to wrap context.Canceled and the attempt's error", err)
	}
}

func TestSleep(t *testing.T) {
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}
