package local

import (
	"math"
	"testing"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// TestAdamWStep checks two AdamW steps on a 2-element parameter against
// values worked out by hand (the second step exercises bias correction),
// with weight decay on a matrix and none on a vector.
func TestAdamWStep(t *testing.T) {
	tests := []struct {
		name  string
		shape []int
		want  [2]float64
	}{
		// step 1: w·(1−0.1·0.01) − 0.1·g/|g|; step 2: m̂ = 0.07/0.19, v̂ = 0.00031225/0.001999.
		{"matrix decays", []int{1, 2}, [2]float64{0.8048830404754623, -1.9455209911100655}},
		{"vector does not", []int{2}, [2]float64{0.8067820404774624, -1.9494189911200654}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &lm.Param{Name: "w", Shape: tt.shape, W: []float32{1, -2}, G: make([]float32, 2)}
			o := newAdamW([]*lm.Param{p}, 0.9, 0.999, 1e-8, 0.01)
			for _, g := range [][]float32{{0.5, -0.1}, {0.25, 0.3}} {
				copy(p.G, g)
				o.step(0.1)
			}
			for j := range 2 {
				if d := math.Abs(float64(p.W[j]) - tt.want[j]); d > 1e-6 {
					t.Errorf("w[%d] = %.9f, want %.9f", j, p.W[j], tt.want[j])
				}
			}
		})
	}
}

func TestLearningRate(t *testing.T) {
	c := Config{LearningRate: 1, MinLRRatio: 0.1, WarmupRatio: 0.1}
	// 13 steps: ceil(1.3) = 2 warm-up steps, then cosine over steps 3..13.
	tests := []struct {
		step, total int
		warm        float64
		want        float64
	}{
		{1, 13, 0.1, 0.5},
		{2, 13, 0.1, 1},
		{3, 13, 0.1, 1},
		{8, 13, 0.1, 0.55},
		{13, 13, 0.1, 0.1},
		{1, 13, 0, 1},
		{11, 21, 0, 0.55},
		{1, 1, 0, 1},
	}
	for _, tt := range tests {
		c.WarmupRatio = tt.warm
		if got := learningRate(c, tt.step, tt.total); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("lr(step %d of %d, warm-up %g) = %g, want %g", tt.step, tt.total, tt.warm, got, tt.want)
		}
	}
}

func TestClipGradNorm(t *testing.T) {
	tests := []struct {
		max      float64
		wantNorm float64
		want     []float32
	}{
		{1, 5, []float32{0.6, 0, 0.8}},
		{10, 5, []float32{3, 0, 4}},
		{0, 5, []float32{3, 0, 4}},
	}
	for _, tt := range tests {
		a := &lm.Param{Shape: []int{2}, G: []float32{3, 0}}
		b := &lm.Param{Shape: []int{1}, G: []float32{4}}
		norm := clipGradNorm([]*lm.Param{a, b}, tt.max)
		got := append(append([]float32{}, a.G...), b.G...)
		if norm != tt.wantNorm {
			t.Errorf("max %g: norm %g, want %g", tt.max, norm, tt.wantNorm)
		}
		for i := range got {
			if math.Abs(float64(got[i]-tt.want[i])) > 1e-6 {
				t.Errorf("max %g: gradients %v, want %v", tt.max, got, tt.want)
				break
			}
		}
	}
}
