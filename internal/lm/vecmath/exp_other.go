//go:build !amd64 || purego

package vecmath

var hasAVX2 = false

func expShift8(dst, src *float32, n int, shift float32) float32 { panic("vecmath: no vector kernel") }

func swiGLU8(act, gate, up *float32, n int) { panic("vecmath: no vector kernel") }

func swiGLUBackward8(dgate, dup, dact, gate, up *float32, n int) { panic("vecmath: no vector kernel") }

func max8(x *float32, n int) float32 { panic("vecmath: no vector kernel") }

func scale8(x *float32, n int, s float32) { panic("vecmath: no vector kernel") }

func adamW8(w, grad, m, v *float32, n int, c *[8]float32) { panic("vecmath: no vector kernel") }
