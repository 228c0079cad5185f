package sgemm

// Small computes C = alpha·A·op(B) + beta·C for a product of a few rows of a
// non-transposed A — decoding one token at a time — with AVX2 vector loops
// (dot products against the rows of a transposed B, axpys along the rows of
// B otherwise) and no packing. It reports false, doing nothing, where it
// does not apply (A transposed, no AVX2) so the caller can fall back.
func Small(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) bool {
	if transA || !hasVec {
		return false
	}
	if m == 0 || n == 0 {
		return true
	}
	scaleC(m, n, beta, c, ldc)
	if k == 0 || alpha == 0 {
		return true
	}
	for i := 0; i < m; i++ {
		arow := a[i*lda : i*lda+k]
		crow := c[i*ldc : i*ldc+n]
		if transB {
			_ = b[(n-1)*ldb+k-1]
			for j := range crow {
				crow[j] += alpha * dot(&arow[0], &b[j*ldb], k)
			}
			continue
		}
		_ = b[(k-1)*ldb+n-1]
		for p, v := range arow {
			if v != 0 {
				axpy(alpha*v, &b[p*ldb], &crow[0], n)
			}
		}
	}
	return true
}
