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
func (m *Model) residual(p *Param, x, y []float32) (out, raw, r []float32) {
	if p == nil {
		for i, v := range x {
			y[i] += v
		}
		return y, nil, nil
	}
	D := m.Config.HiddenSize
	r, out = make([]float32, len(y)/D), make([]float32, len(y))
	m.norm(out, r, y, p, D)
	for i, v := range x {
		out[i] += v
	}
	return out, y, r
}

// residualBackward returns the gradient of a block's output y given dout,
// the gradient of the residual sum: dout itself, or its path back through
// the output norm.
func (m *Model) residualBackward(p *Param, dout, raw, r []float32) []float32 {
	if p == nil {
		return dout
	}
	dy := make([]float32, len(dout))
	m.normBackward(dy, dout, raw, r, p, m.Config.HiddenSize)
	return dy
}

// attnInputs computes a.q [N, Hq·Dh] and a.k, a.v [N, Hkv·Dh] from the
// normalised input xn [N, D]: the projections (fused for Phi-3), the head
// norms (Qwen3) and the rotary embedding of q and k at pos(n).
func (m *Model) attnInputs(l *Layer, a *layerActs, xn []float32, N int, pos func(int) int, drop *dropout) {
	cfg := m.Config
	qd, kvd := cfg.QDim(), cfg.KVDim()
	if fused := l.Proj[QKVProj]; fused != nil {
		qkv := make([]float32, N*(qd+2*kvd))
		a.lin[QKVProj] = fused.forward(qkv, xn, N, drop)
		parts := splitCols(qkv, N, qd, kvd, kvd)
		a.q, a.k, a.v = parts[0], parts[1], parts[2]
	} else {
		a.q, a.k, a.v = make([]float32, N*qd), make([]float32, N*kvd), make([]float32, N*kvd)
		a.lin[QProj] = l.Proj[QProj].forward(a.q, xn, N, drop)
		a.lin[KProj] = l.Proj[KProj].forward(a.k, xn, N, drop)
		a.lin[VProj] = l.Proj[VProj].forward(a.v, xn, N, drop)
	}
	if l.QNorm != nil {
		a.qr, a.kr = a.q, a.k
		a.q, a.k = make([]float32, N*qd), make([]float32, N*kvd)
		a.rq, a.rk = make([]float32, N*cfg.NumAttentionHeads), make([]float32, N*cfg.NumKeyValueHeads)
		m.norm(a.q, a.rq, a.qr, l.QNorm, cfg.HeadDim)
		m.norm(a.k, a.rk, a.kr, l.KNorm, cfg.HeadDim)
	}
	m.rope.apply(a.q, cfg.NumAttentionHeads, pos, false)
	m.rope.apply(a.k, cfg.NumKeyValueHeads, pos, false)
}

// attnInputsBackward adds to dxn [N, D] the gradient through attnInputs
// given dq, dk and dv (dq and dk are modified).
func (m *Model) attnInputsBackward(l *Layer, a *layerActs, dxn, dq, dk, dv []float32, N int, pos func(int) int) {
	cfg := m.Config
	m.rope.apply(dq, cfg.NumAttentionHeads, pos, true)
	m.rope.apply(dk, cfg.NumKeyValueHeads, pos, true)
	if l.QNorm != nil {
		dqr, dkr := make([]float32, len(dq)), make([]float32, len(dk))
		m.normBackward(dqr, dq, a.qr, a.rq, l.QNorm, cfg.HeadDim)
		m.normBackward(dkr, dk, a.kr, a.rk, l.KNorm, cfg.HeadDim)
		dq, dk = dqr, dkr
	}
	if fused := l.Proj[QKVProj]; fused != nil {
		qd, kvd := cfg.QDim(), cfg.KVDim()
		fused.backward(dxn, joinCols(N, [][]float32{dq, dk, dv}, qd, kvd, kvd), a.lin[QKVProj], N)
		return
	}
	l.Proj[QProj].backward(dxn, dq, a.lin[QProj], N)
	l.Proj[KProj].backward(dxn, dk, a.lin[KProj], N)
	l.Proj[VProj].backward(dxn, dv, a.lin[VProj], N)
}

// mlpForward writes to out [N, D] the gated MLP of xn [N, D]:
// down(f(gate(xn)) ⊙ up(xn)), with gate and up fused for Phi-3.
func (m *Model) mlpForward(l *Layer, a *layerActs, out, xn []float32, N int, drop *dropout) {
	F := m.Config.IntermediateSize
	if fused := l.Proj[GateUpProj]; fused != nil {
		gu := make([]float32, N*2*F)
		a.lin[GateUpProj] = fused.forward(gu, xn, N, drop)
		parts := splitCols(gu, N, F, F)
		a.gate, a.up = parts[0], parts[1]
	} else {
		a.gate, a.up = make([]float32, N*F), make([]float32, N*F)
		a.lin[GateProj] = l.Proj[GateProj].forward(a.gate, xn, N, drop)
		a.lin[UpProj] = l.Proj[UpProj].forward(a.up, xn, N, drop)
	}
	a.act = make([]float32, N*F)
	glu(m.Config.act(), a.act, a.gate, a.up)
	a.lin[DownProj] = l.Proj[DownProj].forward(out, a.act, N, drop)
}

// mlpBackward adds to dxn [N, D] the gradient through mlpForward given
// dy [N, D], the gradient of its output.
func (m *Model) mlpBackward(l *Layer, a *layerActs, dxn, dy []float32, N int) {
	F := m.Config.IntermediateSize
	dact := make([]float32, N*F)
	l.Proj[DownProj].backward(dact, dy, a.lin[DownProj], N)
	dgate, dup := make([]float32, N*F), make([]float32, N*F)
	gluBackward(m.Config.act(), dgate, dup, dact, a.gate, a.up)
	if fused := l.Proj[GateUpProj]; fused != nil {
		fused.backward(dxn, joinCols(N, [][]float32{dgate, dup}, F, F), a.lin[GateUpProj], N)
		return
	}
	l.Proj[GateProj].backward(dxn, dgate, a.lin[GateProj], N)
	l.Proj[UpProj].backward(dxn, dup, a.lin[UpProj], N)
}

// splitCols splits x [N, Σwidths] into one [N, width] matrix per width.
func splitCols(x []float32, N int, widths ...int) [][]float32 {
	total := 0
	for _, w := range widths {
		total += w
	}
	out := make([][]float32, len(widths))
	off := 0
	for i, w := range widths {
		out[i] = make([]float32, N*w)
		for n := 0; n < N; n++ {
			copy(out[i][n*w:(n+1)*w], x[n*total+off:n*total+off+w])
		}
		off += w
	}
	return out
}

// joinCols is splitCols' inverse: parts[i] [N, widths[i]] side by side.
func joinCols(N int, parts [][]float32, widths ...int) []float32 {
	total := 0
	for _, w := range widths {
		total += w
	}
	out := make([]float32, N*total)
	off := 0
	for i, w := range widths {
		for n := 0; n < N; n++ {
			copy(out[n*total+off:n*total+off+w], parts[i][n*w:(n+1)*w])
		}
		off += w
	}
	return out
}
