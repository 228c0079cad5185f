package spider

import (
	"slices"
	"strings"
	"testing"
)

// wordTokenizeRules is wordTokenize without its shortcuts: every rule's
// regular expression, in NLTK's order.
func wordTokenizeRules(text string) []string {
	apply := func(rules ...sub) {
		for _, r := range rules {
			text = r.re.ReplaceAllString(text, r.repl)
		}
	}
	apply(startingQuotes...)
	apply(punctuation...)
	apply(parensBrackets, doubleDashes)
	text = " " + text + " "
	apply(endingQuotes...)
	apply(contractions2...)
	return strings.Fields(text)
}

// TestWordTokenizeShortcuts checks that wordTokenize's shortcuts change no
// token: on every query of the test data and on texts made to fire each rule.
func TestWordTokenizeShortcuts(t *testing.T) {
	texts := []string{
		"SELECT a.b FROM t.", "select x from y .  ", "a.) ", "x..y", "a...", "t.c;", "a:b", "a,b", "a:1,2", "x,",
		"a:", "f(a, b)", "a!=b", "a<>b", "a--b", "[x] {y}", "?", "a*b", "`q`", "«a» “b” ‘c’ „d", "cannot gimme",
		"GONNA Gotta lemme wanna ", "wanna", "SELECT cannot FROM t WHERE a = 'x.'", "a.'", `a."`, "a.]\t",
		"a$b%c&d#e@f;g", ",,a", "::", ",\n", ":é", ",\xff", "a,1", ",", ":,:,1", "x ,é,", "count(*)", "x ..", ". .", "..", ".", "", "   ", "tn tt mm nn",
	}
	for _, name := range []string{"gold_example.txt", "pred_example.txt", "ts_gold.txt", "ts_pred.txt", "mutations_pred.txt.gz"} {
		for _, l := range readLines(t, name) {
			texts = append(texts, l[0])
		}
	}
	for _, s := range texts {
		if got, want := wordTokenize(s), wordTokenizeRules(s); !slices.Equal(got, want) {
			t.Errorf("wordTokenize(%q) = %q, want %q", s, got, want)
		}
	}
}
