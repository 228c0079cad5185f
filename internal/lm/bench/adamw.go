package bench

import (
	"math"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// adamW is PyTorch's AdamW (β 0.9/0.999, ε 1e-8, no weight decay, as
// bench_torch.py configures it), so both sides time the same update.
type adamW struct {
	params []*lm.Param
	m, v   [][]float32
	t      int
}

func newAdamW(params []*lm.Param) *adamW {
	o := &adamW{params: params}
	for _, p := range params {
		o.m = append(o.m, make([]float32, len(p.W)))
		o.v = append(o.v, make([]float32, len(p.W)))
	}
	return o
}

func (o *adamW) step(lr float64) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	o.t++
	c1, c2 := 1-math.Pow(b1, float64(o.t)), 1-math.Pow(b2, float64(o.t))
	for i, p := range o.params {
		m, v := o.m[i], o.v[i]
		for j, g := range p.G {
			m[j] = b1*m[j] + (1-b1)*g
			v[j] = b2*v[j] + (1-b2)*g*g
			p.W[j] -= float32(lr * float64(m[j]) / c1 / (math.Sqrt(float64(v[j])/c2) + eps))
		}
	}
}
