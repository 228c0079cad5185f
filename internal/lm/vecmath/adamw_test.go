package vecmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAdamW runs three updates on lengths that exercise the vector body and
// the tail and compares with AdamW computed in float64.
func TestAdamW(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	const lr, b1, b2, eps = 1e-2, 0.9, 0.999, 1e-8
	for _, n := range []int{1, 7, 8, 9, 1003} {
		w, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		w64, m64, v64 := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range w {
			w[i] = float32(r.NormFloat64())
			w64[i] = float64(w[i])
		}
		for s := 1; s <= 3; s++ {
			c1, c2 := 1-math.Pow(b1, float64(s)), 1-math.Pow(b2, float64(s))
			for i := range g {
				g[i] = float32(r.NormFloat64())
				gi := float64(g[i])
				m64[i] = b1*m64[i] + (1-b1)*gi
				v64[i] = b2*v64[i] + (1-b2)*gi*gi
				w64[i] -= lr / c1 * m64[i] / (math.Sqrt(v64[i])/math.Sqrt(c2) + eps)
			}
			AdamW(w, g, m, v, b1, b2, float32(lr/c1), float32(math.Sqrt(c2)), eps)
		}
		for i := range w {
			if d := math.Abs(float64(w[i]) - w64[i]); d > 1e-6*(1+math.Abs(w64[i])) {
				t.Fatalf("n=%d: w[%d] = %g, want %g", n, i, w[i], w64[i])
			}
		}
	}
}
