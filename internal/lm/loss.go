package lm

import (
	"fmt"
	"math"

	"github.com/sqlforge/sqlforge/internal/lm/vecmath"
)

// CrossEntropy returns the mean negative log-likelihood of targets [N] under
// logits [N, V] over the positions where mask [N] is non-zero (the answer
// tokens in supervised fine-tuning), and its gradient dlogits [N, V]. A nil
// mask counts every position. The sum is accumulated in float64.
func CrossEntropy(logits []float32, V int, targets []int, mask []float32) (float64, []float32, error) {
	return crossEntropy(logits, V, targets, mask, nil)
}

// CrossEntropy is the package function on the pass's logits, with
// dlogits taken from the pass's buffers: Release gives it back too.
func (acts *Activations) CrossEntropy(V int, targets []int, mask []float32) (float64, []float32, error) {
	return crossEntropy(acts.Logits, V, targets, mask, acts.arena)
}

func crossEntropy(logits []float32, V int, targets []int, mask []float32, ar *arena) (float64, []float32, error) {
	N := len(targets)
	if len(logits) != N*V {
		return 0, nil, fmt.Errorf("cross-entropy: %d logits for %d targets × vocabulary %d", len(logits), N, V)
	}
	if mask != nil && len(mask) != N {
		return 0, nil, fmt.Errorf("cross-entropy: mask of %d for %d targets", len(mask), N)
	}
	var count float64
	for n := range N {
		if mask == nil || mask[n] != 0 {
			count++
		}
	}
	dlogits := ar.floats(N * V)
	if count == 0 {
		return 0, dlogits, nil
	}
	var rows []int
	for n, t := range targets {
		if mask != nil && mask[n] == 0 {
			continue
		}
		if t < 0 || t >= V {
			return 0, nil, fmt.Errorf("cross-entropy: target %d at position %d is outside the vocabulary of %d", t, n, V)
		}
		rows = append(rows, n)
	}
	// Rows are independent: each worker computes exp(v-max) once into
	// dlogits, then scales it to softmax/count (the loss per row is summed
	// afterwards in order, so the result does not depend on scheduling).
	nll := make([]float64, len(rows))
	w := 1.0 / count
	parallel(len(rows), func(_, i int) {
		n := rows[i]
		t := targets[n]
		row, d := logits[n*V:(n+1)*V], dlogits[n*V:(n+1)*V]
		mx := vecmath.Max(row)
		sum := vecmath.ExpShift(d, row, mx)
		nll[i] = float64(mx) + math.Log(sum) - float64(row[t])
		vecmath.Scale(d, float32(w/sum))
		d[t] -= float32(w)
	})
	var total float64
	for _, l := range nll {
		total += l
	}
	return total / count, dlogits, nil
}
