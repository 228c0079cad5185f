package lm

import "fmt"

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
	D, pos := cfg.HiddenSize, c.Len
	Hq, Dh, kvd := cfg.NumAttentionHeads, cfg.HeadDim, cfg.KVDim()
	group := Hq / cfg.NumKeyValueHeads
	x := m.embed([]int{token}, nil)
	xn, r := make([]float32, D), make([]float32, 1)
	ao, att := make([]float32, cfg.QDim()), make([]float32, pos+1)
	at := func(int) int { return pos }
	for li, l := range m.Layers {
		m.norm(xn, r, x, l.InputNorm, D)
		a := &layerActs{}
		m.attnInputs(l, a, xn, 1, at, nil, nil)
		copy(c.K[li][pos*kvd:(pos+1)*kvd], a.k)
		copy(c.V[li][pos*kvd:(pos+1)*kvd], a.v)
		s := m.attnShape(li, 1, pos+1)
		lo := s.lo(pos)
		for h := 0; h < Hq; h++ {
			kh := h / group
			matmul(false, true, 1, pos+1, Dh, s.Scale, a.q[h*Dh:], Dh, c.K[li][kh*Dh:], kvd, 0, att, pos+1)
			softmaxScores(att, lo, pos+1, s.Cap)
			matmul(false, false, 1, Dh, pos+1, 1, att, pos+1, c.V[li][kh*Dh:], kvd, 0, ao[h*Dh:], Dh)
		}
		o := make([]float32, D)
		l.Proj[OProj].forward(o, ao, 1, nil, nil)
		x, _, _ = m.residual(l.AttnOutNorm, x, o, nil)
		m.norm(xn, r, x, l.PostNorm, D)
		out := make([]float32, D)
		m.mlpForward(l, a, out, xn, 1, nil, nil)
		x, _, _ = m.residual(l.MLPOutNorm, x, out, nil)
	}
	c.Len++
	m.norm(xn, r, x, m.Norm, D)
	return m.logits(xn, 1, nil), nil
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
