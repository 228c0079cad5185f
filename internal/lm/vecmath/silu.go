package vecmath

import "math"

// SwiGLU sets act[i] = silu(gate[i])·up[i], silu(g) = g·σ(g), for slices of
// one length: the gated MLP of Llama-family models.
func SwiGLU(act, gate, up []float32) {
	n := len(gate)
	act, up = act[:n], up[:n]
	head := 0
	if hasAVX2 && n >= 8 {
		head = n &^ 7
		swiGLU8(&act[0], &gate[0], &up[0], head)
	}
	for i := head; i < n; i++ {
		g := gate[i]
		act[i] = g * sigmoid(g) * up[i]
	}
}

// SwiGLUBackward sets dgate and dup, the gradients of SwiGLU's inputs
// given dact, using silu'(g) = σ(g)·(1 + g·(1−σ(g))).
func SwiGLUBackward(dgate, dup, dact, gate, up []float32) {
	n := len(gate)
	dgate, dup, dact, up = dgate[:n], dup[:n], dact[:n], up[:n]
	head := 0
	if hasAVX2 && n >= 8 {
		head = n &^ 7
		swiGLUBackward8(&dgate[0], &dup[0], &dact[0], &gate[0], &up[0], head)
	}
	for i := head; i < n; i++ {
		g := gate[i]
		s := sigmoid(g)
		dup[i] = dact[i] * g * s
		dgate[i] = dact[i] * up[i] * s * (1 + g*(1-s))
	}
}

func sigmoid(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }
