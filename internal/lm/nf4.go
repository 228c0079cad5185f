package lm

import (
	"fmt"
	"math"
)

// NF4 block sizes, as QLoRA and bitsandbytes use them.
const (
	nf4Block   = 64  // weights per absmax scale
	scaleBlock = 256 // scales per second-level (double quantisation) scale
)

// nf4Levels is the 4-bit NormalFloat code book of QLoRA (Dettmers et al.,
// 2023, appendix E; bitsandbytes' NF4 table): quantiles of a standard
// normal scaled to [-1, 1], with an exact zero.
var nf4Levels = [16]float32{
	-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
	-0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0,
	0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
	0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
}

// NF4 is a frozen weight matrix in 4-bit NormalFloat: each block of 64
// consecutive values (row-major) is stored as 4-bit indices into
// nf4Levels times the block's absmax. The absmax values are themselves
// double-quantised: minus their mean, as int8 with one float32 scale per
// 256 of them (QLoRA quantises them to 8-bit floats; a linear 8-bit code is
// used here). About 4.13 bits per weight.
type NF4 struct {
	Rows, Cols int
	codes      []byte    // two indices per byte, low nibble first
	scales     []int8    // absmax per block of 64, quantised
	scaleScale []float32 // one per 256 scales
	scaleMean  float32
}

// QuantizeNF4 quantises w [rows, cols].
func QuantizeNF4(w []float32, rows, cols int) *NF4 {
	n := rows * cols
	nb := (n + nf4Block - 1) / nf4Block
	q := &NF4{Rows: rows, Cols: cols, codes: make([]byte, (n+1)/2), scales: make([]int8, nb),
		scaleScale: make([]float32, (nb+scaleBlock-1)/scaleBlock)}
	absmax := make([]float32, nb)
	var sum float64
	for b := range absmax {
		for _, v := range w[b*nf4Block : min((b+1)*nf4Block, n)] {
			absmax[b] = max(absmax[b], float32(math.Abs(float64(v))))
		}
		sum += float64(absmax[b])
	}
	q.scaleMean = float32(sum / float64(nb))
	for s := range q.scaleScale {
		var amax float32
		blocks := absmax[s*scaleBlock : min((s+1)*scaleBlock, nb)]
		for _, a := range blocks {
			amax = max(amax, float32(math.Abs(float64(a-q.scaleMean))))
		}
		q.scaleScale[s] = amax / 127
		for i, a := range blocks {
			if amax > 0 {
				q.scales[s*scaleBlock+i] = int8(math.Round(float64((a - q.scaleMean) / amax * 127)))
			}
		}
	}
	for b := 0; b < nb; b++ {
		scale := q.absmax(b)
		for i := b * nf4Block; i < min((b+1)*nf4Block, n); i++ {
			x := float32(0)
			if scale > 0 {
				x = w[i] / scale
			}
			q.codes[i/2] |= nearestNF4(x) << (4 * (i % 2))
		}
	}
	return q
}

// absmax is block b's dequantised scale.
func (q *NF4) absmax(b int) float32 {
	return float32(q.scales[b])*q.scaleScale[b/scaleBlock] + q.scaleMean
}

// nearestNF4 is the index of the code-book level closest to x in [-1, 1].
func nearestNF4(x float32) byte {
	best, bd := 0, float32(math.Inf(1))
	for i, l := range nf4Levels {
		if d := float32(math.Abs(float64(x - l))); d < bd {
			best, bd = i, d
		}
	}
	return byte(best)
}

// dequantRows writes rows [r0, r1) to dst [(r1−r0)·Cols].
func (q *NF4) dequantRows(dst []float32, r0, r1 int) {
	lo, hi := r0*q.Cols, r1*q.Cols
	for i := lo; i < hi; {
		b := i / nf4Block
		scale := q.absmax(b)
		end := min((b+1)*nf4Block, hi)
		for ; i < end; i++ {
			dst[i-lo] = nf4Levels[(q.codes[i/2]>>(4*(i%2)))&0xF] * scale
		}
	}
}

// Bytes is the memory the quantised matrix takes.
func (q *NF4) Bytes() int { return len(q.codes) + len(q.scales) + 4*len(q.scaleScale) + 4 }

// Values returns the parameter's values: W, or the NF4 matrix dequantised.
func (p *Param) Values() []float32 {
	if p.Q == nil {
		return p.W
	}
	out := make([]float32, p.Q.Rows*p.Q.Cols)
	p.Q.dequantRows(out, 0, p.Q.Rows)
	return out
}

// row copies row r of the [rows, cols] parameter into dst.
func (p *Param) row(dst []float32, r int) {
	if p.Q == nil {
		cols := len(dst)
		copy(dst, p.W[r*cols:(r+1)*cols])
		return
	}
	p.Q.dequantRows(dst, r, r+1)
}

// QuantizeNF4 stores every frozen matrix of the base model (projections,
// embeddings, lm_head) in NF4, for QLoRA: LoRA adapters train in float32
// over the 4-bit base, which is dequantised block by block inside each
// matrix product. Trainable matrices are refused. It returns the base
// model's weight bytes before and after.
func (m *Model) QuantizeNF4() (before, after int, err error) {
	before = m.WeightBytes()
	for _, p := range m.Params() {
		if len(p.Shape) != 2 || p.Q != nil {
			continue
		}
		if p.G != nil {
			return 0, 0, fmt.Errorf("quantizing to nf4: %s is trainable (QLoRA keeps the base frozen)", p.Name)
		}
		p.Q, p.W = QuantizeNF4(p.W, p.Shape[0], p.Shape[1]), nil
	}
	return before, m.WeightBytes(), nil
}

// WeightBytes is the memory the base model's weights take (float32 or NF4).
func (m *Model) WeightBytes() int {
	n := 0
	for _, p := range m.Params() {
		if p.Q != nil {
			n += p.Q.Bytes()
		} else {
			n += 4 * len(p.W)
		}
	}
	return n
}

// dequantChunk is how many values of an NF4 matrix a product dequantises
// at a time (a variable so that tests can make products take many chunks).
var dequantChunk = 1 << 16

// mulWT computes y [N, rows] = x [N, cols]·Wᵀ + beta·y for a weight
// [rows, cols], dequantising NF4 storage in chunks of rows.
func mulWT(N int, x []float32, w *Param, beta float32, y []float32) {
	rows, cols := w.Shape[0], w.Shape[1]
	if w.Q == nil {
		matmul(false, true, N, rows, cols, 1, x, cols, w.W, cols, beta, y, rows)
		return
	}
	dequantChunks(w, func(buf []float32, r0, r1 int) {
		matmul(false, true, N, r1-r0, cols, 1, x, cols, buf, cols, beta, y[r0:], rows)
	})
}

// mulW computes dx [N, cols] = dy [N, rows]·W + beta·dx for a weight
// [rows, cols], dequantising NF4 storage in chunks of rows.
func mulW(N int, dy []float32, w *Param, beta float32, dx []float32) {
	rows, cols := w.Shape[0], w.Shape[1]
	if w.Q == nil {
		matmul(false, false, N, cols, rows, 1, dy, rows, w.W, cols, beta, dx, cols)
		return
	}
	dequantChunks(w, func(buf []float32, r0, r1 int) {
		matmul(false, false, N, cols, r1-r0, 1, dy[r0:], rows, buf, cols, beta, dx, cols)
		beta = 1
	})
}

// dequantChunks calls f with rows [r0, r1) of the NF4 weight w dequantised into buf
// (row-major, cols wide), chunk after chunk of about dequantChunk values, in order.
func dequantChunks(w *Param, f func(buf []float32, r0, r1 int)) {
	rows, cols := w.Shape[0], w.Shape[1]
	step := max(1, dequantChunk/cols)
	buf := make([]float32, min(step, rows)*cols)
	for r0 := 0; r0 < rows; r0 += step {
		r1 := min(r0+step, rows)
		w.Q.dequantRows(buf, r0, r1)
		f(buf, r0, r1)
	}
}
