package llm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/sqlforge/sqlforge/internal/model"
)

// Tokens counts the tokens of model calls, as the servers report them.
type Tokens struct {
	Requests         int `json:"requests"`
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

func (t *Tokens) add(u Tokens) {
	t.Requests += u.Requests
	t.PromptTokens += u.PromptTokens
	t.CompletionTokens += u.CompletionTokens
}

// caller sends requests to one backend through the response cache and the rate limit, and
// counts what it really sent (cache hits cost nothing).
type caller struct {
	b       model.Backend
	store   *Store
	limiter *limiter

	mu       sync.Mutex
	sent     Tokens // billed by this run
	hits     int
	failed   int
	failures failures // failed requests by reason
	// inflight holds the requests being sent, so identical requests made at the same time
	// (two units asking the same prompt) are sent once and share the answer.
	inflight map[string]*flight
}

// flight is one request in progress; done closes when its result is set.
type flight struct {
	done chan struct{}
	r    cachedResponse
	err  error
}

// requestKey hashes everything that determines a response: the backend (its reference), the
// messages and the sampling parameters.
func requestKey(backend string, req model.Request) string {
	type msg struct{ R, C string }
	v := struct {
		B    string
		M    []msg
		T    *float64
		Max  int
		N    int
		Stop []string
		Seed *int
	}{B: backend, T: req.Temperature, Max: req.MaxTokens, N: req.N, Stop: req.Stop, Seed: req.Seed}
	for _, m := range req.Messages {
		v.M = append(v.M, msg{string(m.Role), m.Content})
	}
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// generate returns the choices' texts, from the cache when this request was answered
// before, and records the request's usage in use under stage.
func (c *caller) generate(ctx context.Context, req model.Request, stage string, use map[string]Tokens) ([]string, error) {
	key := requestKey(c.b.Name(), req)
	for {
		if r, ok := c.store.response(key); ok {
			c.mu.Lock()
			c.hits++
			c.mu.Unlock()
			use[stage+"/"+key] = r.Usage
			return r.Choices, nil
		}
		c.mu.Lock()
		f, busy := c.inflight[key]
		if !busy {
			if c.inflight == nil {
				c.inflight = map[string]*flight{}
			}
			f = &flight{done: make(chan struct{})}
			c.inflight[key] = f
			c.mu.Unlock()
			break
		}
		c.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if f.err != nil {
			return nil, f.err
		}
		// The first caller stored the answer: the loop reads it as a cache hit.
	}
	choices, err := c.send(ctx, key, req, stage, use)
	c.mu.Lock()
	f := c.inflight[key]
	delete(c.inflight, key)
	c.mu.Unlock()
	f.err = err
	close(f.done)
	return choices, err
}

// send makes one request to the backend and stores its answer in the cache.
func (c *caller) send(ctx context.Context, key string, req model.Request, stage string, use map[string]Tokens) ([]string, error) {
	if err := c.limiter.wait(ctx); err != nil {
		return nil, err
	}
	resp, err := c.b.Generate(ctx, req)
	if err != nil {
		if ctx.Err() == nil {
			c.mu.Lock()
			c.failed++
			c.failures.add(failureReason(err), 1)
			c.mu.Unlock()
		}
		return nil, err
	}
	r := cachedResponse{Key: key, Model: resp.Model,
		Usage: Tokens{Requests: 1, PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens}}
	for _, ch := range resp.Choices {
		r.Choices = append(r.Choices, ch.Text)
	}
	c.mu.Lock()
	c.sent.add(r.Usage)
	c.mu.Unlock()
	if err := c.store.putResponse(r); err != nil {
		return nil, err
	}
	use[stage+"/"+key] = r.Usage
	return r.Choices, nil
}

// isStop reports whether err must stop the run (cancelled, or the store cannot be written)
// rather than count as one failed unit.
func isStop(ctx context.Context, err error) bool {
	var me *model.Error
	return ctx.Err() != nil || errors.Is(err, context.Canceled) || !errors.As(err, &me)
}

// limiter spaces requests to at most a given number per minute. Sleep and Now are injected
// so tests observe the waits without spending them.
type limiter struct {
	interval time.Duration
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error

	mu   sync.Mutex
	next time.Time
}

func newLimiter(rpm float64, now func() time.Time, sleep func(context.Context, time.Duration) error) *limiter {
	l := &limiter{now: now, sleep: sleep}
	if rpm > 0 {
		l.interval = time.Duration(float64(time.Minute) / rpm)
	}
	if l.now == nil {
		l.now = time.Now
	}
	if l.sleep == nil {
		l.sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return l
}

// wait reserves the next request slot and sleeps until it comes.
func (l *limiter) wait(ctx context.Context) error {
	if l == nil || l.interval <= 0 {
		return ctx.Err()
	}
	l.mu.Lock()
	now := l.now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	l.next = at.Add(l.interval)
	l.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		return l.sleep(ctx, d)
	}
	return ctx.Err()
}

// Price is a model's inference price in US dollars per million tokens.
type Price struct {
	Input  float64 `json:"usd_per_1m_input"`
	Output float64 `json:"usd_per_1m_output"`
}

// PricesAsOf is the date the prices below were read from the providers' pricing pages
// (OpenAI: https://openai.com/api/pricing/, standard tier; DeepSeek: api-docs.deepseek.com).
const PricesAsOf = "2025-08-01"

// InferencePrices are list prices per million tokens by model name (a dated snapshot matches
// its base name by prefix). Local servers (ollama:, http:) and unknown models cost 0 and are
// reported as unpriced.
var InferencePrices = map[string]Price{
	"gpt-4o-mini":       {0.15, 0.60},
	"gpt-4o":            {2.50, 10.00},
	"gpt-4.1-nano":      {0.10, 0.40},
	"gpt-4.1-mini":      {0.40, 1.60},
	"gpt-4.1":           {2.00, 8.00},
	"o3":                {2.00, 8.00},
	"o3-mini":           {1.10, 4.40},
	"o4-mini":           {1.10, 4.40},
	"deepseek-chat":     {0.27, 1.10},
	"deepseek-reasoner": {0.55, 2.19},
}

// PriceOf returns the price of a model name ("gpt-4o-mini-2024-07-18" is priced as
// "gpt-4o-mini"), and whether it is known.
func PriceOf(name string) (Price, bool) {
	name = strings.ToLower(name)
	best := ""
	for k := range InferencePrices {
		if (name == k || strings.HasPrefix(name, k+"-")) && len(k) > len(best) {
			best = k
		}
	}
	if best == "" {
		return Price{}, false
	}
	return InferencePrices[best], true
}

// USD prices t at p.
func (p Price) USD(t Tokens) float64 {
	return (float64(t.PromptTokens)*p.Input + float64(t.CompletionTokens)*p.Output) / 1e6
}

// describe is a short form of an error for reports: the first line, at most 200 bytes.
func describe(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
