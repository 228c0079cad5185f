package lm

import "math"

// activation is the MLP's gate activation: act = f(gate) ⊙ up.
type activation int

const (
	actSiLU     activation = iota // silu: SwiGLU (Llama, Qwen, Mistral, Phi-3)
	actGELUTanh                   // gelu_pytorch_tanh: GeGLU (Gemma)
	actGELU                       // gelu: exact, with erf
)

// activations maps Hugging Face's hidden_act names to activations.
var activations = map[string]activation{"silu": actSiLU, "gelu_pytorch_tanh": actGELUTanh, "gelu": actGELU}

// glu computes act = f(gate) ⊙ up elementwise ([N, F]).
func glu(f activation, act, gate, up []float32) {
	if f == actSiLU {
		swiGLU(act, gate, up)
		return
	}
	for i, g := range gate {
		v, _ := gelu(f, g)
		act[i] = v * up[i]
	}
}

// gluBackward computes dgate and dup from dact ([N, F]).
func gluBackward(f activation, dgate, dup, dact, gate, up []float32) {
	if f == actSiLU {
		swiGLUBackward(dgate, dup, dact, gate, up)
		return
	}
	for i, g := range gate {
		v, d := gelu(f, g)
		dup[i] = dact[i] * v
		dgate[i] = dact[i] * up[i] * d
	}
}

// gelu returns GELU(x) and its derivative, in PyTorch's tanh
// approximation (0.5·x·(1+tanh(√(2/π)·(x+0.044715·x³)))) or exactly
// (0.5·x·(1+erf(x/√2))).
func gelu(f activation, x32 float32) (float32, float32) {
	x := float64(x32)
	if f == actGELU {
		c := 0.5 * (1 + math.Erf(x/math.Sqrt2))
		return float32(x * c), float32(c + x*math.Exp(-x*x/2)/math.Sqrt(2*math.Pi))
	}
	const k = 0.7978845608028654 // √(2/π)
	t := math.Tanh(k * (x + 0.044715*x*x*x))
	return float32(0.5 * x * (1 + t)), float32(0.5*(1+t) + 0.5*x*(1-t*t)*k*(1+3*0.044715*x*x))
}
