package lm

// The pieces of a decoder layer shared by the batched forward pass, its
// backward pass and the cached decoding step, with the architecture
// variants (arch.go) decided here rather than at each call site.

// normW returns the multiplier of an RMSNorm weight: p.W, or 1+p.W for
// Gemma (whose gradient is the same as p.W's).
func (m *Model) normW(p *Param) []float32 {
	if !m.Config.gemmaNorm() {
		return p.W
	}
	w := make([]float32, len(p.W))
	for i, v := range p.W {
		w[i] = 1 + v
	}
	return w
}

// norm RMS-normalises the rows of width D of x into y with weight p,
// storing each row's inverse RMS in r.
func (m *Model) norm(y, r, x []float32, p *Param, D int) {
	rmsNorm(y, r, x, m.normW(p), D, m.Config.RMSNormEps)
}

// normBackward adds to dx the gradient through norm given dy, and to
// p.G (when trainable) the weight's gradient.
func (m *Model) normBackward(dx, dy, x, r []float32, p *Param, D int) {
	rmsNormBackward(dx, p.G, dy, x, r, m.normW(p), D)
}

// residual adds a block's output y [N, D] to the residual stream x: x + y
// (computed in place in y, which is returned), or x + norm(y) when the
// block's output is normalised (Gemma-2), returning the sum, y and the
// inverse RMS of each row.
func (m *Model) residual(p *Param, x, y []float32, ar *arena) (out, raw, r []float32) {
	if p == nil {
		for i, v := range x {
			y[i] += v
		}
		return y, nil, nil
	}
	D := m.Config.HiddenSize
	r, out = ar.floats(len(y)/D), ar.floats(len(y))
	m.norm(out, r, y, p, D)
	for i, v := range x {
		out[i] += v
	}
	return out, y, r
}

// residualBackward returns the gradient of a block's output y given dout,
// the gradient of the residual sum: dout itself, or its path back through
// the output norm.
func (m *Model) residualBackward(p *Param, dout, raw, r []float32, ar *arena) []float32 {
	if p == nil {
		return dout
	}
	dy := ar.floats(len(dout))
	m.normBackward(dy, dout, raw, r, p, m.Config.HiddenSize)
	return dy
}

// attnInputs computes a.q [N, Hq·Dh] and a.k, a.v [N, Hkv·Dh] from the
// normalised input xn [N, D]: the projections (fused for Phi-3), the head
// norms (Qwen3) and the rotary embedding of q and k at pos(n).
func (m *Model) attnInputs(l *Layer, a *layerActs, xn []float32, N int, pos func(int) int, drop *dropout, ar *arena) {
	cfg := m.Config
	qd, kvd := cfg.QDim(), cfg.KVDim()
	if fused := l.Proj[QKVProj]; fused != nil {
		qkv := ar.floats(N * (qd + 2*kvd))
		a.lin[QKVProj] = fused.forward(qkv, xn, N, drop, ar)
		parts := splitCols(qkv, N, ar, qd, kvd, kvd)
		a.q, a.k, a.v = parts[0], parts[1], parts[2]
	} else {
		a.q, a.k, a.v = ar.scratch(N*qd), ar.scratch(N*kvd), ar.scratch(N*kvd)
		a.lin[QProj] = l.Proj[QProj].forward(a.q, xn, N, drop, ar)
		a.lin[KProj] = l.Proj[KProj].forward(a.k, xn, N, drop, ar)
		a.lin[VProj] = l.Proj[VProj].forward(a.v, xn, N, drop, ar)
	}
	if l.QNorm != nil {
		a.qr, a.kr = a.q, a.k
		a.q, a.k = ar.floats(N*qd), ar.floats(N*kvd)
		a.rq, a.rk = ar.floats(N*cfg.NumAttentionHeads), ar.floats(N*cfg.NumKeyValueHeads)
		m.norm(a.q, a.rq, a.qr, l.QNorm, cfg.HeadDim)
		m.norm(a.k, a.rk, a.kr, l.KNorm, cfg.HeadDim)
	}
	m.rope.apply(a.q, cfg.NumAttentionHeads, pos, false)
	m.rope.apply(a.k, cfg.NumKeyValueHeads, pos, false)
}

// attnInputsBackward adds to dxn [N, D] the gradient through attnInputs
// given dq, dk and dv (dq and dk are modified).
func (m *Model) attnInputsBackward(l *Layer, a *layerActs, dxn, dq, dk, dv []float32, N int, pos func(int) int, ar *arena) {
	cfg := m.Config
	m.rope.apply(dq, cfg.NumAttentionHeads, pos, true)
	m.rope.apply(dk, cfg.NumKeyValueHeads, pos, true)
	if l.QNorm != nil {
		dqr, dkr := ar.floats(len(dq)), ar.floats(len(dk))
		m.normBackward(dqr, dq, a.qr, a.rq, l.QNorm, cfg.HeadDim)
		m.normBackward(dkr, dk, a.kr, a.rk, l.KNorm, cfg.HeadDim)
		dq, dk = dqr, dkr
	}
	if fused := l.Proj[QKVProj]; fused != nil {
		qd, kvd := cfg.QDim(), cfg.KVDim()
		fused.backward(dxn, joinCols(N, ar, [][]float32{dq, dk, dv}, qd, kvd, kvd), a.lin[QKVProj], N, ar)
		return
	}
	l.Proj[QProj].backward(dxn, dq, a.lin[QProj], N, ar)
	l.Proj[KProj].backward(dxn, dk, a.lin[KProj], N, ar)
	l.Proj[VProj].backward(dxn, dv, a.lin[VProj], N, ar)
}

// mlpForward writes to out [N, D] the gated MLP of xn [N, D]:
// down(f(gate(xn)) ⊙ up(xn)), with gate and up fused for Phi-3.
func (m *Model) mlpForward(l *Layer, a *layerActs, out, xn []float32, N int, drop *dropout, ar *arena) {
	F := m.Config.IntermediateSize
	if fused := l.Proj[GateUpProj]; fused != nil {
		gu := ar.floats(N * 2 * F)
		a.lin[GateUpProj] = fused.forward(gu, xn, N, drop, ar)
		parts := splitCols(gu, N, ar, F, F)
		a.gate, a.up = parts[0], parts[1]
	} else {
		a.gate, a.up = ar.scratch(N*F), ar.scratch(N*F)
		a.lin[GateProj] = l.Proj[GateProj].forward(a.gate, xn, N, drop, ar)
		a.lin[UpProj] = l.Proj[UpProj].forward(a.up, xn, N, drop, ar)
	}
	a.act = ar.scratch(N * F)
	glu(m.Config.act(), a.act, a.gate, a.up)
	a.lin[DownProj] = l.Proj[DownProj].forward(out, a.act, N, drop, ar)
}

// mlpBackward adds to dxn [N, D] the gradient through mlpForward given
// dy [N, D], the gradient of its output.
func (m *Model) mlpBackward(l *Layer, a *layerActs, dxn, dy []float32, N int, ar *arena) {
	F := m.Config.IntermediateSize
	dact := ar.floats(N * F)
	l.Proj[DownProj].backward(dact, dy, a.lin[DownProj], N, ar)
	dgate, dup := ar.scratch(N*F), ar.scratch(N*F)
	gluBackward(m.Config.act(), dgate, dup, dact, a.gate, a.up)
	if fused := l.Proj[GateUpProj]; fused != nil {
		fused.backward(dxn, joinCols(N, ar, [][]float32{dgate, dup}, F, F), a.lin[GateUpProj], N, ar)
		return
	}
	l.Proj[GateProj].backward(dxn, dgate, a.lin[GateProj], N, ar)
	l.Proj[UpProj].backward(dxn, dup, a.lin[UpProj], N, ar)
}

// splitCols splits x [N, Σwidths] into one [N, width] matrix per width.
func splitCols(x []float32, N int, ar *arena, widths ...int) [][]float32 {
	total := 0
	for _, w := range widths {
		total += w
	}
	out := make([][]float32, len(widths))
	off := 0
	for i, w := range widths {
		out[i] = ar.floats(N * w)
		for n := 0; n < N; n++ {
			copy(out[i][n*w:(n+1)*w], x[n*total+off:n*total+off+w])
		}
		off += w
	}
	return out
}

// joinCols is splitCols' inverse: parts[i] [N, widths[i]] side by side.
func joinCols(N int, ar *arena, parts [][]float32, widths ...int) []float32 {
	total := 0
	for _, w := range widths {
		total += w
	}
	out := ar.floats(N * total)
	off := 0
	for i, w := range widths {
		for n := 0; n < N; n++ {
			copy(out[n*total+off:n*total+off+w], parts[i][n*w:(n+1)*w])
		}
		off += w
	}
	return out
}
