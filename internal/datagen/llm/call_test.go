package llm

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sqlforge/sqlforge/internal/model"
)

// gatedBackend answers every request with the same text once release is closed, and counts
// the requests it received.
type gatedBackend struct {
	calls   atomic.Int32
	release chan struct{}
}

func (b *gatedBackend) Name() string { return "gated" }

func (b *gatedBackend) Generate(ctx context.Context, _ model.Request) (model.Response, error) {
	b.calls.Add(1)
	select {
	case <-b.release:
	case <-ctx.Done():
		return model.Response{}, ctx.Err()
	}
	return model.Response{Choices: []model.Choice{{Text: "SELECT 1"}}, Usage: model.Usage{PromptTokens: 3, CompletionTokens: 2}}, nil
}

// TestIdenticalConcurrentRequestsSentOnce: two units asking the same prompt at the same time
// cost one request, and both get the answer.
func TestIdenticalConcurrentRequestsSentOnce(t *testing.T) {
	st, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b := &gatedBackend{release: make(chan struct{})}
	c := &caller{b: b, store: st, limiter: newLimiter(0, nil, nil)}
	req := model.Request{Messages: []model.Message{{Role: "user", Content: "how many orders?"}}}
	const n = 4
	var wg sync.WaitGroup
	var started atomic.Int32
	got := make([][]string, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			started.Add(1)
			got[i], errs[i] = c.generate(context.Background(), req, StageSQL, map[string]Tokens{})
		}(i)
	}
	// Let every caller start and the first request reach the backend, then answer it.
	for started.Load() < n || b.calls.Load() == 0 {
		runtime.Gosched()
	}
	for i := 0; i < 1000; i++ {
		runtime.Gosched()
	}
	close(b.release)
	wg.Wait()
	for i := range got {
		if errs[i] != nil || len(got[i]) != 1 || got[i][0] != "SELECT 1" {
			t.Errorf("caller %d: got %v, %v", i, got[i], errs[i])
		}
	}
	if calls := b.calls.Load(); calls != 1 {
		t.Errorf("backend got %d requests for %d identical concurrent calls, want 1", calls, n)
	}
	if c.sent.Requests != 1 {
		t.Errorf("sent %+v, want 1 request", c.sent)
	}
}

// failingBackend fails every request with err.
type failingBackend struct{ err error }

func (b failingBackend) Name() string { return "failing" }

func (b failingBackend) Generate(context.Context, model.Request) (model.Response, error) {
	return model.Response{}, b.err
}

// TestFailedRequestsCountedByReason: each failed request is counted under its reason, the
// same failure after different numbers of attempts under one reason, in first-seen order.
func TestFailedRequestsCountedByReason(t *testing.T) {
	st, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	unauthorized := func(attempts int) error {
		return &model.Error{Backend: "http://x/v1#m", Status: 401, Message: "bad key", Attempts: attempts}
	}
	errs := []error{unauthorized(1), &model.Error{Backend: "http://x/v1#m", Message: "request failed: connection refused"}, unauthorized(3)}
	c := &caller{store: st, limiter: newLimiter(0, nil, nil)}
	for i, e := range errs {
		c.b = failingBackend{e}
		req := model.Request{Messages: []model.Message{{Role: "user", Content: string(rune('a' + i))}}}
		if _, err := c.generate(context.Background(), req, StageSQL, map[string]Tokens{}); err == nil {
			t.Fatal("no error")
		}
	}
	got := c.failures
	want := failures{{"model http://x/v1#m: http 401 Unauthorized: bad key", 2}, {"model http://x/v1#m: request failed: connection refused", 1}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("failures %v, want %v", got, want)
	}
	if c.failed != 3 {
		t.Errorf("failed %d, want 3", c.failed)
	}
}
