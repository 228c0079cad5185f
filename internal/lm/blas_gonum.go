//go:build !openblas

package lm

// BLASName names the BLAS implementation this binary was built with: gonum's
// pure-Go blas32 (the default; build with -tags openblas for OpenBLAS).
const BLASName = "gonum"
