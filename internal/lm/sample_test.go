package lm

import (
	"context"
	"math"
	"slices"
	"testing"
)

// sequenceLogprobs scores tokens after prompt with one full forward pass:
// log softmax of each position's logits at the token that follows.
func sequenceLogprobs(t *testing.T, m *Model, prompt, tokens []int) []float64 {
	t.Helper()
	seq := append(slices.Clone(prompt), tokens...)
	V := m.Config.VocabSize
	a := mustForward(t, m, seq, 1, len(seq), ForwardOptions{})
	var out []float64
	for i, tok := range tokens {
		row := a.Logits[(len(prompt)+i-1)*V : (len(prompt)+i)*V]
		out = append(out, logSoftmaxAt(row, tok))
	}
	return out
}

func generateWith(t *testing.T, m *Model, prompt []int, opts GenerateOptions) Result {
	t.Helper()
	r, err := m.GenerateWith(context.Background(), prompt, opts)
	if err != nil {
		t.Fatalf("GenerateWith(%+v): %v", opts, err)
	}
	return r
}

func TestGenerateWithReducesToGreedy(t *testing.T) {
	m := tinyModel(t, tinyConfig("llama", false, false), 101)
	prompt := randomTokens(5, m.Config.VocabSize, 102)
	want, err := m.Generate(context.Background(), prompt, 12, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opts GenerateOptions
	}{
		{"temperature 0", GenerateOptions{MaxNew: 12}},
		{"temperature 1e-6", GenerateOptions{MaxNew: 12, Temperature: 1e-6, Seed: 1}},
		{"top-p 1e-9", GenerateOptions{MaxNew: 12, Temperature: 1, TopP: 1e-9, Seed: 2}},
		{"top-k 1", GenerateOptions{MaxNew: 12, Temperature: 3, TopK: 1, Seed: 3}},
		{"beam width 1", GenerateOptions{MaxNew: 12, BeamWidth: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := generateWith(t, m, prompt, tc.opts)
			if !slices.Equal(got.Tokens, want) {
				t.Errorf("got %v, want greedy %v", got.Tokens, want)
			}
			if got.Finish != FinishLength {
				t.Errorf("finish %q, want %q", got.Finish, FinishLength)
			}
		})
	}
}

func TestGenerateWithLogprobsAndStop(t *testing.T) {
	m := tinyModel(t, tinyConfig("qwen2", true, false), 111)
	prompt := randomTokens(4, m.Config.VocabSize, 112)
	for _, opts := range []GenerateOptions{
		{MaxNew: 10},
		{MaxNew: 10, Temperature: 1.2, TopP: 0.9, TopK: 8, Seed: 7},
		{MaxNew: 10, BeamWidth: 3},
	} {
		full := generateWith(t, m, prompt, opts)
		want := sequenceLogprobs(t, m, prompt, full.Tokens)
		if len(full.Logprobs) != len(want) {
			t.Fatalf("%+v: %d logprobs for %d tokens", opts, len(full.Logprobs), len(want))
		}
		var sum float64
		for i := range want {
			if math.Abs(full.Logprobs[i]-want[i]) > 1e-4 {
				t.Errorf("%+v: token %d logprob %g, full pass %g", opts, i, full.Logprobs[i], want[i])
			}
			sum += want[i]
		}
		if math.Abs(full.MeanLogprob-sum/float64(len(want))) > 1e-4 || full.MeanLogprob >= 0 {
			t.Errorf("%+v: mean logprob %g, want %g", opts, full.MeanLogprob, sum/float64(len(want)))
		}
		// A stop sequence taken from the output ends it there, trimmed,
		// its log-probabilities still counted.
		opts.Stop = [][]int{full.Tokens[3:5]}
		stopped := generateWith(t, m, prompt, opts)
		idx := indexSeq(full.Tokens, full.Tokens[3:5])
		if opts.BeamWidth > 1 {
			// Beam search may prefer another finished hypothesis; check
			// only that stopped ones are trimmed.
			if stopped.Finish == FinishStop && len(stopped.Logprobs) != len(stopped.Tokens)+2 {
				t.Errorf("beam: %d logprobs for %d tokens plus a 2-token stop", len(stopped.Logprobs), len(stopped.Tokens))
			}
			continue
		}
		if !slices.Equal(stopped.Tokens, full.Tokens[:idx]) || stopped.Finish != FinishStop || len(stopped.Logprobs) != idx+2 {
			t.Errorf("%+v: got %v (%s, %d logprobs), want %v (stop, %d)", opts, stopped.Tokens, stopped.Finish,
				len(stopped.Logprobs), full.Tokens[:idx], idx+2)
		}
	}
}

func TestSamplingIsReproducibleBySeed(t *testing.T) {
	m := tinyModel(t, tinyConfig("llama", false, true), 121)
	prompt := randomTokens(3, m.Config.VocabSize, 122)
	distinct := map[string]bool{}
	for seed := range uint64(6) {
		opts := GenerateOptions{MaxNew: 10, Temperature: 1.5, TopP: 0.95, Seed: seed}
		a, b := generateWith(t, m, prompt, opts), generateWith(t, m, prompt, opts)
		if !slices.Equal(a.Tokens, b.Tokens) {
			t.Errorf("seed %d: %v then %v", seed, a.Tokens, b.Tokens)
		}
		distinct[string(rune(len(a.Tokens)))+string(intsToRunes(a.Tokens))] = true
	}
	if len(distinct) < 2 {
		t.Errorf("6 seeds at temperature 1.5 gave %d distinct outputs", len(distinct))
	}
}

func intsToRunes(xs []int) []rune {
	r := make([]rune, len(xs))
	for i, x := range xs {
		r[i] = rune(x + 'A')
	}
	return r
}

// TestSampleDistribution draws one token many times and compares the
// frequencies with softmax(logits/T), restricted and renormalised to the
// top-k and the nucleus.
func TestSampleDistribution(t *testing.T) {
	m := tinyModel(t, tinyConfig("llama", false, false), 131)
	c := m.NewKVCache(8)
	logits, err := m.Prefill(c, randomTokens(4, m.Config.VocabSize, 132))
	if err != nil {
		t.Fatal(err)
	}
	// Sharpen the random model's logits so the nucleus is a strict subset.
	for i := range logits {
		logits[i] *= 4
	}
	V := len(logits)
	for _, tc := range []struct {
		name string
		opts GenerateOptions
	}{
		{"T=1", GenerateOptions{Temperature: 1}},
		{"T=2", GenerateOptions{Temperature: 2}},
		{"top-k 5", GenerateOptions{Temperature: 1, TopK: 5}},
		{"top-p 0.6", GenerateOptions{Temperature: 1, TopP: 0.6}},
		{"top-p 0.8 T=0.7", GenerateOptions{Temperature: 0.7, TopP: 0.8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := expectedDistribution(logits, tc.opts)
			tc.opts.Seed = 9
			s := newSampler(tc.opts)
			const n = 40000
			counts := make([]float64, V)
			for range n {
				tok, _, ok := s.pick(logits, nil)
				if !ok {
					t.Fatal("no token picked")
				}
				counts[tok]++
			}
			for i := range counts {
				got := counts[i] / n
				if math.Abs(got-want[i]) > 0.01 || (want[i] == 0 && got > 0) {
					t.Errorf("token %d: frequency %.4f, want %.4f", i, got, want[i])
				}
			}
		})
	}
}

// expectedDistribution computes the sampling distribution by its
// definition: softmax at temperature T, keep the top-k, keep the smallest
// prefix (by probability) whose mass reaches top-p, renormalise.
func expectedDistribution(logits []float32, opts GenerateOptions) []float64 {
	V := len(logits)
	p := make([]float64, V)
	var z float64
	for i, v := range logits {
		p[i] = math.Exp(float64(v) / opts.Temperature)
		z += p[i]
	}
	order := make([]int, V)
	for i := range order {
		order[i] = i
		p[i] /= z
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(math.Copysign(1, p[b]-p[a])) })
	keep := make([]bool, V)
	var cum float64
	for rank, i := range order {
		if opts.TopK > 0 && rank >= opts.TopK {
			break
		}
		if opts.TopP > 0 && opts.TopP < 1 && cum >= opts.TopP {
			break
		}
		keep[i], cum = true, cum+p[i]
	}
	out := make([]float64, V)
	for i := range p {
		if keep[i] {
			out[i] = p[i] / cum
		}
	}
	return out
}

// evenOnly allows only even token ids: a constraint simple enough to check.
type evenOnly struct{}

func (evenOnly) Begin() ConstraintState { return evenOnly{} }
func (evenOnly) Advance(tok int) (ConstraintState, bool) {
	return evenOnly{}, tok%2 == 0
}

func TestGenerateWithConstraint(t *testing.T) {
	m := tinyModel(t, tinyConfig("llama", false, false), 141)
	prompt := randomTokens(4, m.Config.VocabSize, 142)
	for _, opts := range []GenerateOptions{
		{MaxNew: 10},
		{MaxNew: 10, Temperature: 1, Seed: 3},
		{MaxNew: 10, Temperature: 1, TopP: 0.5, Seed: 4},
		{MaxNew: 10, BeamWidth: 3},
	} {
		opts.Constraint = evenOnly{}
		got := generateWith(t, m, prompt, opts)
		if len(got.Tokens) != 10 {
			t.Errorf("%+v: %d tokens", opts, len(got.Tokens))
		}
		for _, tok := range got.Tokens {
			if tok%2 != 0 {
				t.Errorf("%+v: odd token in %v", opts, got.Tokens)
			}
		}
	}
	// Greedy under the constraint is the best even token at every step.
	got := generateWith(t, m, prompt, GenerateOptions{MaxNew: 6, Constraint: evenOnly{}})
	seq := slices.Clone(prompt)
	V := m.Config.VocabSize
	for _, tok := range got.Tokens {
		row := mustForward(t, m, seq, 1, len(seq), ForwardOptions{}).Logits[(len(seq)-1)*V:]
		best := 0
		for i := 2; i < V; i += 2 {
			if row[i] > row[best] {
				best = i
			}
		}
		if tok != best {
			t.Fatalf("after %v: constrained greedy took %d, best even token is %d", seq, tok, best)
		}
		seq = append(seq, tok)
	}
}
