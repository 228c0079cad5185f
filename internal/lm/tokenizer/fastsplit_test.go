package tokenizer

import (
	"slices"
	"testing"
)

var splitCases = []string{
	"", "SELECT name, COUNT(*) FROM users WHERE id >= 42;", "Hello  world \n\n  x", "it's I'LL we're 'S 'Re",
	"  leading", "trailing  ", "\t\ttab\n", "a\r\n\r\nb", "12345678 1,234.5", "日本語 テキスト 🙂🙂 ok",
	"x\u00a0\u00a0y", "!!!\n\nfoo", " ?! \n", "don't'sx", "\xff\xfe abc \xc3", "é1é 二三四五",
	"CREATE TABLE t (a VARCHAR, b INT)\n", "'", "' ", " '", "  \n  x", "a\u2028b", "\n \n x",
}

func TestFastSplitMatchesRegex(t *testing.T) {
	for _, pattern := range []string{GPT2Pattern, Llama3Pattern, Qwen2Pattern} {
		re, err := compileRegex(pattern)
		if err != nil {
			t.Fatal(err)
		}
		slow := &splitter{re: re}
		fast := fastSplitters[pattern]
		for _, s := range splitCases {
			want := slow.pieces(s, behaviorIsolated, false)
			if got := fast(s); !slices.Equal(got, want) {
				t.Errorf("pattern %.20q: split(%q) = %q, want %q", pattern, s, got, want)
			}
		}
	}
}

// FuzzFastSplit checks the hand-written splitters against regexp2 on any input.
func FuzzFastSplit(f *testing.F) {
	for _, s := range splitCases {
		f.Add(s)
	}
	res := map[string]*splitter{}
	for _, p := range []string{GPT2Pattern, Llama3Pattern, Qwen2Pattern} {
		re, err := compileRegex(p)
		if err != nil {
			f.Fatal(err)
		}
		res[p] = &splitter{re: re}
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 200 {
			return // regexp2 backtracks quadratically on long whitespace runs
		}
		for p, slow := range res {
			want := slow.pieces(s, behaviorIsolated, false)
			if got := fastSplitters[p](s); !slices.Equal(got, want) {
				t.Fatalf("pattern %.20q: split(%q) = %q, want %q", p, s, got, want)
			}
		}
	})
}
