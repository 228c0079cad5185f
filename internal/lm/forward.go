package lm

import (
	"fmt"
	"math"
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
	qr, kr   []float32 // [N, Hq·Dh], [N, Hkv·Dh] q and k before their head norms (Qwen3)
	rq, rk   []float32 // [N·Hq], [N·Hkv] inverse RMS of each head (Qwen3)
	probs    []float32 // [B, Hq, T, T] attention probabilities
	ao       []float32 // [N, Hq·Dh] attention output, input of o_proj
	o        []float32 // [N, D] o_proj's output before its norm (Gemma-2)
	ro       []float32 // [N] its inverse RMS (Gemma-2)
	x2       []float32 // [N, D] residual stream after attention
	gate, up []float32 // [N, F]
	act      []float32 // [N, F] f(gate)⊙up, input of down_proj
	mo       []float32 // [N, D] down_proj's output before its norm (Gemma-2)
	rmo      []float32 // [N] its inverse RMS (Gemma-2)
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
	arena  *arena    // where the buffers above came from
}

// Release gives the pass's buffers (Logits included) back for later passes
// to reuse; neither acts nor its Logits may be used afterwards. Training
// loops call it after Backward: a step then allocates no fresh memory.
func (acts *Activations) Release() {
	acts.arena.release()
	acts.Logits, acts.layers, acts.xf, acts.rf, acts.xnf = nil, nil, nil, nil, nil
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
	ar := &arena{}
	acts := &Activations{B: B, T: T, Tokens: tokens, Rows: opts.Rows, arena: ar}
	x := m.embed(tokens, ar)
	pos := func(n int) int { return n % T }
	for li := range m.Layers {
		var drop *dropout
		if opts.Train {
			drop = &dropout{rng: rand.New(rand.NewPCG(opts.Seed, uint64(li)))}
		}
		a, out := m.layerForward(li, x, B, T, pos, drop, ar)
		acts.layers = append(acts.layers, a)
		x = out
	}
	acts.xf = x
	acts.rf = ar.scratch(N)
	acts.xnf = ar.scratch(N * D)
	m.norm(acts.xnf, acts.rf, x, m.Norm, D)
	h, R := acts.xnf, N
	if opts.Rows != nil {
		h, R = gatherRows(acts.xnf, opts.Rows, D, ar), len(opts.Rows)
	}
	acts.Logits = m.logits(h, R, ar)
	return acts, nil
}

// embed returns the embedding rows of tokens [N] as x [N, D], scaled by
// √D for Gemma.
func (m *Model) embed(tokens []int, ar *arena) []float32 {
	D := m.Config.HiddenSize
	x := ar.scratch(len(tokens) * D)
	for n, t := range tokens {
		m.Embed.row(x[n*D:(n+1)*D], t)
	}
	if sc := m.Config.embedScale(); sc != 1 {
		for i := range x {
			x[i] *= sc
		}
	}
	return x
}

// logits projects the final hidden states h [R, D] onto the vocabulary,
// soft-capping them for Gemma-2, and returns [R, V].
func (m *Model) logits(h []float32, R int, ar *arena) []float32 {
	V := m.Config.VocabSize
	out := ar.scratch(R * V)
	mulWT(R, h, m.LMHead, 0, out)
	if c := m.Config.finalSoftcap(); c > 0 {
		for i, v := range out {
			out[i] = c * float32(math.Tanh(float64(v/c)))
		}
	}
	return out
}

// layerForward runs decoder layer li on x [N, D] and returns its
// activations and its output [N, D] (x is not modified).
func (m *Model) layerForward(li int, x []float32, B, T int, pos func(int) int, drop *dropout, ar *arena) (*layerActs, []float32) {
	l, cfg := m.Layers[li], m.Config
	N, D := B*T, cfg.HiddenSize
	s := m.attnShape(li, B, T)
	// Every buffer here is written in full before it is read: scratch.
	a := &layerActs{x: x, r1: ar.scratch(N), r2: ar.scratch(N), xn1: ar.scratch(N * D), xn2: ar.scratch(N * D)}
	m.norm(a.xn1, a.r1, x, l.InputNorm, D)
	m.attnInputs(l, a, a.xn1, N, pos, drop, ar)
	a.probs = ar.scratch(B * s.Hq * T * T)
	a.ao = ar.scratch(N * s.qDim())
	attention(s, a.ao, a.probs, a.q, a.k, a.v)
	a.x2 = ar.scratch(N * D)
	a.lin[OProj] = l.Proj[OProj].forward(a.x2, a.ao, N, drop, ar)
	a.x2, a.o, a.ro = m.residual(l.AttnOutNorm, x, a.x2, ar)
	m.norm(a.xn2, a.r2, a.x2, l.PostNorm, D)
	out := ar.scratch(N * D)
	m.mlpForward(l, a, out, a.xn2, N, drop, ar)
	out, a.mo, a.rmo = m.residual(l.MLPOutNorm, a.x2, out, ar)
	return a, out
}

// gatherRows returns the rows of x [N, D] at rows, as a [len(rows), D] matrix.
func gatherRows(x []float32, rows []int, D int, ar *arena) []float32 {
	out := ar.floats(len(rows) * D)
	for i, r := range rows {
		copy(out[i*D:(i+1)*D], x[r*D:(r+1)*D])
	}
	return out
}
