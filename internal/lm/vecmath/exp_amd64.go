//go:build amd64 && !purego

package vecmath

import "golang.org/x/sys/cpu"

//go:noescape
func expShift8(dst, src *float32, n int, shift float32) float32

//go:noescape
func swiGLU8(act, gate, up *float32, n int)

//go:noescape
func swiGLUBackward8(dgate, dup, dact, gate, up *float32, n int)

//go:noescape
func max8(x *float32, n int) float32

//go:noescape
func scale8(x *float32, n int, s float32)

//go:noescape
func adamW8(w, grad, m, v *float32, n int, c *[8]float32)

var hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA
