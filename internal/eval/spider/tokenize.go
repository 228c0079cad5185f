package spider

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// errQuote is process_sql.tokenize's "Unexpected quote" assertion: an odd
// number of quote characters.
var errQuote = errors.New("unexpected quote")

// Tokenize is process_sql.py's tokenize (lines 116-147): every ' becomes ",
// each "..." pair is set aside as one value token (quotes kept, case kept),
// the rest is split by NLTK's word_tokenize (wordTokenize) and lower-cased,
// and "!", ">" or "<" followed by "=" are joined into one token.
func Tokenize(s string) ([]string, error) {
	s = strings.ReplaceAll(s, "'", `"`)
	var quotes []int
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			quotes = append(quotes, i)
		}
	}
	if len(quotes)%2 != 0 {
		return nil, errQuote
	}
	vals := map[string]string{}
	for i := len(quotes) - 1; i > 0; i -= 2 {
		q1, q2 := quotes[i-1], quotes[i]
		key := fmt.Sprintf("__val_%d_%d__", q1, q2)
		vals[key] = s[q1 : q2+1]
		s = s[:q1] + key + s[q2+1:]
	}
	toks := wordTokenize(s)
	for i, t := range toks {
		t = strings.ToLower(t)
		if v, ok := vals[t]; ok {
			t = v
		}
		toks[i] = t
	}
	for i := len(toks) - 1; i >= 0; i-- { // eq_idxs, from the last
		if toks[i] != "=" {
			continue
		}
		p := i - 1
		if p < 0 {
			p += len(toks) // Python's toks[-1]
		}
		if pre := toks[p]; pre == "!" || pre == ">" || pre == "<" {
			toks = pyConcat(pySlice(toks, 0, i-1), []string{pre + "="}, toks[i+1:])
		}
	}
	return toks, nil
}

// pySlice is Python's toks[from:to] for the negative bounds tokenize can
// produce.
func pySlice(toks []string, from, to int) []string {
	if to < 0 {
		to += len(toks)
	}
	if to < from {
		return nil
	}
	return toks[from:to]
}

func pyConcat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// sub is one of NLTK's (regexp, substitution) pairs.
type sub struct {
	re   *regexp.Regexp
	repl string
}

// The rules of NLTK 3.8's NLTKWordTokenizer.tokenize (nltk/tokenize/
// destructive.py) that can fire here. Tokenize has replaced every quote
// character before word_tokenize runs, so the rules that need ' or " (most
// of STARTING_QUOTES and ENDING_QUOTES, CONTRACTIONS3) never match and are
// left out.
var (
	startingQuotes = []sub{{regexp.MustCompile("([«“‘„]|[`]+)"), " $1 "}}
	punctuation    = []sub{
		{regexp.MustCompile(`([^.])(\.)([\])}>"'»”’ ]*)\s*$`), "$1 $2 $3 "},
		{regexp.MustCompile(`([:,])([^0-9])`), " $1 $2"},
		{regexp.MustCompile(`([:,])$`), " $1 "},
		{regexp.MustCompile(`\.{2,}`), " $0 "},
		{regexp.MustCompile(`[;@#$%&]`), " $0 "},
		{regexp.MustCompile(`([^.])(\.)([\])}>"']*)\s*$`), "$1 $2$3 "},
		{regexp.MustCompile(`[?!]`), " $0 "},
		{regexp.MustCompile(`[*]`), " $0 "},
	}
	parensBrackets = sub{regexp.MustCompile(`[\][(){}<>]`), " $0 "}
	doubleDashes   = sub{regexp.MustCompile(`--`), " -- "}
	endingQuotes   = []sub{{regexp.MustCompile("([»”’])"), " $1 "}}
	contractions2  = []sub{
		{regexp.MustCompile(`(?i)\b(can)(not)\b`), " $1 $2 "},
		{regexp.MustCompile(`(?i)\b(gim)(me)\b`), " $1 $2 "},
		{regexp.MustCompile(`(?i)\b(gon)(na)\b`), " $1 $2 "},
		{regexp.MustCompile(`(?i)\b(got)(ta)\b`), " $1 $2 "},
		{regexp.MustCompile(`(?i)\b(lem)(me)\b`), " $1 $2 "},
		// (?i)\b(wan)(na)(?=\s): RE2 has no lookahead, so the space is
		// matched and put back.
		{regexp.MustCompile(`(?i)\b(wan)(na)(\s)`), " $1 $2 $3"},
	}
)

// wordTokenize is NLTK's word_tokenize(text, preserve_line=True): the
// treebank rules above applied in NLTK's order, then a split on white
// space. NLTK's default also splits sentences with Punkt first; for SQL
// that only matters for a period followed by white space, which Spider
// queries do not have.
func wordTokenize(text string) []string {
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
