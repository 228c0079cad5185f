// Package vecmath has the vectorised elementwise functions of the model's
// softmaxes and gated MLP: exp over a row and SwiGLU with its gradient, 8
// lanes at a time with AVX2 (Cephes's expf polynomial, ~2 ulp), math.Exp
// elsewhere.
package vecmath

import "math"

// ExpShift sets dst[i] = exp(src[i] - shift) and returns their sum. Every
// src[i] - shift must be <= 0 (shift is the row's maximum in a softmax);
// arguments below -87.3 give ~1e-38 rather than 0 on the vector path.
// dst and src have the same length and may be the same slice.
func ExpShift(dst, src []float32, shift float32) float64 {
	n := len(src)
	dst = dst[:n]
	var sum float64
	head := 0
	if hasAVX2 && n >= 8 {
		head = n &^ 7
		sum = float64(expShift8(&dst[0], &src[0], head, shift))
	}
	for i := head; i < n; i++ {
		e := math.Exp(float64(src[i] - shift))
		dst[i] = float32(e)
		sum += e
	}
	return sum
}

// Max returns the largest value of x, which must not be empty.
func Max(x []float32) float32 {
	n := len(x)
	mx := x[0]
	head := 0
	if hasAVX2 && n >= 8 {
		head = n &^ 7
		mx = max8(&x[0], head)
	}
	for _, v := range x[head:] {
		mx = max(mx, v)
	}
	return mx
}

// Scale multiplies every value of x by s.
func Scale(x []float32, s float32) {
	n := len(x)
	head := 0
	if hasAVX2 && n >= 8 {
		head = n &^ 7
		scale8(&x[0], head, s)
	}
	for i := head; i < n; i++ {
		x[i] *= s
	}
}
