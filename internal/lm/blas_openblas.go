//go:build openblas

package lm

// #cgo LDFLAGS: -lopenblas
// #include <cblas.h>
import "C"

import (
	"os"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
)

// openBLAS is gonum's pure-Go BLAS with the single-precision matrix
// multiply replaced by OpenBLAS's cblas_sgemm, which carries nearly all of
// the model's floating-point work. Build with -tags openblas (Debian:
// apt-get install libopenblas-dev).
type openBLAS struct{ gonum.Implementation }

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices.
func (openBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	ta, tb := C.enum_CBLAS_TRANSPOSE(C.CblasNoTrans), C.enum_CBLAS_TRANSPOSE(C.CblasNoTrans)
	if tA != blas.NoTrans {
		ta = C.CblasTrans
	}
	if tB != blas.NoTrans {
		tb = C.CblasTrans
	}
	var pa, pb *C.float
	if len(a) > 0 {
		pa = (*C.float)(&a[0])
	}
	if len(b) > 0 {
		pb = (*C.float)(&b[0])
	}
	C.cblas_sgemm(C.CblasRowMajor, ta, tb, C.blasint(m), C.blasint(n), C.blasint(k), C.float(alpha), pa, C.blasint(lda), pb, C.blasint(ldb), C.float(beta), (*C.float)(&c[0]), C.blasint(ldc))
}

// BLASName names the BLAS implementation this binary was built with.
var BLASName = "openblas"

// init installs OpenBLAS and, unless OPENBLAS_NUM_THREADS or
// OMP_NUM_THREADS says otherwise, makes it single-threaded: the model
// already runs attention's per-head GEMMs from parallel goroutines, and
// OpenBLAS's own spinning worker threads on top of them oversubscribed a
// 2-core machine (bench train: LoRA step 123 → 289 tokens/s, full step
// 169 → 402 tokens/s with one thread).
func init() {
	blas32.Use(openBLAS{})
	if os.Getenv("OPENBLAS_NUM_THREADS") == "" && os.Getenv("OMP_NUM_THREADS") == "" {
		C.openblas_set_num_threads(1)
	}
}
