package local

import (
	"math/rand/v2"
	"testing"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// BenchmarkLoRAStep measures whole optimizer steps (forward, loss,
// backward, clipping, AdamW) of LoRA training (q_proj, v_proj, r=16) on a
// ~5M-parameter model: hidden 256, 4 layers, 8 heads over 4 key/value
// heads, vocabulary 8192 tied, batches of 4 sequences of 128 tokens.
func BenchmarkLoRAStep(b *testing.B) {
	m, err := lm.NewModel(lm.Config{ModelType: "llama", HiddenSize: 256, IntermediateSize: 688, NumHiddenLayers: 4,
		NumAttentionHeads: 8, NumKeyValueHeads: 4, HeadDim: 32, VocabSize: 8192, RMSNormEps: 1e-5,
		RopeTheta: 10000, MaxPositionEmbeddings: 512, TieWordEmbeddings: true, HiddenAct: "silu"})
	if err != nil {
		b.Fatal(err)
	}
	m.InitRandom(1, 0.02)
	rng := rand.New(rand.NewPCG(2, 2))
	exs := make([]Example, 16)
	for i := range exs {
		for j := range 128 {
			exs[i].IDs = append(exs[i].IDs, rng.IntN(8192))
			exs[i].Mask = append(exs[i].Mask, j >= 64)
		}
	}
	cfg := DefaultConfig(ModeLoRA)
	cfg.MaxSteps = 1 << 30
	tr, err := newTrainer(m, Dataset{Train: exs}, cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	tokens := 0
	for b.Loop() {
		tr.step++
		_, n, err := tr.trainStep()
		if err != nil {
			b.Fatal(err)
		}
		clipGradNorm(tr.params, cfg.MaxGradNorm)
		tr.opt.step(learningRate(cfg, tr.step, tr.total))
		tokens += n
	}
	b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "tokens/s")
	b.Logf("%d parameters, %d trainable, %s BLAS", m.NumParams(), len(tr.params), lm.BLASName)
}
