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
		for _, lin := range l.linears() {
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

// archConfig is tinyConfig adapted to an architecture with every variant
// feature switched on at a size where it matters: short sliding windows,
// a head_dim other than hidden/heads (Qwen3), soft caps low enough to bend
// the scores (Gemma-2).
func archConfig(modelType string) Config {
	c := tinyConfig(modelType, false, false)
	window := func(w int) *int { return &w }
	capv := func(v float64) *float64 { return &v }
	switch modelType {
	case "mistral":
		c.SlidingWindow = window(3)
	case "qwen3":
		c.HeadDim = 8
	case "gemma":
		c.TieWordEmbeddings, c.HiddenActivation = true, "gelu_pytorch_tanh"
	case "gemma2":
		c.TieWordEmbeddings, c.HiddenActivation = true, "gelu_pytorch_tanh"
		c.SlidingWindow, c.QueryPreAttnScalar = window(3), 6
		c.AttnLogitSoftcapping, c.FinalLogitSoftcapping = capv(2), capv(3)
	case "phi3":
		c.SlidingWindow = window(4)
	}
	return c
}

// allModules lists every projection name the model's layers have.
func allModules(m *Model) []string {
	var names []string
	for mod, lin := range m.Layers[0].Proj {
		if lin != nil {
			names = append(names, Module(mod).String())
		}
	}
	return names
}

// archConfigs lists one test configuration per supported architecture.
func archConfigs() []Config {
	return []Config{tinyConfig("llama", false, true), tinyConfig("qwen2", true, false), archConfig("mistral"),
		archConfig("qwen3"), archConfig("gemma"), archConfig("gemma2"), archConfig("phi3")}
}
