package lm

import (
	"fmt"
	"math/rand/v2"
)

// ForwardOptions control a forward pass.
type ForwardOptions struct {
	// Train turns LoRA dropout on; evaluation and generation leave it off.
	Train bool
	// Seed makes the dropout masks of a training pass reproducible: the
	// same seed gives the same masks.
	Seed uint64
	// Rows, when not nil, limits the logits to these positions (indices
	// into [0, B·T), ascending): Logits is then [len(Rows), V], row i for
	// position Rows[i]. Supervised fine-tuning asks only for the answer
	// tokens, which skips the vocabulary projection — a quarter of a small
	// model's work — and its softmax at every prompt position.
	Rows []int
}

// layerActs keeps one layer's activations for the backward pass.
type layerActs struct {
	x        []float32 // [N, D] the layer's input (residual stream)
	r1, r2   []float32 // [N] inverse RMS of x and x2
	xn1, xn2 []float32 // [N, D] normalised inputs of attention and MLP
	q, k, v  []float32 // [N, Hq·Dh], [N, Hkv·Dh] ×2; q and k rotated
	probs    []float32 // [B, Hq, T, T] attention probabilities
	ao       []float32 // [N, Hq·Dh] attention output, input of o_proj
	x2       []float32 // [N, D] residual stream after attention
	gate, up []float32 // [N, F]
	act      []float32 // [N, F] silu(gate)⊙up, input of down_proj
	lin      [numModules]*linearActs
}

// Activations is the result of a forward pass: the logits and what the
// backward pass needs.
type Activations struct {
	B, T   int
	Tokens []int     // [B·T]
	Logits []float32 // [B·T, V], row n = b·T + t; [len(Rows), V] with Rows
	Rows   []int     // ForwardOptions.Rows
	layers []*layerActs
	xf     []float32 // [N, D] final residual stream
	rf     []float32 // [N]
	xnf    []float32 // [N, D] final normalised hidden states
}

// Forward runs the decoder over B sequences of T tokens (tokens is [B·T],
// sequence b at tokens[b·T:(b+1)·T], positions 0..T-1) and returns the
// logits [B·T, V] with the activations the backward pass needs.
func (m *Model) Forward(tokens []int, B, T int, opts ForwardOptions) (*Activations, error) {
	cfg := m.Config
	if B <= 0 || T <= 0 || len(tokens) != B*T {
		return nil, fmt.Errorf("forward: %d tokens for batch %d × length %d", len(tokens), B, T)
	}
	for i, t := range tokens {
		if t < 0 || t >= cfg.VocabSize {
			return nil, fmt.Errorf("forward: token %d at position %d is outside the vocabulary of %d", t, i, cfg.VocabSize)
		}
	}
	N, D := B*T, cfg.HiddenSize
	for i, r := range opts.Rows {
		if r < 0 || r >= B*T || (i > 0 && r <= opts.Rows[i-1]) {
			return nil, fmt.Errorf("forward: logit row %d (%d) is not an ascending position below %d", i, r, B*T)
		}
	}
	acts := &Activations{B: B, T: T, Tokens: tokens, Rows: opts.Rows}
	x := make([]float32, N*D)
	for n, t := range tokens {
		copy(x[n*D:(n+1)*D], m.Embed.W[t*D:(t+1)*D])
	}
	pos := func(n int) int { return n % T }
	for li, l := range m.Layers {
		var drop *dropout
		if opts.Train {
			drop = &dropout{rng: rand.New(rand.NewPCG(opts.Seed, uint64(li)))}
		}
		a, out := m.layerForward(l, x, B, T, pos, drop)
		acts.layers = append(acts.layers, a)
		x = out
	}
	acts.xf = x
	acts.rf = make([]float32, N)
	acts.xnf = make([]float32, N*D)
	rmsNorm(acts.xnf, acts.rf, x, m.Norm.W, D, cfg.RMSNormEps)
	h, R := acts.xnf, N
	if opts.Rows != nil {
		h, R = gatherRows(acts.xnf, opts.Rows, D), len(opts.Rows)
	}
	acts.Logits = make([]float32, R*cfg.VocabSize)
	matmul(false, true, R, cfg.VocabSize, D, 1, h, D, m.LMHead.W, D, 0, acts.Logits, cfg.VocabSize)
	return acts, nil
}

// layerForward runs one decoder layer on x [N, D] and returns its
// activations and its output [N, D] (x is not modified).
func (m *Model) layerForward(l *Layer, x []float32, B, T int, pos func(int) int, drop *dropout) (*layerActs, []float32) {
	cfg := m.Config
	N, D, F := B*T, cfg.HiddenSize, cfg.IntermediateSize
	s := attentionShape{B: B, T: T, Hq: cfg.NumAttentionHeads, Hkv: cfg.NumKeyValueHeads, Dh: cfg.HeadDim}
	a := &layerActs{x: x, r1: make([]float32, N), r2: make([]float32, N), xn1: make([]float32, N*D), xn2: make([]float32, N*D)}
	rmsNorm(a.xn1, a.r1, x, l.InputNorm.W, D, cfg.RMSNormEps)
	a.q, a.k, a.v = make([]float32, N*s.qDim()), make([]float32, N*s.kvDim()), make([]float32, N*s.kvDim())
	a.lin[QProj] = l.Proj[QProj].forward(a.q, a.xn1, N, drop)
	a.lin[KProj] = l.Proj[KProj].forward(a.k, a.xn1, N, drop)
	a.lin[VProj] = l.Proj[VProj].forward(a.v, a.xn1, N, drop)
	m.rope.apply(a.q, s.Hq, pos, false)
	m.rope.apply(a.k, s.Hkv, pos, false)
	a.probs = make([]float32, B*s.Hq*T*T)
	a.ao = make([]float32, N*s.qDim())
	attention(s, a.ao, a.probs, a.q, a.k, a.v)
	a.x2 = make([]float32, N*D)
	a.lin[OProj] = l.Proj[OProj].forward(a.x2, a.ao, N, drop)
	for i, v := range x {
		a.x2[i] += v
	}
	rmsNorm(a.xn2, a.r2, a.x2, l.PostNorm.W, D, cfg.RMSNormEps)
	a.gate, a.up, a.act = make([]float32, N*F), make([]float32, N*F), make([]float32, N*F)
	a.lin[GateProj] = l.Proj[GateProj].forward(a.gate, a.xn2, N, drop)
	a.lin[UpProj] = l.Proj[UpProj].forward(a.up, a.xn2, N, drop)
	swiGLU(a.act, a.gate, a.up)
	out := make([]float32, N*D)
	a.lin[DownProj] = l.Proj[DownProj].forward(out, a.act, N, drop)
	for i, v := range a.x2 {
		out[i] += v
	}
	return a, out
}

// gatherRows returns the rows of x [N, D] at rows, as a [len(rows), D] matrix.
func gatherRows(x []float32, rows []int, D int) []float32 {
	out := make([]float32, len(rows)*D)
	for i, r := range rows {
		copy(out[i*D:(i+1)*D], x[r*D:(r+1)*D])
	}
	return out
}
