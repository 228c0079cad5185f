//go:build amd64 && !purego

package sgemm

import "golang.org/x/sys/cpu"

//go:noescape
func dot(x, y *float32, n int) float32

//go:noescape
func axpy(a float32, x, y *float32, n int)

var hasVec = cpu.X86.HasAVX2 && cpu.X86.HasFMA
