package vecmath

import "math"

// AdamW applies one AdamW update (no weight decay) to the weights w with
// gradients g and moments m, v, all of one length, in float32 and in
// torch.optim.AdamW's order: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
// w ← w − step·m / (√v/sqrtC2 + ε), where step = lr/(1−β1ᵗ) and
// sqrtC2 = √(1−β2ᵗ). β1 and β2 are float64 so that 1−β is computed
// before rounding, as torch does with Python floats (1 − float32(0.999)
// is 5e-5 off 0.001).
func AdamW(w, g, m, v []float32, beta1, beta2 float64, step, sqrtC2, eps float32) {
	b1, c1, b2, c2 := float32(beta1), float32(1-beta1), float32(beta2), float32(1-beta2)
	n := len(g)
	w, m, v = w[:n], m[:n], v[:n]
	head := 0
	if hasAVX2 && n >= 8 {
		head = n &^ 7
		c := [8]float32{b1, c1, b2, c2, step, sqrtC2, eps}
		adamW8(&w[0], &g[0], &m[0], &v[0], head, &c)
	}
	for j := head; j < n; j++ {
		gj := g[j]
		mj := b1*m[j] + c1*gj
		vj := b2*v[j] + c2*gj*gj
		m[j], v[j] = mj, vj
		w[j] -= step * mj / (float32(math.Sqrt(float64(vj)))/sqrtC2 + eps)
	}
}
