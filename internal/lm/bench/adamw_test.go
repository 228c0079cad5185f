package bench

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// TestAdamWChunksMatchFloat64 runs three steps on a tensor longer than a chunk
// and compares the weights with AdamW computed in float64.
func TestAdamWChunksMatchFloat64(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	n := 2*chunk + 5
	p := &lm.Param{Name: "w", Shape: []int{n}, W: make([]float32, n), G: make([]float32, n)}
	w, m, v := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range p.W {
		p.W[i] = float32(r.NormFloat64())
		w[i] = float64(p.W[i])
	}
	o := newAdamW([]*lm.Param{p})
	const lr, b1, b2, eps = 1e-2, 0.9, 0.999, 1e-8
	for s := 1; s <= 3; s++ {
		for i := range p.G {
			p.G[i] = float32(r.NormFloat64())
			g := float64(p.G[i])
			m[i] = b1*m[i] + (1-b1)*g
			v[i] = b2*v[i] + (1-b2)*g*g
			w[i] -= lr * m[i] / (1 - math.Pow(b1, float64(s))) / (math.Sqrt(v[i]/(1-math.Pow(b2, float64(s)))) + eps)
		}
		o.step(lr)
	}
	for i := range w {
		if d := math.Abs(float64(p.W[i]) - w[i]); d > 1e-6*(1+math.Abs(w[i])) {
			t.Fatalf("w[%d] = %g, want %g", i, p.W[i], w[i])
		}
	}
}
