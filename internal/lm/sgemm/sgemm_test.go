package sgemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naive is the reference: C = alpha·op(A)·op(B) + beta·C in float64.
func naive(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				av := a[i*lda+p]
				if transA {
					av = a[p*lda+i]
				}
				bv := b[p*ldb+j]
				if transB {
					bv = b[j*ldb+p]
				}
				s += float64(av) * float64(bv)
			}
			old := float64(c[i*ldc+j])
			if beta == 0 {
				old = 0
			}
			c[i*ldc+j] = float32(float64(alpha)*s + float64(beta)*old)
		}
	}
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

// eachKernel runs f with each kernel this machine has.
func eachKernel(t *testing.T, f func(t *testing.T)) {
	saved := kern
	defer func() { kern = saved }()
	ks := kernels()
	if len(ks) == 0 {
		t.Skip("no sgemm kernel on this machine")
	}
	for _, k := range ks {
		kern = k
		t.Run(k.name, f)
	}
}

func TestGemmMatchesNaive(t *testing.T) {
	eachKernel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		shapes := [][3]int{{1, 1, 1}, {6, 16, 1}, {6, 32, 7}, {7, 17, 3}, {5, 33, 0}, {13, 50, 300}, {100, 70, 513},
			{1, 4096, 256}, {300, 1, 20}, {97, 2100, 31}, {200, 300, 257}}
		for _, s := range shapes {
			m, n, k := s[0], s[1], s[2]
			for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				for _, ab := range [][2]float32{{1, 0}, {1, 1}, {0.5, -2}, {0, 3}, {-1, 0}} {
					name := fmt.Sprintf("%dx%dx%d/tA=%v,tB=%v/alpha=%g,beta=%g", m, n, k, tr[0], tr[1], ab[0], ab[1])
					lda, ldb, ldc := k+3, n+1, n+5
					if tr[0] {
						lda = m + 2
					}
					if tr[1] {
						ldb = k + 4
					}
					a := randSlice(r, max(m, k)*lda+8)
					b := randSlice(r, max(n, k)*ldb+8)
					c := randSlice(r, m*ldc)
					want := append([]float32(nil), c...)
					if ab[1] == 0 { // beta 0 must overwrite C, not scale it
						for i := 0; i < m; i++ {
							for j := 0; j < n; j++ {
								c[i*ldc+j], want[i*ldc+j] = float32(math.NaN()), 0
							}
						}
					}
					naive(tr[0], tr[1], m, n, k, ab[0], a, lda, b, ldb, ab[1], want, ldc)
					Gemm(tr[0], tr[1], m, n, k, ab[0], a, lda, b, ldb, ab[1], c, ldc)
					for i := 0; i < m; i++ {
						for j := 0; j < ldc; j++ {
							idx := i*ldc + j
							if j >= n { // outside C: untouched
								if math.Float32bits(c[idx]) != math.Float32bits(want[idx]) {
									t.Fatalf("%s: wrote outside C at (%d,%d)", name, i, j)
								}
								continue
							}
							tol := 1e-4 * (1 + math.Sqrt(float64(k)))
							if d := math.Abs(float64(c[idx] - want[idx])); !(d <= tol) {
								t.Fatalf("%s: C[%d,%d] = %g, want %g", name, i, j, c[idx], want[idx])
							}
						}
					}
				}
			}
		}
	})
}

func BenchmarkGemm(b *testing.B) {
	if !Available() {
		b.Skip("no kernel")
	}
	for _, s := range [][3]int{{1024, 1024, 1024}, {1024, 256, 256}, {1024, 4096, 256}, {256, 688, 1024}} {
		m, n, k := s[0], s[1], s[2]
		r := rand.New(rand.NewPCG(1, 2))
		a, bb, c := randSlice(r, m*k), randSlice(r, k*n), make([]float32, m*n)
		b.Run(fmt.Sprintf("%s/%dx%dx%d", kern.name, m, n, k), func(b *testing.B) {
			for b.Loop() {
				Gemm(false, false, m, n, k, 1, a, k, bb, n, 0, c, n)
			}
			b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func TestSmallMatchesNaive(t *testing.T) {
	if !hasVec {
		t.Skip("no AVX2 on this machine")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, s := range [][3]int{{1, 1, 1}, {1, 4096, 256}, {3, 17, 37}, {2, 33, 7}, {1, 5, 0}, {1, 100, 1000}} {
		m, n, k := s[0], s[1], s[2]
		for _, tB := range []bool{false, true} {
			for _, ab := range [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}} {
				ldb := n + 3
				if tB {
					ldb = k + 3
				}
				a := randSlice(r, m*(k+2)+4)
				b := randSlice(r, max(n, k)*ldb+4)
				c := randSlice(r, m*(n+1))
				want := append([]float32(nil), c...)
				naive(false, tB, m, n, k, ab[0], a, k+2, b, ldb, ab[1], want, n+1)
				if !Small(false, tB, m, n, k, ab[0], a, k+2, b, ldb, ab[1], c, n+1) {
					t.Fatal("Small refused a non-transposed A")
				}
				tol := 1e-4 * (1 + math.Sqrt(float64(k)))
				for i := range c {
					if d := math.Abs(float64(c[i] - want[i])); !(d <= tol) {
						t.Fatalf("%dx%dx%d tB=%v %v: c[%d] = %g, want %g", m, n, k, tB, ab, i, c[i], want[i])
					}
				}
			}
		}
	}
	if Small(true, false, 1, 1, 1, 1, []float32{1}, 1, []float32{1}, 1, 0, []float32{0}, 1) {
		t.Error("Small accepted a transposed A")
	}
}
