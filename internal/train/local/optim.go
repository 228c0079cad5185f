package local

import (
	"math"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// adamW is AdamW (Loshchilov & Hutter) as torch.optim.AdamW computes it:
//
//	w ← w·(1 − lr·λ)                      (not for 1-D tensors)
//	m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²
//	w ← w − lr · (m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε)
//
// Moments are kept in float32 like the weights; each update is computed in
// float64.
type adamW struct {
	beta1, beta2, eps, decay float64
	t                        int         // steps taken
	params                   []*lm.Param // the trainable tensors
	m, v                     [][]float32 // first and second moments, shaped like params
}

func newAdamW(params []*lm.Param, beta1, beta2, eps, decay float64) *adamW {
	o := &adamW{beta1: beta1, beta2: beta2, eps: eps, decay: decay, params: params}
	for _, p := range params {
		o.m = append(o.m, make([]float32, len(p.W)))
		o.v = append(o.v, make([]float32, len(p.W)))
	}
	return o
}

// decays reports whether weight decay applies to p: not to norms and
// biases (1-D tensors), as Hugging Face's Trainer groups them.
func decays(p *lm.Param) bool { return len(p.Shape) >= 2 }

// step applies one update with learning rate lr from the gradients in G.
func (o *adamW) step(lr float64) {
	o.t++
	bc1 := 1 - math.Pow(o.beta1, float64(o.t))
	bc2 := 1 - math.Pow(o.beta2, float64(o.t))
	for i, p := range o.params {
		shrink := 1.0
		if decays(p) {
			shrink = 1 - lr*o.decay
		}
		m, v := o.m[i], o.v[i]
		for j, g32 := range p.G {
			g := float64(g32)
			mj := o.beta1*float64(m[j]) + (1-o.beta1)*g
			vj := o.beta2*float64(v[j]) + (1-o.beta2)*g*g
			m[j], v[j] = float32(mj), float32(vj)
			w := float64(p.W[j]) * shrink
			p.W[j] = float32(w - lr*(mj/bc1)/(math.Sqrt(vj/bc2)+o.eps))
		}
	}
}

// clipGradNorm scales every gradient so that their global L2 norm is at
// most maxNorm (when maxNorm > 0) and returns the norm before clipping.
func clipGradNorm(params []*lm.Param, maxNorm float64) float64 {
	var sum float64
	for _, p := range params {
		for _, g := range p.G {
			sum += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(sum)
	if maxNorm > 0 && norm > maxNorm {
		s := float32(maxNorm / (norm + 1e-6))
		for _, p := range params {
			for j := range p.G {
				p.G[j] *= s
			}
		}
	}
	return norm
}

// learningRate is the schedule at step s (1-based) of total: linear
// warm-up from lr/warm to lr over the first warm steps, then cosine decay
// from lr to lr·minRatio at the last step.
func learningRate(c Config, s, total int) float64 {
	warm := int(math.Ceil(c.WarmupRatio * float64(total)))
	if s <= warm {
		return c.LearningRate * float64(s) / float64(warm)
	}
	floor := c.LearningRate * c.MinLRRatio
	if total <= warm+1 {
		return c.LearningRate
	}
	progress := float64(s-warm-1) / float64(total-warm-1)
	return floor + (c.LearningRate-floor)*0.5*(1+math.Cos(math.Pi*progress))
}
