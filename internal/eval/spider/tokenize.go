package spider

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
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
//
// Each rule runs only when a cheap test says it can fire (a character it
// needs is there), and the rules that put spaces around single characters
// or "--" are plain replacements, which give the same text: most rules
// never fire on SQL, and running their regular expressions was most of the
// evaluator's time outside SQLite.
func wordTokenize(text string) []string {
	apply := func(r sub) { text = r.re.ReplaceAllString(text, r.repl) }
	if strings.ContainsAny(text, "«“‘„`") {
		apply(startingQuotes[0])
	}
	// punctuation, in NLTK's order
	if finalPeriod(text, " ])}>\"'»”’") {
		apply(punctuation[0])
	}
	if strings.ContainsAny(text, ":,") {
		text = spaceSeparators(text) // ([:,])([^0-9]) -> " $1 $2"
		if strings.HasSuffix(text, ":") || strings.HasSuffix(text, ",") {
			apply(punctuation[2])
		}
	}
	if strings.Contains(text, "..") {
		apply(punctuation[3])
	}
	text = spaceSymbols.Replace(text) // [;@#$%&]
	if finalPeriod(text, "])}>\"'") {
		apply(punctuation[5])
	}
	text = spaceMarks.Replace(text) // [?!], then [*]
	text = spaceBrackets.Replace(text)
	text = strings.ReplaceAll(text, "--", " -- ")
	text = " " + text + " "
	if strings.ContainsAny(text, "»”’") {
		apply(endingQuotes[0])
	}
	if lower := strings.ToLower(text); strings.Contains(lower, "nn") || strings.Contains(lower, "mm") ||
		strings.Contains(lower, "tt") || strings.Contains(lower, "tn") {
		// cannot, gimme, gonna, gotta, lemme, wanna
		for _, r := range contractions2 {
			apply(r)
		}
	}
	return strings.Fields(text)
}

// Replacements equal to the single-character rules " $0 " of wordTokenize.
var (
	spaceSymbols  = spacer(";@#$%&")
	spaceMarks    = spacer("?!*")
	spaceBrackets = spacer("][(){}<>")
)

func spacer(chars string) *strings.Replacer {
	var pairs []string
	for _, c := range chars {
		pairs = append(pairs, string(c), " "+string(c)+" ")
	}
	return strings.NewReplacer(pairs...)
}

// spaceSeparators is NLTK's rule ([:,])([^0-9]) -> " $1 $2": a colon or
// comma followed by anything but a digit gets a space on each side; the
// character after it is part of the match, so a separator right after one
// that matched is left alone, as the regular expression leaves it.
func spaceSeparators(text string) string {
	var b strings.Builder
	b.Grow(len(text) + 16)
	for i := 0; i < len(text); {
		c := text[i]
		if (c == ':' || c == ',') && i+1 < len(text) && (text[i+1] < '0' || text[i+1] > '9') {
			_, n := utf8.DecodeRuneInString(text[i+1:])
			b.WriteByte(' ')
			b.WriteByte(c)
			b.WriteByte(' ')
			b.WriteString(text[i+1 : i+1+n])
			i += 1 + n
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// finalPeriod reports whether text can match NLTK's final-period rules
// ([^.])(\.)([trail]*)\s*$: once the white space and trail characters at its
// end are dropped, it ends in a period. A necessary test, not the match.
func finalPeriod(text, trail string) bool {
	return strings.HasSuffix(strings.TrimRight(text, trail+" \t\n\r\f\v"), ".")
}
