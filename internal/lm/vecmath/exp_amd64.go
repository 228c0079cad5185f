//go:build amd64 && !purego

package vecmath

import "golang.org/x/sys/cpu"

//go:noescape
func expShift8(dst, src *float32, n int, shift float32) float32

var hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA
