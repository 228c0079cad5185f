package lm

import (
	"testing"
)

// BenchmarkMatmul measures the BLAS's float32 matrix multiply
// (1024×1024×1024), the operation that carries most of the model's work.
func BenchmarkMatmul(b *testing.B) {
	const n = 1024
	a, x, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	for i := range a {
		a[i], x[i] = float32(i%7)-3, float32(i%5)-2
	}
	for b.Loop() {
		matmul(false, true, n, n, n, 1, a, n, x, n, 0, c, n)
	}
	b.ReportMetric(2*n*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// benchConfig is a ~5M-parameter model: hidden 256, 4 layers, 8 heads
// over 4 key/value heads, vocabulary 8192 with tied embeddings.
func benchConfig() Config {
	return Config{ModelType: "llama", HiddenSize: 256, IntermediateSize: 688, NumHiddenLayers: 4,
		NumAttentionHeads: 8, NumKeyValueHeads: 4, HeadDim: 32, VocabSize: 8192, RMSNormEps: 1e-5,
		RopeTheta: 10000, MaxPositionEmbeddings: 512, TieWordEmbeddings: true, HiddenAct: "silu"}
}

// BenchmarkTrainStep measures one forward, loss and backward pass over a
// batch of 4×128 tokens, in LoRA mode (q_proj, v_proj, r=16) and in full
// fine-tuning mode. GFLOP/s counts the matmul work: 2·P per token forward,
// plus 2·P backward for input gradients and, in full mode, 2·P for weight
// gradients, plus attention's 4·T·Hq·Dh per token and layer, tripled.
func BenchmarkTrainStep(b *testing.B) {
	for _, mode := range []string{"lora", "full"} {
		b.Run(mode, func(b *testing.B) {
			cfg := benchConfig()
			m, err := NewModel(cfg)
			if err != nil {
				b.Fatal(err)
			}
			m.InitRandom(1, 0.02)
			factor := 4.0
			if mode == "lora" {
				if err := m.AddLoRA(DefaultLoRAConfig(), 2); err != nil {
					b.Fatal(err)
				}
			} else {
				m.TrainAll()
				factor = 6
			}
			const B, T = 4, 128
			tokens := randomTokens(B*T, cfg.VocabSize, 3)
			targets := randomTokens(B*T, cfg.VocabSize, 4)
			for b.Loop() {
				a, err := m.Forward(tokens, B, T, ForwardOptions{Train: true, Seed: 5})
				if err != nil {
					b.Fatal(err)
				}
				_, dl, err := a.CrossEntropy(cfg.VocabSize, targets, nil)
				if err != nil {
					b.Fatal(err)
				}
				if err := m.Backward(a, dl); err != nil {
					b.Fatal(err)
				}
				a.Release()
			}
			P := float64(m.NumParams()) // the tied embedding counts once, as lm_head
			attn := 3 * 4 * float64(T) * float64(cfg.QDim()) * float64(cfg.NumHiddenLayers)
			perToken := factor*P + attn
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(B*T*b.N)/sec, "tokens/s")
			b.ReportMetric(perToken*float64(B*T*b.N)/sec/1e9, "GFLOP/s")
			b.Logf("%d parameters, %s BLAS", m.NumParams(), BLASName)
		})
	}
}
