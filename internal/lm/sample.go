package lm

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// GenerateOptions choose how GenerateWith decodes.
type GenerateOptions struct {
	// MaxNew is the most tokens to generate (stop sequences included).
	MaxNew int
	// Stop lists token sequences that end generation; the one found is
	// trimmed from Result.Tokens.
	Stop [][]int
	// Temperature divides the logits before sampling; 0 decodes greedily.
	Temperature float64
	// TopP keeps the smallest set of most likely tokens whose probability
	// reaches TopP (nucleus sampling); 0 or ≥ 1 keeps all.
	TopP float64
	// TopK keeps the K most likely tokens; 0 keeps all.
	TopK int
	// Seed seeds the sampling RNG: the same seed gives the same output.
	Seed uint64
	// BeamWidth > 1 runs beam search with that many beams (Temperature,
	// TopP, TopK and Seed are then ignored).
	BeamWidth int
	// LengthPenalty is beam search's length normalisation exponent α: a
	// finished beam scores sum(logprob)/len^α. 0 means 1 (mean log-prob).
	LengthPenalty float64
	// Constraint, when set, restricts every step to the tokens it allows
	// (schema-constrained decoding, package constrain).
	Constraint Constraint
}

// Constraint limits which tokens decoding may choose. Its states are
// immutable values, so beams can share and fork them.
type Constraint interface {
	// Begin returns the state before the first generated token.
	Begin() ConstraintState
}

// ConstraintState is a constraint's view of the tokens generated so far.
type ConstraintState interface {
	// Advance returns the state after token and whether token is allowed
	// here; it does not modify the receiver.
	Advance(token int) (ConstraintState, bool)
}

// Finish reasons of a Result.
const (
	FinishStop       = "stop"       // a stop sequence was generated
	FinishLength     = "length"     // MaxNew tokens, or the cache is full
	FinishConstraint = "constraint" // the constraint allowed no token
)

// Result is the outcome of GenerateWith.
type Result struct {
	// Tokens are the new tokens, the stop sequence trimmed.
	Tokens []int
	// Logprobs holds each generated token's log-probability under the
	// model's own distribution (log-softmax of the logits at temperature 1,
	// before any mask), the trimmed stop sequence included.
	Logprobs []float64
	// SumLogprob and MeanLogprob summarise Logprobs (0 when it is empty);
	// MeanLogprob is the confidence the server reports.
	SumLogprob, MeanLogprob float64
	// Finish says why decoding ended: FinishStop, FinishLength or
	// FinishConstraint.
	Finish string
}

func (r *Result) summarise() {
	r.SumLogprob = 0
	for _, lp := range r.Logprobs {
		r.SumLogprob += lp
	}
	if len(r.Logprobs) > 0 {
		r.MeanLogprob = r.SumLogprob / float64(len(r.Logprobs))
	}
}

// GenerateWith decodes after prompt with a KV cache: greedily, by
// temperature/top-k/top-p sampling from a seeded RNG, or by beam search,
// optionally under a constraint. Generate is GenerateWith with greedy
// options.
func (m *Model) GenerateWith(ctx context.Context, prompt []int, opts GenerateOptions) (Result, error) {
	if len(prompt) == 0 {
		return Result{}, fmt.Errorf("generating: empty prompt")
	}
	if opts.Temperature < 0 || opts.TopP < 0 || opts.TopK < 0 || opts.BeamWidth < 0 || opts.MaxNew < 0 {
		return Result{}, fmt.Errorf("generating: negative option in %+v", opts)
	}
	if opts.BeamWidth > 1 {
		return m.beamSearch(ctx, prompt, opts)
	}
	capacity := m.capacity(len(prompt), opts.MaxNew)
	c := m.NewKVCache(capacity)
	logits, err := m.Prefill(c, prompt)
	if err != nil {
		return Result{}, fmt.Errorf("generating: %w", err)
	}
	s := newSampler(opts)
	var state ConstraintState
	if opts.Constraint != nil {
		state = opts.Constraint.Begin()
	}
	res := Result{Finish: FinishLength}
	for len(res.Logprobs) < opts.MaxNew {
		if err := ctx.Err(); err != nil {
			res.summarise()
			return res, fmt.Errorf("generating: %w", err)
		}
		next, nextState, ok := s.pick(logits, state)
		if !ok {
			res.Finish = FinishConstraint
			break
		}
		state = nextState
		res.Tokens = append(res.Tokens, next)
		res.Logprobs = append(res.Logprobs, logSoftmaxAt(logits, next))
		if n := endsWithAny(res.Tokens, opts.Stop); n > 0 {
			res.Tokens, res.Finish = res.Tokens[:len(res.Tokens)-n], FinishStop
			break
		}
		if len(res.Tokens) == opts.MaxNew || c.Len >= capacity {
			break
		}
		if logits, err = m.Step(c, next); err != nil {
			res.summarise()
			return res, fmt.Errorf("generating: %w", err)
		}
	}
	res.summarise()
	return res, nil
}

// capacity is the cache size for a prompt of n tokens and maxNew more,
// bounded by the model's context (but never below the prompt).
func (m *Model) capacity(n, maxNew int) int {
	capacity := n + maxNew
	if mp := m.Config.MaxPositionEmbeddings; mp > 0 && capacity > mp {
		capacity = max(mp, n)
	}
	return capacity
}

// logSoftmaxAt returns log softmax(logits)[i], accumulated in float64.
func logSoftmaxAt(logits []float32, i int) float64 {
	return float64(logits[i]) - logSumExp(logits)
}

func logSumExp(x []float32) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = max(m, float64(v))
	}
	var s float64
	for _, v := range x {
		s += math.Exp(float64(v) - m)
	}
	return m + math.Log(s)
}

// sampler picks the next token from one position's logits [V].
type sampler struct {
	opts  GenerateOptions
	rng   *rand.Rand
	order []int // scratch: token ids by descending logit
	cands []candidate
}

type candidate struct {
	tok   int
	p     float64 // unnormalised probability exp((z-zmax)/T)
	state ConstraintState
}

func newSampler(opts GenerateOptions) *sampler {
	return &sampler{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, 0x5a4b1e))}
}

// greedy reports whether the options reduce to taking the best token.
func (s *sampler) greedy() bool {
	return s.opts.Temperature == 0 || s.opts.TopK == 1
}

// pick returns the next token and the constraint state after it; ok is
// false when the constraint allows no token. Greedy decoding takes the
// highest-scoring allowed token (the first on ties). Sampling draws from
// softmax(logits/T) restricted to the top-k, then to the nucleus, then to
// allowed tokens; candidates are checked against the constraint lazily, in
// descending logit order.
func (s *sampler) pick(logits []float32, state ConstraintState) (tok int, next ConstraintState, ok bool) {
	if s.greedy() {
		best := argmax(logits)
		if state == nil {
			return best, nil, true
		}
		if ns, ok := state.Advance(best); ok {
			return best, ns, true
		}
		for _, t := range s.sorted(logits) {
			if ns, ok := state.Advance(t); ok {
				return t, ns, true
			}
		}
		return 0, nil, false
	}
	invT := 1 / s.opts.Temperature
	zmax := float64(logits[argmax(logits)])
	topP := s.opts.TopP
	if topP <= 0 || topP >= 1 {
		topP = 1
	}
	if state == nil && topP == 1 && s.opts.TopK == 0 {
		// Plain temperature sampling needs no ordering.
		var total float64
		for _, v := range logits {
			total += math.Exp((float64(v) - zmax) * invT)
		}
		u := s.rng.Float64() * total
		for i, v := range logits {
			if u -= math.Exp((float64(v) - zmax) * invT); u < 0 {
				return i, nil, true
			}
		}
		return len(logits) - 1, nil, true
	}
	var total float64 // the normaliser over every token, allowed or not
	for _, v := range logits {
		total += math.Exp((float64(v) - zmax) * invT)
	}
	s.cands = s.cands[:0]
	var kept, seen float64 // allowed mass kept; mass looked at
	for _, t := range s.sorted(logits) {
		p := math.Exp((float64(logits[t]) - zmax) * invT)
		seen += p
		var ns ConstraintState
		if state != nil {
			var ok bool
			if ns, ok = state.Advance(t); !ok {
				continue
			}
		}
		s.cands = append(s.cands, candidate{tok: t, p: p, state: ns})
		kept += p
		// The allowed mass is at most kept plus what is not yet looked at,
		// so stopping here keeps at least TopP of it.
		if (s.opts.TopK > 0 && len(s.cands) == s.opts.TopK) || (topP < 1 && kept >= topP*(kept+total-seen)) {
			break
		}
	}
	if len(s.cands) == 0 {
		return 0, nil, false
	}
	u := s.rng.Float64() * kept
	for _, c := range s.cands {
		if u -= c.p; u < 0 {
			return c.tok, c.state, true
		}
	}
	c := s.cands[len(s.cands)-1]
	return c.tok, c.state, true
}

// sorted returns the token ids by descending logit, ties by ascending id
// (so its first element is argmax's choice).
func (s *sampler) sorted(logits []float32) []int {
	s.order = s.order[:0]
	for i := range logits {
		s.order = append(s.order, i)
	}
	slices.SortFunc(s.order, func(a, b int) int {
		if logits[a] != logits[b] {
			if logits[a] > logits[b] {
				return -1
			}
			return 1
		}
		return a - b
	})
	return s.order
}
