package lm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGradientsFiniteDifference checks the hand-written backward pass of
// every parameter kind (embedding, norms, every projection and bias, LoRA A
// and B, lm_head, tied or not) against central finite differences: for each
// tensor, the directional derivative along a direction u, g·u, must
// match (L(w+εu) − L(w−εu))/2ε, extrapolated to ε → 0. LoRA dropout is on with a fixed seed, so
// both evaluations see the same masks.
func TestGradientsFiniteDifference(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"llama untied with attention bias", tinyConfig("llama", false, true)},
		{"qwen2 tied", tinyConfig("qwen2", true, false)},
		{"mistral sliding window", archConfig("mistral")},
		{"llama plain", tinyConfig("llama", false, false)},
		{"qwen3 head norms", archConfig("qwen3")},
		{"gemma", archConfig("gemma")},
		{"gemma2 soft caps", archConfig("gemma2")},
		{"phi3 fused", archConfig("phi3")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tinyModel(t, tt.cfg, 1)
			lc := LoRAConfig{R: 4, Alpha: 8, Dropout: 0.1, TargetModules: allModules(m)}
			if err := m.AddLoRA(lc, 2); err != nil {
				t.Fatal(err)
			}
			randomizeLoRA(m, 3)
			m.TrainAll()
			const B, T = 2, 6
			tokens := randomTokens(B*T, tt.cfg.VocabSize, 4)
			targets := randomTokens(B*T, tt.cfg.VocabSize, 5)
			mask := []float32{0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0}
			opts := ForwardOptions{Train: true, Seed: 9}
			loss := func() float64 {
				a := mustForward(t, m, tokens, B, T, opts)
				l, _, err := CrossEntropy(a.Logits, tt.cfg.VocabSize, targets, mask)
				if err != nil {
					t.Fatal(err)
				}
				return l
			}
			m.ZeroGrad()
			a := mustForward(t, m, tokens, B, T, opts)
			_, dlogits, err := CrossEntropy(a.Logits, tt.cfg.VocabSize, targets, mask)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Backward(a, dlogits); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(6, 6))
			// ε = 1e-3: larger steps leave too much curvature for the per-head
			// norms of Qwen3 and for embeddings; smaller ones meet float32 noise.
			const eps = 1e-3
			checked := 0
			for _, p := range m.TrainableParams() {
				u := make([]float64, len(p.W))
				orig := append([]float32(nil), p.W...)
				// u mixes the gradient's own direction (so the derivative is
				// far above float32 rounding noise) with a random one.
				var ss float64
				for _, g := range p.G {
					ss += float64(g) * float64(g)
				}
				rms := math.Sqrt(ss/float64(len(p.G))) + 1e-12
				var analytic float64
				for i := range u {
					u[i] = float64(p.G[i])/rms + rng.NormFloat64()
					analytic += u[i] * float64(p.G[i])
				}
				shift := func(s float64) {
					for i := range p.W {
						p.W[i] = float32(float64(orig[i]) + s*u[i])
					}
				}
				central := func(e float64) float64 {
					shift(e)
					lp := loss()
					shift(-e)
					lm := loss()
					return (lp - lm) / (2 * e)
				}
				// Richardson extrapolation cancels the ε² term of the central difference.
				numeric := (4*central(eps/2) - central(eps)) / 3
				copy(p.W, orig)
				rel := math.Abs(analytic-numeric) / max(math.Abs(numeric), 1e-3)
				if rel > 1e-2 {
					t.Errorf("%s: analytic g·u = %.6g, finite difference %.6g, relative error %.2e", p.Name, analytic, numeric, rel)
				}
				checked++
			}
			if checked < 10 {
				t.Fatalf("checked only %d tensors", checked)
			}
		})
	}
}
