//go:build amd64 && !purego

package sgemm

import "golang.org/x/sys/cpu"

//go:noescape
func dot(x, y *float32, n int) float32

//go:noescape
func axpy(a float32, x, y *float32, n int)

// transpose8 transposes n 8×8 blocks along the rows of src into dst:
// dst[(8i+p)·ldd + j] = src[j·lds + 8i + p] for i < n, j, p < 8.
//
//go:noescape
func transpose8(dst *float32, ldd int, src *float32, lds, n int)

var hasVec = cpu.X86.HasAVX2 && cpu.X86.HasFMA
