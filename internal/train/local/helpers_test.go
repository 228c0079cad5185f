package local

import (
	"math/rand/v2"
	"testing"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// tinyModel is hidden 16, 2 layers, 4 query heads over 2 key/value heads,
// intermediate 32, vocabulary 32, with random weights.
func tinyModel(t testing.TB, seed uint64) *lm.Model {
	t.Helper()
	m, err := lm.NewModel(lm.Config{ModelType: "llama", HiddenSize: 16, IntermediateSize: 32, NumHiddenLayers: 2,
		NumAttentionHeads: 4, NumKeyValueHeads: 2, HeadDim: 4, VocabSize: 32, RMSNormEps: 1e-6,
		RopeTheta: 10000, MaxPositionEmbeddings: 64, HiddenAct: "silu"})
	if err != nil {
		t.Fatal(err)
	}
	m.InitRandom(seed, 0.2)
	return m
}

// copyTask makes n examples: a random prompt of 3-6 tokens from 10..31,
// a separator 1, then the answer (mask true), ending with 2.
func copyTask(n int, seed uint64, answer []int) []Example {
	rng := rand.New(rand.NewPCG(seed, 1))
	exs := make([]Example, n)
	for i := range exs {
		var ex Example
		for range 3 + rng.IntN(4) {
			ex.IDs, ex.Mask = append(ex.IDs, 10+rng.IntN(22)), append(ex.Mask, false)
		}
		ex.IDs, ex.Mask = append(ex.IDs, 1), append(ex.Mask, false)
		for _, a := range append(append([]int(nil), answer...), 2) {
			ex.IDs, ex.Mask = append(ex.IDs, a), append(ex.Mask, true)
		}
		exs[i] = ex
	}
	return exs
}

// testConfig is a small fast run: batches of 4, eval every 4 steps.
func testConfig(mode Mode, steps int) Config {
	c := DefaultConfig(mode)
	c.LoRA = lm.LoRAConfig{R: 4, Alpha: 8, Dropout: 0.05, TargetModules: []string{"q_proj", "v_proj", "o_proj", "down_proj"}}
	c.MaxSteps, c.EvalEvery, c.SaveEvery, c.Patience = steps, 4, 0, 0
	c.LearningRate = 1e-2
	c.WarmupRatio = 0.1
	return c
}

func weights(m *lm.Model) [][]float32 { return snapshot(m.TrainableParams()) }
