package bench

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/lm"
)

func tinyModel(t *testing.T) *lm.Model {
	t.Helper()
	m, err := lm.NewModel(lm.Config{ModelType: "llama", HiddenSize: 16, IntermediateSize: 24, NumHiddenLayers: 2,
		NumAttentionHeads: 4, NumKeyValueHeads: 2, HeadDim: 4, VocabSize: 32, RMSNormEps: 1e-6, RopeTheta: 10000,
		MaxPositionEmbeddings: 64, TieWordEmbeddings: true, HiddenAct: "silu"})
	if err != nil {
		t.Fatal(err)
	}
	m.InitRandom(1, 0.1)
	return m
}

func TestTrainStepCountsAndLearns(t *testing.T) {
	opts := Options{Steps: 2, Batch: 2, SeqLen: 8, GenPrompt: 4, GenTokens: 4}
	for _, tc := range []struct {
		mode      string
		trainable func(m *lm.Model) int
	}{
		{"lora", func(m *lm.Model) int { return 2 * (16*16 + 16*16 + 16*16 + 8*16) }}, // 2 layers: q A,B (16→16), v A,B (16→8), r=16
		{"full", func(m *lm.Model) int { return m.NumParams() }},
	} {
		m := tinyModel(t)
		tr, _, err := trainStep(context.Background(), m, "tiny", tc.mode, opts)
		if err != nil {
			t.Fatal(err)
		}
		if want := tc.trainable(m); tr.Trainable != want {
			t.Errorf("%s: %d trainable, want %d", tc.mode, tr.Trainable, want)
		}
		if tr.TokensPerSecond <= 0 || tr.GFLOPs <= 0 || math.IsInf(tr.TokensPerSecond, 0) {
			t.Errorf("%s: %+v", tc.mode, tr)
		}
		// The AdamW steps moved the trained weights: LoRA's B leaves zero.
		moved := false
		for _, p := range m.TrainableParams() {
			if tc.mode == "lora" && strings.Contains(p.Name, "lora_B") {
				for _, w := range p.W {
					moved = moved || w != 0
				}
			}
		}
		if tc.mode == "lora" && !moved {
			t.Error("lora: every B matrix is still zero after AdamW steps")
		}
	}
	g, err := generate(context.Background(), tinyModel(t), "tiny", opts)
	if err != nil || g.DecodeTokensPerSecond <= 0 || g.PrefillTokensPerSecond <= 0 {
		t.Errorf("generate: %+v, %v", g, err)
	}
}

func TestAdamWMatchesFormula(t *testing.T) {
	p := &lm.Param{Name: "w", Shape: []int{2}, W: []float32{1, -1}, G: []float32{0.5, -2}}
	o := newAdamW([]*lm.Param{p})
	o.step(0.1)
	o.step(0.1)
	// Constant gradients: after bias correction m̂ = g and v̂ = g², so each
	// step moves by lr·g/(|g|+ε) = lr·sign(g).
	for i, want := range []float32{1 - 0.2, -1 + 0.2} {
		if math.Abs(float64(p.W[i]-want)) > 1e-6 {
			t.Errorf("w[%d] = %v, want %v", i, p.W[i], want)
		}
	}
}

func TestFLOPsPerToken(t *testing.T) {
	cfg := Config5M()
	// 4·P + 3·4·T·Hq·Dh·L for LoRA; 6·P + the same for full.
	if got, want := FLOPsPerToken(cfg, 1000, 128, false), 4000.0+3*4*128*256*4; got != want {
		t.Errorf("lora: %v, want %v", got, want)
	}
	if got, want := FLOPsPerToken(cfg, 1000, 128, true), 6000.0+3*4*128*256*4; got != want {
		t.Errorf("full: %v, want %v", got, want)
	}
	if g := Matmul(64, 2); g <= 0 || math.IsInf(g, 0) {
		t.Errorf("Matmul(64) = %v GFLOP/s", g)
	}
}
