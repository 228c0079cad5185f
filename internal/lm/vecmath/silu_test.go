package vecmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSwiGLU compares SwiGLU and SwiGLUBackward with the formulas in
// float64 on random values, lengths that exercise the 8-lane body and the
// tail, and gates far outside the exp's range (σ saturates to 0 or 1).
func TestSwiGLU(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, n := range []int{1, 7, 8, 9, 64, 4099} {
		gate, up, dact := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range gate {
			gate[i], up[i], dact[i] = float32(r.NormFloat64()*4), float32(r.NormFloat64()), float32(r.NormFloat64())
		}
		for i, g := range []float32{-200, 200, -88, 88, -90, 90, 0, -1e-20} {
			if i < n {
				gate[i] = g
			}
		}
		act, dgate, dup := make([]float32, n), make([]float32, n), make([]float32, n)
		SwiGLU(act, gate, up)
		SwiGLUBackward(dgate, dup, dact, gate, up)
		for i := range gate {
			g, u, d := float64(gate[i]), float64(up[i]), float64(dact[i])
			s := 1 / (1 + math.Exp(-g))
			// scale bounds the terms' magnitudes: 1 + g·(1−s) cancels for
			// negative g, in float32 as in the scalar loop this replaces.
			check := func(what string, got float32, want, scale float64) {
				t.Helper()
				if diff := math.Abs(float64(got) - want); diff > 1e-6*scale+1e-30 {
					t.Fatalf("n=%d %s(gate %g, up %g, dact %g) = %g, want %g", n, what, g, u, d, got, want)
				}
			}
			check("act", act[i], g*s*u, math.Abs(g*s*u))
			check("dup", dup[i], d*g*s, math.Abs(d*g*s))
			check("dgate", dgate[i], d*u*s*(1+g*(1-s)), math.Abs(d*u*s)*(1+math.Abs(g*(1-s))))
		}
	}
}

func BenchmarkSwiGLU(b *testing.B) {
	gate, up := make([]float32, 4096), make([]float32, 4096)
	for i := range gate {
		gate[i], up[i] = float32(i%97)/7-7, 1
	}
	act := make([]float32, len(gate))
	b.Run("vector", func(b *testing.B) {
		for b.Loop() {
			SwiGLU(act, gate, up)
		}
	})
	b.Run("scalar", func(b *testing.B) {
		for b.Loop() {
			for i, g := range gate {
				act[i] = g * sigmoid(g) * up[i]
			}
		}
	})
}
