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
	ar := &arena{}
	defer ar.release()
	if c := cfg.finalSoftcap(); c > 0 {
		// logits = c·tanh(z/c): dz = dlogits·(1 − (logits/c)²).
		capped := ar.floats(len(dlogits))
		for i, l := range acts.Logits {
			th := l / c
			capped[i] = dlogits[i] * (1 - th*th)
		}
		dlogits = capped
	}
	dxnf := ar.floats(N * D)
	if acts.Rows == nil {
		mulW(N, dlogits, m.LMHead, 0, dxnf)
		if m.LMHead.G != nil {
			matmul(true, false, V, D, N, 1, dlogits, V, acts.xnf, D, 1, m.LMHead.G, D)
		}
	} else if R > 0 {
		dh := ar.floats(R * D)
		mulW(R, dlogits, m.LMHead, 0, dh)
		for i, r := range acts.Rows {
			copy(dxnf[r*D:(r+1)*D], dh[i*D:(i+1)*D])
		}
		if m.LMHead.G != nil {
			matmul(true, false, V, D, R, 1, dlogits, V, gatherRows(acts.xnf, acts.Rows, D, ar), D, 1, m.LMHead.G, D)
		}
	}
	dx := ar.floats(N * D)
	m.normBackward(dx, dxnf, acts.xf, acts.rf, m.Norm, D)
	for li := len(m.Layers) - 1; li >= 0; li-- {
		m.layerBackward(li, acts.layers[li], dx, B, T)
	}
	if m.Embed.G != nil {
		sc := cfg.embedScale()
		for n, t := range acts.Tokens {
			g := m.Embed.G[t*D : (t+1)*D]
			for i, v := range dx[n*D : (n+1)*D] {
				g[i] += v * sc
			}
		}
	}
	return nil
}

// layerBackward turns dx [N, D], the gradient of layer li's output, into
// the gradient of its input, in place, accumulating parameter gradients.
func (m *Model) layerBackward(li int, a *layerActs, dx []float32, B, T int) {
	l, cfg := m.Layers[li], m.Config
	N, D := B*T, cfg.HiddenSize
	s := m.attnShape(li, B, T)
	pos := func(n int) int { return n % T }
	ar := &arena{}
	defer ar.release()

	// MLP: out = x2 + [norm](down(f(gate(xn2)) ⊙ up(xn2))); dx already holds d(x2) from the residual.
	dxn := ar.floats(N * D)
	m.mlpBackward(l, a, dxn, m.residualBackward(l.MLPOutNorm, dx, a.mo, a.rmo, ar), N, ar)
	m.normBackward(dx, dxn, a.x2, a.r2, l.PostNorm, D)

	// Attention: x2 = x + [norm](o(attn(rope(q(xn1)), rope(k(xn1)), v(xn1)))).
	dao := ar.floats(N * s.qDim())
	l.Proj[OProj].backward(dao, m.residualBackward(l.AttnOutNorm, dx, a.o, a.ro, ar), a.lin[OProj], N, ar)
	dq, dk, dv := ar.scratch(N*s.qDim()), ar.floats(N*s.kvDim()), ar.floats(N*s.kvDim())
	attentionBackward(s, dq, dk, dv, dao, a.probs, a.q, a.k, a.v, ar)
	clear(dxn)
	m.attnInputsBackward(l, a, dxn, dq, dk, dv, N, pos, ar)
	m.normBackward(dx, dxn, a.x, a.r1, l.InputNorm, D)
}
