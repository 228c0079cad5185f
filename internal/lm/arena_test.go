package lm

import (
	"math"
	"testing"
)

// TestSizeClass checks that a class's capacity holds n, wastes at most a
// quarter, and maps back to the same class (put finds it by capacity).
func TestSizeClass(t *testing.T) {
	for n := 1; n < 1<<20; n += 1 + n/97 {
		c, size := sizeClass(n)
		if size < n || float64(size) > 1.25*float64(n)+1 {
			t.Fatalf("sizeClass(%d) = %d, %d", n, c, size)
		}
		if c2, s2 := sizeClass(size); c2 != c || s2 != size {
			t.Fatalf("sizeClass(%d) = %d, %d; of its size %d: %d, %d", n, c, size, size, c2, s2)
		}
	}
	a := &arena{}
	b := a.floats(1000)
	b[3] = 7
	a.release()
	b3 := (&arena{}).scratch(2000)
	if len(b3) != 2000 {
		t.Fatalf("scratch: length %d", len(b3))
	}
	b2 := (&arena{}).floats(990)
	if b2[3] != 0 || len(b2) != 990 {
		t.Fatalf("reused buffer not cleared or wrong length: %v, %d", b2[3], len(b2))
	}
}

// TestReleasedBuffersDoNotLeak runs a training pass, releases it, fills
// every pooled buffer with NaN and runs the same pass again: logits, loss
// and every gradient must be bit-identical, for each architecture (so no
// buffer taken without clearing is read before it is written).
func TestReleasedBuffersDoNotLeak(t *testing.T) {
	for _, cfg := range append(archConfigs(), tinyConfig("llama", false, true)) {
		m := tinyModel(t, cfg, 1)
		if err := m.AddLoRA(LoRAConfig{R: 4, Alpha: 8, Dropout: 0.1, TargetModules: allModules(m)}, 2); err != nil {
			t.Fatal(err)
		}
		randomizeLoRA(m, 3)
		m.TrainAll()
		const B, T = 2, 9
		tokens, targets := randomTokens(B*T, cfg.VocabSize, 4), randomTokens(B*T, cfg.VocabSize, 5)
		pass := func() (float64, []float32, [][]float32) {
			m.ZeroGrad()
			acts := mustForward(t, m, tokens, B, T, ForwardOptions{Train: true, Seed: 6})
			loss, dl, err := acts.CrossEntropy(cfg.VocabSize, targets, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Backward(acts, dl); err != nil {
				t.Fatal(err)
			}
			logits := append([]float32(nil), acts.Logits...)
			acts.Release()
			var grads [][]float32
			for _, p := range m.TrainableParams() {
				grads = append(grads, append([]float32(nil), p.G...))
			}
			return loss, logits, grads
		}
		loss1, logits1, grads1 := pass()
		pool.mu.Lock()
		for _, l := range pool.free {
			for _, b := range l {
				b = b[:cap(b)]
				for i := range b {
					b[i] = float32(math.NaN())
				}
			}
		}
		pool.mu.Unlock()
		loss2, logits2, grads2 := pass()
		if loss1 != loss2 || maxAbsDiff(logits1, logits2) != 0 {
			t.Fatalf("%s: second pass over poisoned buffers: loss %v, want %v; logits differ by %v", cfg.ModelType, loss2, loss1, maxAbsDiff(logits1, logits2))
		}
		for i := range grads1 {
			for j := range grads1[i] {
				if grads1[i][j] != grads2[i][j] {
					t.Fatalf("%s: gradient %s[%d] = %v after reuse, want %v", cfg.ModelType, m.TrainableParams()[i].Name, j, grads2[i][j], grads1[i][j])
				}
			}
		}
	}
}
