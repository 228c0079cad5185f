package lm

import (
	"context"
	"fmt"
	"slices"
)

// Generate decodes greedily after prompt with a KV cache, for at most maxNew
// tokens, stopping early when the output ends with one of the stop
// sequences (which is then trimmed from the result). It returns the new
// tokens only.
func (m *Model) Generate(ctx context.Context, prompt []int, maxNew int, stop [][]int) ([]int, error) {
	if len(prompt) == 0 {
		return nil, fmt.Errorf("generating: empty prompt")
	}
	capacity := len(prompt) + maxNew
	if mp := m.Config.MaxPositionEmbeddings; mp > 0 && capacity > mp {
		capacity = max(mp, len(prompt))
	}
	c := m.NewKVCache(capacity)
	logits, err := m.Prefill(c, prompt)
	if err != nil {
		return nil, fmt.Errorf("generating: %w", err)
	}
	var out []int
	for len(out) < maxNew {
		if err := ctx.Err(); err != nil {
			return out, fmt.Errorf("generating: %w", err)
		}
		next := argmax(logits)
		out = append(out, next)
		if s := endsWithAny(out, stop); s > 0 {
			return out[:len(out)-s], nil
		}
		if len(out) == maxNew || c.Len >= capacity {
			break
		}
		if logits, err = m.Step(c, next); err != nil {
			return out, fmt.Errorf("generating: %w", err)
		}
	}
	return out, nil
}

// argmax returns the index of the largest value (the first on ties).
func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// endsWithAny returns the length of the first non-empty stop sequence that
// out ends with, or 0.
func endsWithAny(out []int, stop [][]int) int {
	for _, s := range stop {
		if len(s) > 0 && len(out) >= len(s) && slices.Equal(out[len(out)-len(s):], s) {
			return len(s)
		}
	}
	return 0
}
