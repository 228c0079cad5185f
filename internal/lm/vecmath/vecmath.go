// Package vecmath has the vectorised elementwise functions the model's
// softmaxes need: exp over a row, 8 lanes at a time with AVX2 (Cephes's
// expf polynomial, ~2 ulp), math.Exp elsewhere.
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
