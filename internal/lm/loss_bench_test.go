package lm

import "testing"

// BenchmarkCrossEntropy measures the loss and its gradient over 512
// positions of an 8192-token vocabulary (BenchmarkTrainStep's shape).
func BenchmarkCrossEntropy(b *testing.B) {
	const N, V = 512, 8192
	logits := make([]float32, N*V)
	for i := range logits {
		logits[i] = float32(i%97) / 13
	}
	targets := randomTokens(N, V, 1)
	for b.Loop() {
		if _, _, err := CrossEntropy(logits, V, targets, nil); err != nil {
			b.Fatal(err)
		}
	}
}
