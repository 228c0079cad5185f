package lm

import (
	"context"
	"slices"
	"testing"
)

// generateUncached decodes greedily by re-running the whole sequence at
// every step: the reference the cached path must reproduce.
func generateUncached(t *testing.T, m *Model, prompt []int, maxNew int) []int {
	seq := slices.Clone(prompt)
	V := m.Config.VocabSize
	for range maxNew {
		a := mustForward(t, m, seq, 1, len(seq), ForwardOptions{})
		seq = append(seq, argmax(a.Logits[(len(seq)-1)*V:]))
	}
	return seq[len(prompt):]
}

func TestGenerateCachedMatchesUncached(t *testing.T) {
	for _, cfg := range archConfigs() {
		m := tinyModel(t, cfg, 81)
		if err := m.AddLoRA(DefaultLoRAConfig(), 82); err != nil {
			t.Fatal(err)
		}
		randomizeLoRA(m, 83)
		prompt := randomTokens(5, cfg.VocabSize, 84)
		got, err := m.Generate(context.Background(), prompt, 12, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := generateUncached(t, m, prompt, 12)
		if !slices.Equal(got, want) {
			t.Errorf("%s: cached decoding %v, uncached %v", cfg.ModelType, got, want)
		}
		// Cached step logits agree with the full pass, not just the argmax.
		c := m.NewKVCache(8)
		if _, err := m.Prefill(c, prompt[:3]); err != nil {
			t.Fatal(err)
		}
		step, err := m.Step(c, prompt[3])
		if err != nil {
			t.Fatal(err)
		}
		full := mustForward(t, m, prompt[:4], 1, 4, ForwardOptions{}).Logits[3*cfg.VocabSize:]
		if d := maxAbsDiff(step, full); d > 1e-5 {
			t.Errorf("%s: cached step logits differ from the full pass by %g", cfg.ModelType, d)
		}
		// A stop sequence ends generation and is trimmed.
		stopped, err := m.Generate(context.Background(), prompt, 12, [][]int{want[2:4]})
		if err != nil {
			t.Fatal(err)
		}
		if idx := indexSeq(want, want[2:4]); !slices.Equal(stopped, want[:idx]) {
			t.Errorf("%s: with stop %v got %v, want %v", cfg.ModelType, want[2:4], stopped, want[:idx])
		}
	}
}

func indexSeq(s, sub []int) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if slices.Equal(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

func TestGenerateHonoursContext(t *testing.T) {
	m := tinyModel(t, tinyConfig("llama", false, false), 91)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Generate(ctx, []int{1, 2}, 4, nil); err == nil {
		t.Error("Generate with a cancelled context returned no error")
	}
}
