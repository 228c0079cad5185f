package model

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/model/openaitest"
)

const testKey = "sk-test-0123456789abcdefSECRET"

// sleeps records the waits a client asked for, without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// openTest opens ref against srv through the registry, with an injected sleeper.
func openTest(t *testing.T, ref string, env map[string]string, sl *sleeps) *Client {
	t.Helper()
	r, err := ParseRef(ref)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewRegistry().Open(context.Background(), r, MapEnv(env))
	if err != nil {
		t.Fatal(err)
	}
	c := b.(*Client)
	if sl != nil {
		c.retry.Sleep = sl.Sleep
		c.retry.Jitter = func() float64 { return 0.5 }
	}
	return c
}

func ask(n int) Request {
	return Request{Messages: []Message{{Role: RoleSystem, Content: "You write SQLite."}, {Role: RoleUser, Content: "How many orders?"}}, N: n, MaxTokens: 64}
}

func TestGenerateFlavours(t *testing.T) {
	srv := openaitest.New(t)
	srv.Key = testKey
	cases := []struct {
		name, ref      string
		env            map[string]string
		wantPath       string
		wantAuthHeader string
		wantMaxField   string
	}{
		{"openai", "openai:gpt-4o-mini",
			map[string]string{EnvOpenAIAPIKey: testKey, EnvOpenAIBaseURL: srv.BaseURL()},
			"/v1/chat/completions", "Authorization", "max_completion_tokens"},
		{"azure", "azure:sql-ft",
			map[string]string{EnvAzureEndpoint: srv.URL, EnvAzureAPIKey: testKey, EnvAzureAPIVersion: "2024-10-21"},
			"/openai/deployments/sql-ft/chat/completions", "Api-Key", "max_completion_tokens"},
		{"vllm", "http" + strings.TrimPrefix(srv.BaseURL(), "http") + "#Qwen/Qwen2.5-Coder-7B",
			map[string]string{EnvGenericAPIKey: testKey},
			"/v1/chat/completions", "Authorization", "max_tokens"},
		{"ollama", "ollama:qwen2.5-coder:7b",
			map[string]string{EnvOllamaHost: strings.TrimPrefix(srv.URL, "http://")},
			"/v1/chat/completions", "", "max_tokens"},
		{"llama.cpp", srv.BaseURL() + "#any",
			nil, "/v1/chat/completions", "", "max_tokens"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key := srv.Key
			if tc.wantAuthHeader == "" {
				srv.Key = "" // Ollama and llama.cpp take no key
			}
			defer func() { srv.Key = key }()
			before := len(srv.Requests())
			c := openTest(t, tc.ref, tc.env, nil)
			resp, err := c.Generate(context.Background(), ask(2))
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Choices) != 2 || resp.Choices[1].Text != "```sql\nSELECT 1;\n```" || resp.Choices[0].FinishReason != "stop" {
				t.Fatalf("choices: got %+v", resp.Choices)
			}
			if resp.Usage.PromptTokens != 6 || resp.Usage.CompletionTokens != 8 {
				t.Errorf("usage: got %+v, want 6 prompt and 8 completion tokens", resp.Usage)
			}
			if !strings.HasSuffix(resp.Model, "-served") || resp.Choices[0].MeanLogprob != nil {
				t.Errorf("got model %q, logprob %v; want the served model and no logprob", resp.Model, resp.Choices[0].MeanLogprob)
			}
			reqs := srv.Requests()[before:]
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Path != tc.wantPath {
				t.Errorf("path: got %q, want %q", r.Path, tc.wantPath)
			}
			if tc.name == "azure" && r.Query != "api-version=2024-10-21" {
				t.Errorf("query: got %q", r.Query)
			}
			if _, ok := r.Raw[tc.wantMaxField]; !ok {
				t.Errorf("body fields %v lack %s", keys(r.Raw), tc.wantMaxField)
			}
			if tc.wantAuthHeader == "" && r.Header.Get("Authorization") != "" {
				t.Errorf("sent Authorization %q to a keyless server", r.Header.Get("Authorization"))
			}
			if tc.name == "azure" && r.Header.Get("Authorization") != "" {
				t.Errorf("azure request carries a bearer header")
			}
		})
	}
}

func keys(m map[string]jsonRaw) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestSDKIgnoresProcessEnvironment(t *testing.T) {
	srv := openaitest.New(t)
	t.Setenv("OPENAI_API_KEY", "sk-from-process-env-must-not-be-sent")
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
	c := openTest(t, srv.BaseURL()+"#m", nil, nil)
	if _, err := c.Generate(context.Background(), ask(1)); err != nil {
		t.Fatal(err)
	}
	if h := srv.Requests()[0].Header.Get("Authorization"); h != "" {
		t.Fatalf("got Authorization %q, want none: the SDK read the process environment", h)
	}
}

func TestRetryHonoursRetryAfter(t *testing.T) {
	cases := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"seconds", http.Header{"Retry-After": {"7"}}, 7 * time.Second},
		{"milliseconds first", http.Header{"Retry-After": {"7"}, "Retry-After-Ms": {"250"}}, 250 * time.Millisecond},
		{"http date", http.Header{"Retry-After": {"Sun, 06 Nov 1994 08:49:40 GMT"}}, 3 * time.Second},
		{"none: backoff with jitter", nil, 3 * time.Second / 4}, // base 1s, jitter 0.5: 1s/2 + 0.5·1s/2
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.Enqueue(openaitest.Step{Status: 429, Header: tc.header})
			var sl sleeps
			c := openTest(t, srv.BaseURL()+"#m", nil, &sl)
			c.retry.BaseDelay = time.Second
			c.cfg.Now = func() time.Time { return time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC) }
			if _, err := c.Generate(context.Background(), ask(1)); err != nil {
				t.Fatal(err)
			}
			if got := sl.got(); len(got) != 1 || got[0] != tc.want {
				t.Fatalf("sleeps: got %v, want [%v]", got, tc.want)
			}
			if n := len(srv.Requests()); n != 2 {
				t.Fatalf("got %d requests, want 2", n)
			}
		})
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	srv := openaitest.New(t)
	for range 5 {
		srv.Enqueue(openaitest.Step{Status: 503})
	}
	var sl sleeps
	c := openTest(t, srv.BaseURL()+"#m", nil, &sl)
	c.retry.BaseDelay, c.retry.MaxDelay, c.retry.MaxRetries = time.Second, 5*time.Second, 5
	c.retry.Jitter = func() float64 { return 0 }
	if _, err := c.Generate(context.Background(), ask(1)); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 5 * time.Second / 2, 5 * time.Second / 2}
	if got := sl.got(); !equalDurations(got, want) {
		t.Fatalf("sleeps: got %v, want %v", got, want)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFailures(t *testing.T) {
	cases := []struct {
		name         string
		steps        []openaitest.Step
		retries      int
		wantStatus   int
		wantRequests int
		wantText     string
	}{
		{"5xx retried then succeeds", []openaitest.Step{{Status: 500}, {Status: 502}}, 3, 0, 3, ""},
		{"400 not retried", []openaitest.Step{{Status: 400}}, 3, 400, 1, "http 400 Bad Request"},
		{"429 until retries run out", []openaitest.Step{openaitest.RateLimited("1"), openaitest.RateLimited("1"), openaitest.RateLimited("1")}, 2, 429, 3, "after 3 attempts"},
		{"retry-after too long", []openaitest.Step{openaitest.RateLimited("86400")}, 3, 429, 1, "server asked to wait longer"},
		{"malformed json", []openaitest.Step{{Body: `{"id": "x", "choices": [`}}, 3, 200, 1, "malformed response body"},
		{"no choices", []openaitest.Step{{Body: `{"id":"x","object":"chat.completion","model":"m","choices":[]}`}}, 3, 200, 1, "no choices"},
		{"ollama error shape", []openaitest.Step{{Status: 404, Body: `{"error":"model \"m\" not found, try pulling it first"}`}}, 3, 404, 1, "try pulling it first"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.Enqueue(tc.steps...)
			var sl sleeps
			c := openTest(t, srv.BaseURL()+"#m", nil, &sl)
			c.retry.MaxRetries = tc.retries
			_, err := c.Generate(context.Background(), ask(1))
			if n := len(srv.Requests()); n != tc.wantRequests {
				t.Errorf("got %d requests, want %d", n, tc.wantRequests)
			}
			if tc.wantStatus == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want *Error", err)
			}
			if e.Status != tc.wantStatus || !strings.Contains(err.Error(), tc.wantText) || !strings.Contains(err.Error(), "model "+srv.BaseURL()+"#m") {
				t.Fatalf("got %q (status %d), want status %d and %q", err, e.Status, tc.wantStatus, tc.wantText)
			}
		})
	}
}

func TestTimeoutRetriedThenReported(t *testing.T) {
	srv := openaitest.New(t)
	hold := make(chan struct{})
	defer close(hold)
	srv.Enqueue(openaitest.Step{Hold: hold}, openaitest.Step{Hold: hold})
	var sl sleeps
	c := openTest(t, srv.BaseURL()+"#m", nil, &sl)
	c.cfg.Timeout = 50 * time.Millisecond
	c.retry.MaxRetries = 1
	_, err := c.Generate(context.Background(), ask(1))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timed out after 50ms after 2 attempts") {
		t.Fatalf("got %v, want a timeout after 2 attempts", err)
	}
	// A caller's own cancellation is not retried.
	ctx, cancel := context.WithCancel(context.Background())
	arrived := make(chan struct{})
	srv.Enqueue(openaitest.Step{Hold: hold, Arrived: arrived})
	go func() { <-arrived; cancel() }()
	c.cfg.Timeout = time.Minute
	before := len(srv.Requests())
	if _, err := c.Generate(ctx, ask(1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if n := len(srv.Requests()) - before; n != 1 {
		t.Fatalf("got %d requests after cancel, want 1", n)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	srv := openaitest.New(t)
	hold := make(chan struct{})
	const limit, calls = 3, 10
	arrivals := make([]chan struct{}, calls)
	for i := range arrivals {
		arrivals[i] = make(chan struct{})
		srv.Enqueue(openaitest.Step{Hold: hold, Arrived: arrivals[i]})
	}
	c := openTest(t, srv.BaseURL()+"#m", map[string]string{EnvModelConcurrency: "3"}, nil)
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for range calls {
		wg.Go(func() {
			_, err := c.Generate(context.Background(), ask(1))
			errs <- err
		})
	}
	for i := range limit {
		<-arrivals[i] // the first three are in flight and held
	}
	close(hold)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.MaxInFlight(); got != limit {
		t.Fatalf("max in flight: got %d, want %d", got, limit)
	}
}

func TestLogprobsAveraged(t *testing.T) {
	srv := openaitest.New(t)
	srv.TokenLogprobs = []float64{-0.1, -0.2, -0.6}
	srv.Reply = func(_ openaitest.ChatRequest, i int) string {
		return []string{"SELECT 1 ;", "SELECT 2 ; --"}[i]
	}
	c := openTest(t, srv.BaseURL()+"#m", nil, nil)
	req := ask(2)
	req.Logprobs = true
	resp, err := c.Generate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{-0.3, -0.25} // (-.1-.2-.6)/3, (-.1-.2-.6-.1)/4
	for i, w := range want {
		got := resp.Choices[i].MeanLogprob
		if got == nil || math.Abs(*got-w) > 1e-12 {
			t.Errorf("choice %d: got %v, want %v", i, got, w)
		}
	}
	if string(srv.Requests()[0].Raw["logprobs"]) != "true" {
		t.Errorf("request did not ask for logprobs")
	}
}

func TestKeyNeverInErrors(t *testing.T) {
	srv := openaitest.New(t)
	srv.Key = "the-right-key"
	env := map[string]string{EnvOpenAIAPIKey: testKey, EnvOpenAIBaseURL: srv.BaseURL()}
	c := openTest(t, "openai:gpt-4o-mini", env, nil)
	_, err := c.Generate(context.Background(), ask(1))
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusUnauthorized {
		t.Fatalf("got %v, want a 401", err)
	}
	// The server echoed a masked key, as OpenAI does; check the pieces too.
	for _, piece := range []string{testKey, testKey[len(testKey)-4:], "sk-***"} {
		if strings.Contains(err.Error(), piece) {
			t.Fatalf("error %q contains %q", err, piece)
		}
	}
	// Azure too, and through %+v of the whole error value.
	azEnv := map[string]string{EnvAzureEndpoint: srv.URL, EnvAzureAPIKey: testKey}
	_, err = openTest(t, "azure:d", azEnv, nil).Generate(context.Background(), ask(1))
	if err == nil || strings.Contains(err.Error(), testKey) || strings.Contains(sprintAll(err), testKey) {
		t.Fatalf("azure error %v leaks the key or did not fail", err)
	}
}
