package lm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naiveAttention is attention and its backward pass in float64, with
// every score computed and masked: out, and dq, dk, dv for dout.
func naiveAttention(s attentionShape, q, k, v, dout []float32) (out, dq, dk, dv []float64) {
	T, Dh, qd, kvd := s.T, s.Dh, s.qDim(), s.kvDim()
	group := s.Hq / s.Hkv
	N := s.B * T
	out, dq = make([]float64, N*qd), make([]float64, N*qd)
	dk, dv = make([]float64, N*kvd), make([]float64, N*kvd)
	for b := 0; b < s.B; b++ {
		for h := 0; h < s.Hq; h++ {
			kh := h / group
			qi := func(t, d int) int { return (b*T+t)*qd + h*Dh + d }
			ki := func(t, d int) int { return (b*T+t)*kvd + kh*Dh + d }
			for t := 0; t < T; t++ {
				lo := s.lo(t)
				p := make([]float64, t+1)
				mx := math.Inf(-1)
				for j := lo; j <= t; j++ {
					for d := 0; d < Dh; d++ {
						p[j] += float64(q[qi(t, d)]) * float64(k[ki(j, d)])
					}
					p[j] *= float64(s.Scale)
					mx = math.Max(mx, p[j])
				}
				var sum float64
				for j := lo; j <= t; j++ {
					p[j] = math.Exp(p[j] - mx)
					sum += p[j]
				}
				dp := make([]float64, t+1)
				var dot float64
				for j := lo; j <= t; j++ {
					p[j] /= sum
					for d := 0; d < Dh; d++ {
						out[qi(t, d)] += p[j] * float64(v[ki(j, d)])
						dp[j] += float64(dout[qi(t, d)]) * float64(v[ki(j, d)])
						dv[ki(j, d)] += p[j] * float64(dout[qi(t, d)])
					}
					dot += p[j] * dp[j]
				}
				for j := lo; j <= t; j++ {
					ds := p[j] * (dp[j] - dot) * float64(s.Scale)
					for d := 0; d < Dh; d++ {
						dq[qi(t, d)] += ds * float64(k[ki(j, d)])
						dk[ki(j, d)] += ds * float64(q[qi(t, d)])
					}
				}
			}
		}
	}
	return out, dq, dk, dv
}

// TestAttentionCausalBlocks checks attention and attentionBackward, whose
// products stop at each block's diagonal, against naiveAttention for
// lengths of one block, several and a partial last one, with a window.
func TestAttentionCausalBlocks(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, tc := range []struct{ T, window int }{{5, 0}, {causalBlock, 0}, {2*causalBlock + 7, 0}, {70, 16}} {
		s := attentionShape{B: 2, T: tc.T, Hq: 4, Hkv: 2, Dh: 8, Scale: 1 / float32(math.Sqrt(8)), Window: tc.window}
		N := s.B * s.T
		rnd := func(n int) []float32 {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(r.NormFloat64())
			}
			return x
		}
		q, k, v, dout := rnd(N*s.qDim()), rnd(N*s.kvDim()), rnd(N*s.kvDim()), rnd(N*s.qDim())
		out, probs := make([]float32, N*s.qDim()), make([]float32, s.B*s.Hq*s.T*s.T)
		attention(s, out, probs, q, k, v)
		dq, dk, dv := make([]float32, N*s.qDim()), make([]float32, N*s.kvDim()), make([]float32, N*s.kvDim())
		attentionBackward(s, dq, dk, dv, dout, probs, q, k, v, nil)
		wout, wdq, wdk, wdv := naiveAttention(s, q, k, v, dout)
		for _, c := range []struct {
			name string
			got  []float32
			want []float64
		}{{"out", out, wout}, {"dq", dq, wdq}, {"dk", dk, wdk}, {"dv", dv, wdv}} {
			for i := range c.want {
				if d := math.Abs(float64(c.got[i]) - c.want[i]); d > 1e-5*(1+math.Abs(c.want[i])) {
					t.Fatalf("T=%d window=%d: %s[%d] = %g, want %g", tc.T, tc.window, c.name, i, c.got[i], c.want[i])
				}
			}
		}
	}
}
