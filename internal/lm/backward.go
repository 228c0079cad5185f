package lm

import "fmt"

// Backward propagates dlogits [B·T, V] (from CrossEntropy; [len(Rows), V]
// when the forward pass had Rows) back through the
// pass that produced acts and adds the gradient of every trainable tensor to
// its Param.G. Frozen tensors get no gradient, but the gradient still flows
// through them to the LoRA matrices of earlier layers.
func (m *Model) Backward(acts *Activations, dlogits []float32) error {
	cfg := m.Config
	B, T := acts.B, acts.T
	N, D, V := B*T, cfg.HiddenSize, cfg.VocabSize
	R := N
	if acts.Rows != nil {
		R = len(acts.Rows)
	}
	if len(dlogits) != R*V {
		return fmt.Errorf("backward: %d logit gradients for %d positions × vocabulary %d", len(dlogits), R, V)
	}
	if len(acts.layers) != len(m.Layers) {
		return fmt.Errorf("backward: activations of %d layers for a model of %d", len(acts.layers), len(m.Layers))
	}
	dxnf := make([]float32, N*D)
	if acts.Rows == nil {
		matmul(false, false, N, D, V, 1, dlogits, V, m.LMHead.W, D, 0, dxnf, D)
		if m.LMHead.G != nil {
			matmul(true, false, V, D, N, 1, dlogits, V, acts.xnf, D, 1, m.LMHead.G, D)
		}
	} else if R > 0 {
		dh := make([]float32, R*D)
		matmul(false, false, R, D, V, 1, dlogits, V, m.LMHead.W, D, 0, dh, D)
		for i, r := range acts.Rows {
			copy(dxnf[r*D:(r+1)*D], dh[i*D:(i+1)*D])
		}
		if m.LMHead.G != nil {
			matmul(true, false, V, D, R, 1, dlogits, V, gatherRows(acts.xnf, acts.Rows, D), D, 1, m.LMHead.G, D)
		}
	}
	dx := make([]float32, N*D)
	rmsNormBackward(dx, m.Norm.G, dxnf, acts.xf, acts.rf, m.Norm.W, D)
	for li := len(m.Layers) - 1; li >= 0; li-- {
		m.layerBackward(m.Layers[li], acts.layers[li], dx, B, T)
	}
	if m.Embed.G != nil {
		for n, t := range acts.Tokens {
			g := m.Embed.G[t*D : (t+1)*D]
			for i, v := range dx[n*D : (n+1)*D] {
				g[i] += v
			}
		}
	}
	return nil
}

// layerBackward turns dx [N, D], the gradient of the layer's output, into
// the gradient of its input, in place, accumulating parameter gradients.
func (m *Model) layerBackward(l *Layer, a *layerActs, dx []float32, B, T int) {
	cfg := m.Config
	N, D, F := B*T, cfg.HiddenSize, cfg.IntermediateSize
	s := attentionShape{B: B, T: T, Hq: cfg.NumAttentionHeads, Hkv: cfg.NumKeyValueHeads, Dh: cfg.HeadDim}
	pos := func(n int) int { return n % T }

	// MLP: out = x2 + down(silu(gate(xn2)) ⊙ up(xn2)); dx already holds d(x2) from the residual.
	dact := make([]float32, N*F)
	l.Proj[DownProj].backward(dact, dx, a.lin[DownProj], N)
	dgate, dup := make([]float32, N*F), make([]float32, N*F)
	swiGLUBackward(dgate, dup, dact, a.gate, a.up)
	dxn := make([]float32, N*D)
	l.Proj[GateProj].backward(dxn, dgate, a.lin[GateProj], N)
	l.Proj[UpProj].backward(dxn, dup, a.lin[UpProj], N)
	rmsNormBackward(dx, l.PostNorm.G, dxn, a.x2, a.r2, l.PostNorm.W, D)

	// Attention: x2 = x + o(attn(rope(q(xn1)), rope(k(xn1)), v(xn1))).
	dao := make([]float32, N*s.qDim())
	l.Proj[OProj].backward(dao, dx, a.lin[OProj], N)
	dq, dk, dv := make([]float32, N*s.qDim()), make([]float32, N*s.kvDim()), make([]float32, N*s.kvDim())
	attentionBackward(s, dq, dk, dv, dao, a.probs, a.q, a.k, a.v)
	m.rope.apply(dq, s.Hq, pos, true)
	m.rope.apply(dk, s.Hkv, pos, true)
	clear(dxn)
	l.Proj[QProj].backward(dxn, dq, a.lin[QProj], N)
	l.Proj[KProj].backward(dxn, dk, a.lin[KProj], N)
	l.Proj[VProj].backward(dxn, dv, a.lin[VProj], N)
	rmsNormBackward(dx, l.InputNorm.G, dxn, a.x, a.r1, l.InputNorm.W, D)
}
