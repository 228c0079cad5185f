package lm

import (
	"fmt"
	"math"
)

// KVCache holds, for one sequence, every layer's rotated keys and values so
// far: K and V are [capacity, Hkv·Dh] per layer, rows 0..Len-1 filled.
type KVCache struct {
	K, V [][]float32
	Len  int
	cap  int
}

// NewKVCache allocates a cache for sequences of up to capacity tokens.
func (m *Model) NewKVCache(capacity int) *KVCache {
	c := &KVCache{cap: capacity}
	for range m.Layers {
		c.K = append(c.K, make([]float32, capacity*m.Config.KVDim()))
		c.V = append(c.V, make([]float32, capacity*m.Config.KVDim()))
	}
	return c
}

// Prefill runs the prompt through the model in one batched pass, fills the
// cache with its keys and values and returns the last position's logits [V].
func (m *Model) Prefill(c *KVCache, prompt []int) ([]float32, error) {
	if c.Len != 0 || len(prompt) > c.cap {
		return nil, fmt.Errorf("prefill: %d prompt tokens into a cache holding %d of %d", len(prompt), c.Len, c.cap)
	}
	T := len(prompt)
	a, err := m.Forward(prompt, 1, T, ForwardOptions{})
	if err != nil {
		return nil, fmt.Errorf("prefill: %w", err)
	}
	for li, la := range a.layers {
		copy(c.K[li], la.k)
		copy(c.V[li], la.v)
	}
	c.Len = T
	V := m.Config.VocabSize
	return a.Logits[(T-1)*V:], nil
}

// Step appends one token at position c.Len and returns its logits [V],
// attending over the cached keys and values.
func (m *Model) Step(c *KVCache, token int) ([]float32, error) {
	cfg := m.Config
	if c.Len >= c.cap {
		return nil, fmt.Errorf("decoding step: cache is full at %d tokens", c.cap)
	}
	if token < 0 || token >= cfg.VocabSize {
		return nil, fmt.Errorf("decoding step: token %d is outside the vocabulary of %d", token, cfg.VocabSize)
	}
	D, F, pos := cfg.HiddenSize, cfg.IntermediateSize, c.Len
	Hq, Hkv, Dh := cfg.NumAttentionHeads, cfg.NumKeyValueHeads, cfg.HeadDim
	kvd, group := cfg.KVDim(), Hq/Hkv
	scale := float32(1 / math.Sqrt(float64(Dh)))
	x := append([]float32(nil), m.Embed.W[token*D:(token+1)*D]...)
	xn, r := make([]float32, D), make([]float32, 1)
	q, ao, att := make([]float32, cfg.QDim()), make([]float32, cfg.QDim()), make([]float32, pos+1)
	gate, up, act, tmp := make([]float32, F), make([]float32, F), make([]float32, F), make([]float32, D)
	at := func(int) int { return pos }
	for li, l := range m.Layers {
		rmsNorm(xn, r, x, l.InputNorm.W, D, cfg.RMSNormEps)
		k, v := c.K[li][pos*kvd:(pos+1)*kvd], c.V[li][pos*kvd:(pos+1)*kvd]
		l.Proj[QProj].forward(q, xn, 1, nil)
		l.Proj[KProj].forward(k, xn, 1, nil)
		l.Proj[VProj].forward(v, xn, 1, nil)
		m.rope.apply(q, Hq, at, false)
		m.rope.apply(k, Hkv, at, false)
		for h := 0; h < Hq; h++ {
			kh := h / group
			matmul(false, true, 1, pos+1, Dh, scale, q[h*Dh:], Dh, c.K[li][kh*Dh:], kvd, 0, att, pos+1)
			softmaxCausal(att, pos+1)
			matmul(false, false, 1, Dh, pos+1, 1, att, pos+1, c.V[li][kh*Dh:], kvd, 0, ao[h*Dh:], Dh)
		}
		l.Proj[OProj].forward(tmp, ao, 1, nil)
		for i := range x {
			x[i] += tmp[i]
		}
		rmsNorm(xn, r, x, l.PostNorm.W, D, cfg.RMSNormEps)
		l.Proj[GateProj].forward(gate, xn, 1, nil)
		l.Proj[UpProj].forward(up, xn, 1, nil)
		swiGLU(act, gate, up)
		l.Proj[DownProj].forward(tmp, act, 1, nil)
		for i := range x {
			x[i] += tmp[i]
		}
	}
	c.Len++
	rmsNorm(xn, r, x, m.Norm.W, D, cfg.RMSNormEps)
	logits := make([]float32, cfg.VocabSize)
	matmul(false, true, 1, cfg.VocabSize, D, 1, xn, D, m.LMHead.W, D, 0, logits, cfg.VocabSize)
	return logits, nil
}

// Clone returns an independent copy of the cache (its filled rows), for a
// beam that forks.
func (c *KVCache) Clone() *KVCache {
	d := &KVCache{Len: c.Len, cap: c.cap}
	for li := range c.K {
		k, v := make([]float32, len(c.K[li])), make([]float32, len(c.V[li]))
		n := c.Len * len(c.K[li]) / max(c.cap, 1)
		copy(k[:n], c.K[li][:n])
		copy(v[:n], c.V[li][:n])
		d.K, d.V = append(d.K, k), append(d.V, v)
	}
	return d
}
