package localmodel

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/constrain"
	"github.com/sqlforge/sqlforge/internal/model"
)

// DefaultMaxTokens caps an answer when the request sets no MaxTokens.
const DefaultMaxTokens = 256

// Backend answers chat requests with a local model: it renders the messages
// with the model's chat template, decodes with a KV cache (greedily unless a
// temperature is given) and stops
// at the end-of-turn token or a requested stop sequence. One request runs at
// a time (the model's matrix products already use every core).
type Backend struct {
	m    *Model
	name string
	mu   sync.Mutex
	// constraint, when set, keeps every answer a valid prefix of a SELECT
	// over a schema's names (schema-constrained decoding).
	constraint lm.Constraint
	// texts are the tokenizer's token texts, decoded once for GenerateChecked.
	textsOnce sync.Once
	texts     *constrain.Texts
}

// Constrain makes the backend decode under schema-constrained decoding
// (package constrain): at every step only tokens that keep the answer a
// valid prefix of a SELECT over names are allowed, and the end-of-turn token
// only once the query is complete. A zero Names turns it off.
func (b *Backend) Constrain(names constrain.Names) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(names.Tables) == 0 {
		b.constraint = nil
		return
	}
	var end []int
	for _, s := range b.m.stops {
		end = append(end, s...)
	}
	b.constraint = constrain.New(names, b.m.Tokenizer, end)
}

// NewBackend returns a Backend over m named name (its model reference).
func NewBackend(m *Model, name string) *Backend { return &Backend{m: m, name: name} }

// Register makes local:PATH[+ADAPTER] open through r, resolving embedded
// model names with resolve (nil: directories only).
func Register(r *model.Registry, resolve Resolver) { r.Register(model.SchemeLocal, Opener(resolve)) }

// Opener returns the model.Opener of the local scheme.
func Opener(resolve Resolver) model.Opener {
	return func(_ context.Context, ref model.Ref, _ model.Env) (model.Backend, error) {
		m, err := Load(ref.Name, ref.Adapter, resolve)
		if err != nil {
			return nil, err
		}
		return NewBackend(m, ref.String()), nil
	}
}

// Name returns the model reference the backend was opened from.
func (b *Backend) Name() string { return b.name }

// Model returns the loaded model.
func (b *Backend) Model() *Model { return b.m }

// Generate answers req's chat messages (Request.ChatMessages: by default the prompt
// the model was trained on, see Messages) rendered with the model's chat template:
// greedily by default; with a Temperature above 0 by
// sampling from a seeded RNG (Seed, default 0; choice i uses Seed+i), N
// choices; under the schema constraint when Constrain was called. Logprobs
// fills MeanLogprob.
func (b *Backend) Generate(ctx context.Context, req model.Request) (model.Response, error) {
	b.mu.Lock()
	c := b.constraint
	b.mu.Unlock()
	return b.generateUnder(ctx, req, c)
}

// GenerateChecked is Generate under a prefix constraint for this request only: every token
// keeps check's language a valid prefix, and the answer ends only once it is complete (query
// plans: plan.CheckPrefix with the ontology's names and the question's linked values).
func (b *Backend) GenerateChecked(ctx context.Context, req model.Request, check constrain.Checker) (model.Response, error) {
	b.textsOnce.Do(func() { b.texts = constrain.TokenTexts(b.m.Tokenizer) })
	var end []int
	for _, s := range b.m.stops {
		end = append(end, s...)
	}
	return b.generateUnder(ctx, req, constrain.NewPrefix(b.texts, check, end))
}

func (b *Backend) generateUnder(ctx context.Context, req model.Request, constraint lm.Constraint) (model.Response, error) {
	start := time.Now()
	msgs := req.ChatMessages()
	if len(msgs) == 0 {
		return model.Response{}, fmt.Errorf("local generate: no messages")
	}
	p, err := b.m.Render(msgs)
	if err != nil {
		return model.Response{}, fmt.Errorf("local generate: %w", err)
	}
	ids := b.m.Tokenizer.Encode(p.Text)
	maxNew := req.MaxTokens
	if maxNew <= 0 {
		maxNew = DefaultMaxTokens
	}
	var temp float64
	if req.Temperature != nil {
		if temp = *req.Temperature; temp < 0 {
			return model.Response{}, fmt.Errorf("local generate: negative temperature %g", temp)
		}
	}
	var seed uint64
	if req.Seed != nil {
		seed = uint64(*req.Seed)
	}
	n := max(1, req.N)
	resp := model.Response{Model: b.name, Usage: model.Usage{PromptTokens: len(ids)}}
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := range n {
		var out generation
		if temp == 0 && constraint == nil {
			out, err = b.m.generate(ctx, ids, maxNew, req.Stop)
		} else {
			out, err = b.m.generateWith(ctx, ids, req.Stop, lm.GenerateOptions{MaxNew: maxNew, Temperature: temp,
				Seed: seed + uint64(i), Constraint: constraint})
		}
		if err != nil {
			return model.Response{}, fmt.Errorf("local generate: %w", err)
		}
		ch := model.Choice{Text: out.text, FinishReason: out.finish}
		if req.Logprobs && out.tokens > 0 {
			mean := out.logprob / float64(out.tokens)
			ch.MeanLogprob = &mean
		}
		resp.Choices = append(resp.Choices, ch)
		resp.Usage.CompletionTokens += out.tokens
	}
	resp.Latency = time.Since(start)
	return resp, nil
}

// generation is the outcome of one greedy decode.
type generation struct {
	text    string
	finish  string  // "stop" or "length"
	tokens  int     // tokens generated, the stop token included
	logprob float64 // sum of the chosen tokens' log-probabilities
}

// generate decodes greedily after prompt for at most maxNew tokens. It stops
// at one of the model's stop tokens or when the decoded text contains one of
// stop (cut there), and when the context is full.
func (m *Model) generate(ctx context.Context, prompt []int, maxNew int, stop []string) (generation, error) {
	var g generation
	ctxLen := m.LM.Config.MaxPositionEmbeddings
	if ctxLen > 0 && len(prompt) >= ctxLen {
		return g, fmt.Errorf("prompt of %d tokens does not fit the model's context of %d", len(prompt), ctxLen)
	}
	capacity := len(prompt) + maxNew
	if ctxLen > 0 {
		capacity = min(capacity, ctxLen)
	}
	c := m.LM.NewKVCache(capacity)
	logits, err := m.LM.Prefill(c, prompt)
	if err != nil {
		return g, err
	}
	var out []int
	g.finish = "length"
	for len(out) < maxNew {
		if err := ctx.Err(); err != nil {
			return g, err
		}
		next, lp := pick(logits)
		g.tokens++
		g.logprob += lp
		if m.isStop(next) {
			g.finish = "stop"
			break
		}
		out = append(out, next)
		if len(stop) > 0 {
			text := m.Tokenizer.DecodeSkipSpecial(out)
			if i := firstStop(text, stop); i >= 0 {
				g.text, g.finish = text[:i], "stop"
				return g, nil
			}
		}
		if len(out) == maxNew || c.Len >= capacity {
			break
		}
		if logits, err = m.LM.Step(c, next); err != nil {
			return g, err
		}
	}
	g.text = m.Tokenizer.DecodeSkipSpecial(out)
	return g, nil
}

// generateWith decodes with lm.GenerateWith (sampling, the schema
// constraint), stopping at the model's stop tokens, and cuts the text at the
// first of stop.
func (m *Model) generateWith(ctx context.Context, prompt []int, stop []string, opts lm.GenerateOptions) (generation, error) {
	ctxLen := m.LM.Config.MaxPositionEmbeddings
	if ctxLen > 0 && len(prompt) >= ctxLen {
		return generation{}, fmt.Errorf("prompt of %d tokens does not fit the model's context of %d", len(prompt), ctxLen)
	}
	opts.Stop = m.stops
	res, err := m.LM.GenerateWith(ctx, prompt, opts)
	if err != nil {
		return generation{}, err
	}
	g := generation{text: m.Tokenizer.DecodeSkipSpecial(res.Tokens), tokens: len(res.Logprobs), logprob: res.SumLogprob, finish: "length"}
	if res.Finish == lm.FinishStop {
		g.finish = "stop"
	}
	if i := firstStop(g.text, stop); i >= 0 {
		g.text, g.finish = g.text[:i], "stop"
	}
	return g, nil
}

// isStop reports whether id is one of the model's single-token stops.
func (m *Model) isStop(id int) bool {
	for _, s := range m.stops {
		if len(s) == 1 && s[0] == id {
			return true
		}
	}
	return false
}

// pick returns the argmax of logits and its log-probability.
func pick(logits []float32) (int, float64) {
	best := 0
	for i, v := range logits {
		if v > logits[best] {
			best = i
		}
	}
	top := float64(logits[best])
	var sum float64
	for _, v := range logits {
		sum += math.Exp(float64(v) - top)
	}
	return best, -math.Log(sum)
}

// firstStop returns where the earliest stop sequence starts in text, or -1.
func firstStop(text string, stop []string) int {
	at := -1
	for _, s := range stop {
		if s == "" {
			continue
		}
		if i := strings.Index(text, s); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	return at
}

var _ model.Backend = (*Backend)(nil)
