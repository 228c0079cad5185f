package lm

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// beam is one hypothesis of beam search: its tokens, their
// log-probabilities, its own KV cache and the logits [V] of its next
// position.
type beam struct {
	tokens   []int
	logprobs []float64
	sum      float64
	cache    *KVCache
	logits   []float32
	state    ConstraintState
}

// beamCandidate is one extension of a live beam by one token.
type beamCandidate struct {
	parent int
	tok    int
	lp     float64
	sum    float64
	state  ConstraintState
}

// beamSearch keeps the BeamWidth most probable hypotheses (by summed token
// log-probability) at every step, each with its own KV cache (copied when a
// beam forks). A hypothesis that ends with a stop sequence is finished;
// search ends when BeamWidth hypotheses have finished (early stopping), at
// MaxNew tokens, or when the cache is full. The answer is the finished
// hypothesis with the best length-normalised score sum/len^α, the stop
// sequence counted in both.
func (m *Model) beamSearch(ctx context.Context, prompt []int, opts GenerateOptions) (Result, error) {
	W := opts.BeamWidth
	alpha := opts.LengthPenalty
	if alpha == 0 {
		alpha = 1
	}
	capacity := m.capacity(len(prompt), opts.MaxNew)
	c := m.NewKVCache(capacity)
	logits, err := m.Prefill(c, prompt)
	if err != nil {
		return Result{}, fmt.Errorf("beam search: %w", err)
	}
	root := &beam{cache: c, logits: logits}
	if opts.Constraint != nil {
		root.state = opts.Constraint.Begin()
	}
	alive := []*beam{root}
	var finished []Result
	finish := func(b *beam, reason string, trim int) {
		r := Result{Tokens: b.tokens[:len(b.tokens)-trim], Logprobs: b.logprobs, Finish: reason}
		r.summarise()
		finished = append(finished, r)
	}
	s := newSampler(GenerateOptions{})
	var cands []beamCandidate
	if opts.MaxNew == 0 {
		return Result{Finish: FinishLength}, nil
	}
	for len(alive) > 0 && len(finished) < W {
		if err := ctx.Err(); err != nil {
			return Result{}, fmt.Errorf("beam search: %w", err)
		}
		cands = expandBeams(cands[:0], alive, s, W, func(b *beam) { finish(b, FinishConstraint, 0) })
		var next []*beam
		taken := make([]bool, len(alive))
		for rank, cd := range cands {
			if len(next) == W {
				break
			}
			p := alive[cd.parent]
			nb := &beam{tokens: append(slices.Clip(p.tokens), cd.tok), logprobs: append(slices.Clip(p.logprobs), cd.lp),
				sum: cd.sum, state: cd.state}
			if n := endsWithAny(nb.tokens, opts.Stop); n > 0 {
				if rank < W {
					finish(nb, FinishStop, n)
				}
				continue
			}
			if len(nb.tokens) == opts.MaxNew || p.cache.Len >= capacity {
				finish(nb, FinishLength, 0)
				continue
			}
			// The first child takes its parent's cache; later ones copy it
			// before anyone steps.
			if taken[cd.parent] {
				nb.cache = p.cache.Clone()
			} else {
				nb.cache, taken[cd.parent] = p.cache, true
			}
			next = append(next, nb)
		}
		// Forks copied their caches above, so stepping now is safe.
		for _, b := range next {
			if b.logits, err = m.Step(b.cache, b.tokens[len(b.tokens)-1]); err != nil {
				return Result{}, fmt.Errorf("beam search: %w", err)
			}
		}
		alive = next
	}
	return bestFinished(finished, alpha), nil
}

// expandBeams appends the W most probable one-token extensions of every live beam (those its
// constraint allows) to cands, best summed log-probability first; a beam with none left is
// passed to dead.
func expandBeams(cands []beamCandidate, alive []*beam, s *sampler, W int, dead func(*beam)) []beamCandidate {
	for bi, b := range alive {
		lse, n := logSumExp(b.logits), 0
		for _, t := range s.sorted(b.logits) {
			var ns ConstraintState
			if b.state != nil {
				var ok bool
				if ns, ok = b.state.Advance(t); !ok {
					continue
				}
			}
			lp := float64(b.logits[t]) - lse
			cands = append(cands, beamCandidate{parent: bi, tok: t, lp: lp, sum: b.sum + lp, state: ns})
			if n++; n == W {
				break
			}
		}
		if n == 0 {
			dead(b)
		}
	}
	slices.SortStableFunc(cands, func(a, b beamCandidate) int {
		switch {
		case a.sum > b.sum:
			return -1
		case a.sum < b.sum:
			return 1
		}
		return 0
	})
	return cands
}

// bestFinished is the finished hypothesis with the best length-normalised score sum/len^α, or
// a constraint finish when none finished.
func bestFinished(finished []Result, alpha float64) Result {
	best, bestScore := -1, math.Inf(-1)
	for i, r := range finished {
		score := r.SumLogprob
		if n := len(r.Logprobs); n > 0 {
			score /= math.Pow(float64(n), alpha)
		}
		if best < 0 || score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return Result{Finish: FinishConstraint}
	}
	return finished[best]
}
