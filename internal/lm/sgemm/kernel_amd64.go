//go:build amd64 && !purego

package sgemm

import "golang.org/x/sys/cpu"

//go:noescape
func kernel6x16(k int, a, b, c *float32, ldc, astep, add int)

//go:noescape
func kernel6x16rows(k int, a *float32, lda int, b, c *float32, ldc, add int)

//go:noescape
func kernel6x32(k int, a, b, c *float32, ldc, astep, add int)

//go:noescape
func kernel6x32rows(k int, a *float32, lda int, b, c *float32, ldc, add int)

var (
	avx2Kernel   = kernel{name: "avx2", nr: 16, fn: kernel6x16, rows: kernel6x16rows}
	avx512Kernel = kernel{name: "avx512", nr: 32, fn: kernel6x32, rows: kernel6x32rows}
)

func init() {
	switch {
	case cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL && !forceAVX2:
		kern = avx512Kernel
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		kern = avx2Kernel
	}
}

// kernels lists the kernels this machine can run, the selected one first.
func kernels() []kernel {
	ks := []kernel{}
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL {
		ks = append(ks, avx512Kernel)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, avx2Kernel)
	}
	return ks
}
