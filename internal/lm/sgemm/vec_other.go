//go:build !amd64 || purego

package sgemm

var hasVec = false

func dot(x, y *float32, n int) float32 { panic("sgemm: no vector kernel") }

func axpy(a float32, x, y *float32, n int) { panic("sgemm: no vector kernel") }

func transpose8(dst *float32, ldd int, src *float32, lds, n int) { panic("sgemm: no vector kernel") }
