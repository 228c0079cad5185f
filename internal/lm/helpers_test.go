package lm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// tinyConfig is the test architecture: hidden 16, 2 layers, 4 query heads
// sharing 2 key/value heads, vocabulary 32.
func tinyConfig(modelType string, tied, bias bool) Config {
	return Config{ModelType: modelType, HiddenSize: 16, IntermediateSize: 24, NumHiddenLayers: 2,
		NumAttentionHeads: 4, NumKeyValueHeads: 2, HeadDim: 4, VocabSize: 32, RMSNormEps: 1e-6,
		RopeTheta: 10000, MaxPositionEmbeddings: 64, TieWordEmbeddings: tied, AttentionBias: bias, HiddenAct: "silu"}
}

// tinyModel builds a randomly initialised tiny model whose norm weights and
// biases are random too, so every parameter's gradient is exercised.
func tinyModel(t *testing.T, cfg Config, seed uint64) *Model {
	t.Helper()
	m, err := NewModel(cfg)
	if err != nil {
		t.Fatalf("NewModel: %v", err)
	}
	m.InitRandom(seed, 0.3)
	rng := rand.New(rand.NewPCG(seed, 7))
	for _, p := range m.Params() {
		if len(p.Shape) == 1 {
			for i := range p.W {
				p.W[i] += float32(0.2 * rng.NormFloat64())
			}
		}
	}
	return m
}

// randomTokens returns n tokens below v from a seeded RNG.
func randomTokens(n, v int, seed uint64) []int {
	rng := rand.New(rand.NewPCG(seed, 3))
	out := make([]int, n)
	for i := range out {
		out[i] = rng.IntN(v)
	}
	return out
}

// randomizeLoRA fills the B matrices (zero after AddLoRA) with random values.
func randomizeLoRA(m *Model, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 11))
	for _, l := range m.Layers {
		for _, lin := range l.Proj {
			if lin.LoRA != nil {
				for i := range lin.LoRA.B.W {
					lin.LoRA.B.W[i] = float32(0.3 * rng.NormFloat64())
				}
			}
		}
	}
}

func maxAbsDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var d float64
	for i := range a {
		d = max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}

func mustForward(t *testing.T, m *Model, tokens []int, B, T int, opts ForwardOptions) *Activations {
	t.Helper()
	a, err := m.Forward(tokens, B, T, opts)
	if err != nil {
		t.Fatalf("Forward: %v", err)
	}
	return a
}
