package lm

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestNF4Quantize(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name       string
		rows, cols int
		gen        func(i int) float32
		maxRelRMS  float64 // RMS error over RMS value
	}{
		{"normal", 48, 100, func(int) float32 { return float32(rng.NormFloat64() * 0.02) }, 0.12},
		{"uniform", 7, 333, func(int) float32 { return float32(rng.Float64()*2 - 1) }, 0.15},
		{"zeros and spikes", 4, 64, func(i int) float32 {
			if i%17 == 0 {
				return 3
			}
			return 0
		}, 1e-6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := make([]float32, tt.rows*tt.cols)
			for i := range w {
				w[i] = tt.gen(i)
			}
			q := QuantizeNF4(w, tt.rows, tt.cols)
			back := make([]float32, len(w))
			q.dequantRows(back, 0, tt.rows)
			var se, sv float64
			for i := range w {
				se += math.Pow(float64(back[i]-w[i]), 2)
				sv += float64(w[i]) * float64(w[i])
			}
			if rel := math.Sqrt(se / sv); rel > tt.maxRelRMS {
				t.Errorf("relative RMS error %.3g > %g", rel, tt.maxRelRMS)
			}
			// Rows read one at a time agree with the whole matrix.
			row := make([]float32, tt.cols)
			for r := 0; r < tt.rows; r++ {
				q.dequantRows(row, r, r+1)
				if d := maxAbsDiff(row, back[r*tt.cols:(r+1)*tt.cols]); d != 0 {
					t.Fatalf("row %d differs by %g", r, d)
				}
			}
			if bits := float64(8*q.Bytes()) / float64(len(w)); bits > 4.6 {
				t.Errorf("%.2f bits per weight", bits)
			}
		})
	}
}

// TestQLoRAMatchesDequantizedModel checks the NF4 paths of the forward and
// backward passes (embedding rows, chunked products, lm_head): a model
// quantised to NF4 must compute exactly what a float32 model holding the
// dequantised weights computes, logits and LoRA gradients alike.
func TestQLoRAMatchesDequantizedModel(t *testing.T) {
	defer func(c int) { dequantChunk = c }(dequantChunk)
	dequantChunk = 40 // several chunks per product
	for _, cfg := range []Config{tinyConfig("llama", false, false), archConfig("gemma2"), archConfig("phi3")} {
		t.Run(cfg.ModelType, func(t *testing.T) {
			lc := LoRAConfig{R: 4, Alpha: 8, TargetModules: []string{"q_proj", "v_proj", "down_proj"}}
			q := tinyModel(t, cfg, 5)
			before, after, err := q.QuantizeNF4()
			if err != nil {
				t.Fatal(err)
			}
			if ratio := float64(before) / float64(after); ratio < 5 {
				t.Errorf("weights %d -> %d bytes: only %.1fx smaller", before, after, ratio)
			}
			f := tinyModel(t, cfg, 5)
			for i, p := range f.Params() {
				p.W = q.Params()[i].Values()
			}
			for _, m := range []*Model{q, f} {
				if err := m.AddLoRA(lc, 6); err != nil {
					t.Fatal(err)
				}
				randomizeLoRA(m, 7)
			}
			tokens, targets := randomTokens(12, cfg.VocabSize, 8), randomTokens(12, cfg.VocabSize, 9)
			var logits [2][]float32
			for i, m := range []*Model{q, f} {
				a := mustForward(t, m, tokens, 2, 6, ForwardOptions{})
				_, dl, err := CrossEntropy(a.Logits, cfg.VocabSize, targets, nil)
				if err != nil {
					t.Fatal(err)
				}
				m.ZeroGrad()
				if err := m.Backward(a, dl); err != nil {
					t.Fatal(err)
				}
				logits[i] = a.Logits
			}
			if d := maxAbsDiff(logits[0], logits[1]); d > 1e-5 {
				t.Errorf("logits differ by %g", d)
			}
			for i, p := range q.LoRAParams() {
				if d := maxAbsDiff(p.G, f.LoRAParams()[i].G); d > 1e-5 {
					t.Errorf("%s gradient differs by %g", p.Name, d)
				}
			}
		})
	}
}
