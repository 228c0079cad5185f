package lm

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/sqlforge/sqlforge/internal/lm/vecmath"
)

// matmul computes c = alpha·op(a)·op(b) + beta·c through blas32.Gemm, where
// op(a) is [m, k], op(b) is [k, n] and c is [m, n], all row-major with the
// given leading dimensions (strides), so heads can be addressed in place.
func matmul(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ga := blas32.General{Rows: m, Cols: k, Stride: lda, Data: a}
	ta := blas.NoTrans
	if transA {
		ga.Rows, ga.Cols, ta = k, m, blas.Trans
	}
	gb := blas32.General{Rows: k, Cols: n, Stride: ldb, Data: b}
	tb := blas.NoTrans
	if transB {
		gb.Rows, gb.Cols, tb = n, k, blas.Trans
	}
	blas32.Gemm(ta, tb, alpha, ga, gb, beta, blas32.General{Rows: m, Cols: n, Stride: ldc, Data: c})
}

// normChunk is the number of rows an RMSNorm hands to one goroutine, and
// eltChunk the values an elementwise function does: fixed, so that the
// weight gradient's partial sums (one per chunk, added in order) do not
// depend on the number of cores.
const (
	normChunk = 64
	eltChunk  = 1 << 15
)

// rmsNorm computes y[n,:] = w ⊙ x[n,:] · r[n] with r[n] = 1/sqrt(mean(x[n,:]²)+eps),
// for x, y [N, D] and w [D]; it stores r [N] for the backward pass.
func rmsNorm(y, r, x, w []float32, D int, eps float64) {
	N := len(x) / D
	parallel((N+normChunk-1)/normChunk, func(_, c int) {
		for n := c * normChunk; n < min((c+1)*normChunk, N); n++ {
			row := x[n*D : (n+1)*D]
			var ss float64
			for _, v := range row {
				ss += float64(v) * float64(v)
			}
			inv := float32(1 / math.Sqrt(ss/float64(D)+eps))
			r[n] = inv
			out := y[n*D : (n+1)*D]
			for i, v := range row {
				out[i] = w[i] * (v * inv)
			}
		}
	})
}

// rmsNormBackward adds to dx [N, D] the gradient through rmsNorm given dy
// [N, D], and to dw [D] (when not nil) the weight's gradient:
// dx = r·(dy⊙w) − x·r³/D·Σ(dy⊙w⊙x), dw = Σₙ dy⊙x·r.
func rmsNormBackward(dx, dw, dy, x, r, w []float32, D int) {
	N := len(x) / D
	chunks := (N + normChunk - 1) / normChunk
	var part []float32 // [chunks, D] partial sums of dw
	if dw != nil {
		part = make([]float32, chunks*D)
	}
	parallel(chunks, func(_, c int) {
		for n := c * normChunk; n < min((c+1)*normChunk, N); n++ {
			xr, g := x[n*D:(n+1)*D], dy[n*D:(n+1)*D]
			inv := float64(r[n])
			var s float64
			for i := range xr {
				s += float64(g[i]) * float64(w[i]) * float64(xr[i])
			}
			k := float32(s * inv * inv * inv / float64(D))
			out := dx[n*D : (n+1)*D]
			for i := range xr {
				out[i] += float32(inv)*g[i]*w[i] - xr[i]*k
			}
			if part != nil {
				pw := part[c*D : (c+1)*D]
				for i := range xr {
					pw[i] += g[i] * xr[i] * float32(inv)
				}
			}
		}
	})
	for c := 0; c < len(part)/max(D, 1); c++ {
		for i, v := range part[c*D : (c+1)*D] {
			dw[i] += v
		}
	}
}

// swiGLU computes act = silu(gate) ⊙ up elementwise ([N, F]), chunks on
// the cores.
func swiGLU(act, gate, up []float32) {
	parallel((len(gate)+eltChunk-1)/eltChunk, func(_, c int) {
		lo, hi := c*eltChunk, min((c+1)*eltChunk, len(gate))
		vecmath.SwiGLU(act[lo:hi], gate[lo:hi], up[lo:hi])
	})
}

// swiGLUBackward computes dgate and dup from dact ([N, F]), using
// silu'(g) = σ(g)·(1 + g·(1−σ(g))).
func swiGLUBackward(dgate, dup, dact, gate, up []float32) {
	parallel((len(gate)+eltChunk-1)/eltChunk, func(_, c int) {
		lo, hi := c*eltChunk, min((c+1)*eltChunk, len(gate))
		vecmath.SwiGLUBackward(dgate[lo:hi], dup[lo:hi], dact[lo:hi], gate[lo:hi], up[lo:hi])
	})
}

// apply rotates x [N, H·Dh] in place, row n at position pos(n), in Hugging
// Face's rotate-half layout: for i < Dh/2 the pair (x[i], x[i+Dh/2]) turns
// by the angle pos·invFreq[i]. inverse applies the transpose rotation, which
// is the backward pass.
func (r *rope) apply(x []float32, heads int, pos func(n int) int, inverse bool) {
	dh := 2 * r.half
	width := heads * dh
	N := len(x) / width
	var tab []float32
	for n := 0; n < N; n++ {
		p := pos(n)
		if len(tab) <= p*dh {
			tab = r.table(p)
		}
		cos, sin := tab[p*dh:p*dh+r.half], tab[p*dh+r.half:(p+1)*dh]
		for h := 0; h < heads; h++ {
			v := x[n*width+h*dh : n*width+(h+1)*dh]
			lo, hi := v[:r.half], v[r.half:dh]
			if inverse {
				for i, c := range cos {
					a, b := lo[i], hi[i]
					lo[i] = a*c + b*sin[i]
					hi[i] = b*c - a*sin[i]
				}
				continue
			}
			for i, c := range cos {
				a, b := lo[i], hi[i]
				lo[i] = a*c - b*sin[i]
				hi[i] = b*c + a*sin[i]
			}
		}
	}
}

// linearActs keeps what a Linear's backward pass needs from its forward pass.
type linearActs struct {
	x    []float32 // [N, In], the input (shared with the producer, not copied)
	mask []float32 // [N, In], LoRA dropout mask scaled by 1/(1−p); nil without dropout
	xd   []float32 // [N, In], dropped-out input to lora_A (x itself without dropout)
	h    []float32 // [N, r], xd·Aᵀ
}

// forward computes y [N, Out] = x·Wᵀ + b + scale·dropout(x)·Aᵀ·Bᵀ for x [N, In].
func (l *Linear) forward(y, x []float32, N int, drop *dropout, ar *arena) *linearActs {
	mulWT(N, x, l.W, 0, y)
	if l.B != nil {
		for n := 0; n < N; n++ {
			row := y[n*l.Out : (n+1)*l.Out]
			for i, b := range l.B.W {
				row[i] += b
			}
		}
	}
	a := &linearActs{x: x, xd: x}
	if l.LoRA != nil {
		lo := l.LoRA
		if drop != nil && lo.Dropout > 0 {
			a.mask, a.xd = drop.apply(x, lo.Dropout, ar)
		}
		a.h = ar.floats(N * lo.R)
		matmul(false, true, N, lo.R, l.In, 1, a.xd, l.In, lo.A.W, l.In, 0, a.h, lo.R)
		matmul(false, true, N, l.Out, lo.R, lo.Scale, a.h, lo.R, lo.B.W, lo.R, 1, y, l.Out)
	}
	return a
}

// backward adds to dx [N, In] the input gradient for dy [N, Out] and
// accumulates the gradients of every trainable tensor of the layer.
func (l *Linear) backward(dx, dy []float32, a *linearActs, N int, ar *arena) {
	mulW(N, dy, l.W, 1, dx)
	if l.W.G != nil {
		matmul(true, false, l.Out, l.In, N, 1, dy, l.Out, a.x, l.In, 1, l.W.G, l.In)
	}
	if l.B != nil && l.B.G != nil {
		for n := 0; n < N; n++ {
			for i, g := range dy[n*l.Out : (n+1)*l.Out] {
				l.B.G[i] += g
			}
		}
	}
	lo := l.LoRA
	if lo == nil {
		return
	}
	if lo.B.G != nil {
		matmul(true, false, l.Out, lo.R, N, lo.Scale, dy, l.Out, a.h, lo.R, 1, lo.B.G, lo.R)
	}
	dh := ar.floats(N * lo.R)
	matmul(false, false, N, lo.R, l.Out, lo.Scale, dy, l.Out, lo.B.W, lo.R, 0, dh, lo.R)
	if lo.A.G != nil {
		matmul(true, false, lo.R, l.In, N, 1, dh, lo.R, a.xd, l.In, 1, lo.A.G, l.In)
	}
	if a.mask == nil {
		matmul(false, false, N, l.In, lo.R, 1, dh, lo.R, lo.A.W, l.In, 1, dx, l.In)
		return
	}
	dxd := ar.floats(N * l.In)
	matmul(false, false, N, l.In, lo.R, 1, dh, lo.R, lo.A.W, l.In, 0, dxd, l.In)
	for i, m := range a.mask {
		dx[i] += dxd[i] * m
	}
}
