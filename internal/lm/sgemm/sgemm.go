// Package sgemm is a single-precision matrix multiply for row-major
// matrices, written for the model's shapes (a few hundred to a few thousand
// rows and columns): BLIS-style packing of A into panels of 6 rows and B into
// panels of 16 (AVX2) or 32 (AVX-512) columns, an assembly micro-kernel that
// keeps a 6×16 or 6×32 block of C in registers, and the rows of C split
// between the cores when the product is large enough to pay for it.
//
// Where no kernel applies (another architecture, a CPU without AVX2 and FMA,
// the purego build tag) Available is false and callers keep their fallback.
package sgemm

import (
	"os"
	"runtime"
	"sync"
)

const (
	mr = 6   // rows of a micro-tile
	kc = 256 // depth of a packed block
	mc = 96  // rows of a packed block of A (a multiple of mr)
	nc = 2048

	// parallelMACs is the product size (m·n·k multiply-adds) from which the
	// rows are split between goroutines; below it one goroutine is faster
	// (and the model already runs small per-head products in parallel).
	parallelMACs = 1 << 22
)

// kernel is a micro-kernel pair: C[mr×nr] += A·B over k steps of packed B
// (C = A·B, C not read, when add is 0), with A packed or read in place
// transposed (fn: mr consecutive values per step, then astep bytes on) or
// read in place from mr rows (rows).
type kernel struct {
	name string
	nr   int
	fn   func(k int, a, b, c *float32, ldc, astep, add int)
	rows func(k int, a *float32, lda int, b, c *float32, ldc, add int)
}

var kern kernel

// forceAVX2 selects the AVX2 kernel on an AVX-512 machine
// (SQLFORGE_SGEMM=avx2), to compare the two and to test both.
var forceAVX2 = os.Getenv("SQLFORGE_SGEMM") == "avx2"

// Available reports whether an assembly kernel runs on this machine.
func Available() bool { return kern.fn != nil && os.Getenv("SQLFORGE_SGEMM") != "off" }

// Kernel names the micro-kernel in use ("avx512", "avx2" or "").
func Kernel() string { return kern.name }

var bufPool = sync.Pool{New: func() any { return new([]float32) }}

func getBuf(n int) *[]float32 {
	p := bufPool.Get().(*[]float32)
	if cap(*p) < n {
		*p = make([]float32, n)
	}
	*p = (*p)[:n]
	return p
}

// Gemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices, where
// op(A) is m×k (A itself, or its transpose when transA: A stored k×m), op(B)
// is k×n and C is m×n, with leading dimensions lda, ldb and ldc. It panics
// when no kernel is available; check Available first.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if kern.fn == nil {
		panic("sgemm: no kernel for this machine")
	}
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	// With beta 0 the first block of k stores its product instead of
	// adding it to a cleared C: C is written once, not zeroed first.
	if beta != 0 {
		scaleC(m, n, beta, c, ldc)
	}
	nr := kern.nr
	workers := 1
	if m*n*k >= parallelMACs {
		workers = runtime.GOMAXPROCS(0)
	}
	// Rows per block: mc, or fewer so that every worker gets about two.
	mcb := mc
	if workers > 1 {
		per := (m + 2*workers - 1) / (2 * workers)
		per = (per + mr - 1) / mr * mr
		mcb = min(mc, max(mr, per))
	}
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		npan := (nb + nr - 1) / nr
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			add := 1
			if pc == 0 && beta == 0 {
				add = 0
			}
			bp := getBuf(npan * nr * kb)
			packB(*bp, b, ldb, transB, pc, jc, kb, nb, nr)
			blocks := (m + mcb - 1) / mcb
			run := func(blk int) {
				ic := blk * mcb
				mb := min(mcb, m-ic)
				if alpha == 1 {
					// Full panels of mr rows read A in place; only the
					// last, partial one is packed.
					full := mb / mr * mr
					macroDirect(a, lda, transA, *bp, c, ldc, ic, pc, jc, full, nb, kb, nr, add)
					if full == mb {
						return
					}
					ic, mb = ic+full, mb-full
				}
				ap := getBuf(((mb + mr - 1) / mr) * mr * kb)
				packA(*ap, a, lda, transA, ic, pc, mb, kb, alpha)
				macro(*ap, *bp, c, ldc, ic, jc, mb, nb, kb, nr, add)
				bufPool.Put(ap)
			}
			if workers == 1 || blocks == 1 {
				for blk := 0; blk < blocks; blk++ {
					run(blk)
				}
			} else {
				var wg sync.WaitGroup
				var mu sync.Mutex
				next := 0
				for w := 0; w < min(workers, blocks); w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							mu.Lock()
							blk := next
							next++
							mu.Unlock()
							if blk >= blocks {
								return
							}
							run(blk)
						}
					}()
				}
				wg.Wait()
			}
			bufPool.Put(bp)
		}
	}
}

// scaleC sets C = beta·C (C = 0 when beta is 0, whatever C held).
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// packA copies alpha·op(A)[ic:ic+mb, pc:pc+kb] into panels of mr rows: for
// each panel, kb groups of mr values (zero past the last row).
func packA(dst, a []float32, lda int, trans bool, ic, pc, mb, kb int, alpha float32) {
	o := 0
	for i0 := 0; i0 < mb; i0 += mr {
		rows := min(mr, mb-i0)
		pan := dst[o : o+mr*kb]
		if trans {
			for p := 0; p < kb; p++ {
				src := a[(pc+p)*lda+ic+i0 : (pc+p)*lda+ic+i0+rows]
				g := pan[p*mr : p*mr+mr]
				for r, v := range src {
					g[r] = alpha * v
				}
				clear(g[rows:])
			}
		} else {
			for r := 0; r < rows; r++ {
				src := a[(ic+i0+r)*lda+pc : (ic+i0+r)*lda+pc+kb]
				g := pan[r:]
				for p, v := range src {
					g[p*mr] = alpha * v
				}
			}
			for r := rows; r < mr; r++ {
				for p := 0; p < kb; p++ {
					pan[p*mr+r] = 0
				}
			}
		}
		o += mr * kb
	}
}

// packB copies op(B)[pc:pc+kb, jc:jc+nb] into panels of nr columns: for each
// panel, kb groups of nr values (zero past the last column).
func packB(dst, b []float32, ldb int, trans bool, pc, jc, kb, nb, nr int) {
	if trans && hasVec {
		packBT(dst, b, ldb, pc, jc, kb, nb, nr)
		return
	}
	o := 0
	for j0 := 0; j0 < nb; j0 += nr {
		cols := min(nr, nb-j0)
		for p := 0; p < kb; p++ {
			g := dst[o : o+nr]
			if trans {
				for j := 0; j < cols; j++ {
					g[j] = b[(jc+j0+j)*ldb+pc+p]
				}
			} else {
				copy(g[:cols], b[(pc+p)*ldb+jc+j0:])
			}
			for j := cols; j < nr; j++ {
				g[j] = 0
			}
			o += nr
		}
	}
}

// packBT is packB for a transposed B (a weight W [n, k] in x·Wᵀ): blocks
// of 8 rows of W by 8 values go through an AVX 8×8 transpose; the edges are
// copied one value at a time.
func packBT(dst, b []float32, ldb int, pc, jc, kb, nb, nr int) {
	o := 0
	k8 := kb / 8 * 8
	for j0 := 0; j0 < nb; j0 += nr {
		cols := min(nr, nb-j0)
		pan := dst[o : o+kb*nr]
		j := 0
		for ; j+8 <= cols; j += 8 {
			row := (jc + j0 + j) * ldb
			if k8 > 0 {
				_ = b[row+7*ldb+pc+k8-1]
				transpose8(&pan[j], nr, &b[row+pc], ldb, k8/8)
			}
			for p := k8; p < kb; p++ {
				for jj := 0; jj < 8; jj++ {
					pan[p*nr+j+jj] = b[row+jj*ldb+pc+p]
				}
			}
		}
		for ; j < cols; j++ {
			src := b[(jc+j0+j)*ldb+pc : (jc+j0+j)*ldb+pc+kb]
			for p, v := range src {
				pan[p*nr+j] = v
			}
		}
		for ; j < nr; j++ {
			for p := 0; p < kb; p++ {
				pan[p*nr+j] = 0
			}
		}
		o += nr * kb
	}
}

// macro multiplies a packed block of A (mb×kb) by a packed block of B
// (kb×nb) into C[ic:, jc:] (adding to C, or overwriting it when add is 0),
// tile by tile; edge tiles go through a scratch tile.
func macro(ap, bp, c []float32, ldc, ic, jc, mb, nb, kb, nr, add int) {
	var edge [mr * 32]float32
	for j0 := 0; j0 < nb; j0 += nr {
		bpan := &bp[(j0/nr)*nr*kb]
		cols := min(nr, nb-j0)
		for i0 := 0; i0 < mb; i0 += mr {
			apan := &ap[(i0/mr)*mr*kb]
			rows := min(mr, mb-i0)
			if rows == mr && cols == nr {
				kern.fn(kb, apan, bpan, &c[(ic+i0)*ldc+jc+j0], ldc, 4*mr, add)
				continue
			}
			kern.fn(kb, apan, bpan, &edge[0], nr, 4*mr, 0)
			for r := 0; r < rows; r++ {
				edgeOut(c[(ic+i0+r)*ldc+jc+j0:(ic+i0+r)*ldc+jc+j0+cols], edge[r*nr:r*nr+cols], add)
			}
		}
	}
}

// macroDirect is macro for mb (a multiple of mr) rows of A read in place
// rather than packed: op(A)[ic:ic+mb, pc:pc+kb] with alpha 1. Packing A costs
// as much as the product itself when n is small (attention's per-head
// products have n = head size), so the kernels read it where it lies.
func macroDirect(a []float32, lda int, transA bool, bp, c []float32, ldc, ic, pc, jc, mb, nb, kb, nr, add int) {
	if mb == 0 {
		return
	}
	var edge [mr * 32]float32
	for j0 := 0; j0 < nb; j0 += nr {
		bpan := &bp[(j0/nr)*nr*kb]
		cols := min(nr, nb-j0)
		for i0 := 0; i0 < mb; i0 += mr {
			dst, ld, tileAdd := &c[(ic+i0)*ldc+jc+j0], ldc, add
			if cols < nr {
				dst, ld, tileAdd = &edge[0], nr, 0
			}
			if transA {
				// op(A)[i, p] = a[p·lda + i]: mr consecutive values per step.
				_ = a[(pc+kb-1)*lda+ic+i0+mr-1]
				kern.fn(kb, &a[pc*lda+ic+i0], bpan, dst, ld, 4*lda, tileAdd)
			} else {
				_ = a[(ic+i0+mr-1)*lda+pc+kb-1]
				kern.rows(kb, &a[(ic+i0)*lda+pc], lda, bpan, dst, ld, tileAdd)
			}
			if cols < nr {
				for r := 0; r < mr; r++ {
					edgeOut(c[(ic+i0+r)*ldc+jc+j0:(ic+i0+r)*ldc+jc+j0+cols], edge[r*nr:r*nr+cols], add)
				}
			}
		}
	}
}

// edgeOut adds an edge tile's row to dst, or copies it when add is 0.
func edgeOut(dst, row []float32, add int) {
	if add == 0 {
		copy(dst, row)
		return
	}
	for j, v := range row {
		dst[j] += v
	}
}
