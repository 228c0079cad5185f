//go:build !openblas

package lm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/sqlforge/sqlforge/internal/lm/sgemm"
)

// BLASName names the BLAS implementation this binary was built with:
// "sqlforge-avx512" or "sqlforge-avx2" (package sgemm's assembly kernels,
// the default on amd64), "gonum" (gonum's pure-Go blas32, elsewhere or with
// SQLFORGE_SGEMM=off); build with -tags openblas for OpenBLAS.
var BLASName = "gonum"

// kernelBLAS is gonum's pure-Go BLAS with the single-precision matrix
// multiply, which carries nearly all of the model's floating-point work,
// replaced by package sgemm.
type kernelBLAS struct{ gonum.Implementation }

// smallRows is the row count below which products go to sgemm.Small.
const smallRows = 4

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices.
// Products of a few rows (decoding one token at a time) skip packing, which
// costs more than the product for one row: sgemm.Small's AVX2 dot products
// and axpys (gonum's loops where A is transposed).
func (g kernelBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m < smallRows {
		if !sgemm.Small(tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
			g.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		}
		return
	}
	sgemm.Gemm(tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func init() {
	if sgemm.Available() {
		blas32.Use(kernelBLAS{})
		BLASName = "sqlforge-" + sgemm.Kernel()
	}
}
