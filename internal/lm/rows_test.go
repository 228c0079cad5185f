package lm

import "testing"

// TestForwardRows checks that limiting the logits to the loss positions
// (ForwardOptions.Rows) gives the same logits at those positions, the same
// masked loss and the same gradient of every parameter as the full pass.
func TestForwardRows(t *testing.T) {
	for _, tied := range []bool{false, true} {
		cfg := tinyConfig("llama", tied, false)
		m := tinyModel(t, cfg, 1)
		m.TrainAll()
		const B, T = 2, 6
		V := cfg.VocabSize
		tokens := randomTokens(B*T, V, 4)
		targets := randomTokens(B*T, V, 5)
		mask := []float32{0, 0, 1, 1, 1, 1, 0, 1, 1, 0, 1, 0}
		var rows, rowTargets []int
		for n, w := range mask {
			if w != 0 {
				rows, rowTargets = append(rows, n), append(rowTargets, targets[n])
			}
		}
		grads := func() []float32 {
			var g []float32
			for _, p := range m.TrainableParams() {
				g = append(g, p.G...)
			}
			return g
		}
		m.ZeroGrad()
		full := mustForward(t, m, tokens, B, T, ForwardOptions{})
		lossFull, dFull, err := CrossEntropy(full.Logits, V, targets, mask)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Backward(full, dFull); err != nil {
			t.Fatal(err)
		}
		gFull := grads()

		m.ZeroGrad()
		part := mustForward(t, m, tokens, B, T, ForwardOptions{Rows: rows})
		if len(part.Logits) != len(rows)*V {
			t.Fatalf("%d logits, want %d", len(part.Logits), len(rows)*V)
		}
		for i, r := range rows {
			if d := maxAbsDiff(part.Logits[i*V:(i+1)*V], full.Logits[r*V:(r+1)*V]); d > 1e-6 {
				t.Fatalf("tied=%v: logits of position %d differ by %g", tied, r, d)
			}
		}
		lossPart, dPart, err := CrossEntropy(part.Logits, V, rowTargets, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := lossPart - lossFull; d > 1e-6 || d < -1e-6 {
			t.Fatalf("tied=%v: loss %g with rows, %g without", tied, lossPart, lossFull)
		}
		if err := m.Backward(part, dPart); err != nil {
			t.Fatal(err)
		}
		if d := maxAbsDiff(grads(), gFull); d > 1e-5 {
			t.Fatalf("tied=%v: gradients differ by %g", tied, d)
		}
	}
	m := tinyModel(t, tinyConfig("llama", true, false), 1)
	for _, rows := range [][]int{{3, 2}, {-1}, {12}} {
		if _, err := m.Forward(randomTokens(12, 32, 1), 2, 6, ForwardOptions{Rows: rows}); err == nil {
			t.Errorf("rows %v: no error", rows)
		}
	}
}
