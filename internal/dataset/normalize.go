package dataset

import (
	"slices"
	"strings"
	"unicode"

	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// NormalizeSQL is the default SQL normaliser used until a real formatter is injected:
// whitespace runs outside quotes collapse to one space, and trailing semicolons go
// (sqlparse.Squeeze). Quoted strings and identifiers ('...', "...", `...`, [...]) and
// comments are kept byte for byte; a semicolon inside an unterminated string stays.
func NormalizeSQL(sql string) string {
	toks, _ := sqlparse.Tokenize(sql)
	end := len(sql)
	for n := len(toks); n > 0 && toks[n-1].IsPunct(";"); n-- {
		end = toks[n-1].Pos
	}
	return sqlparse.Squeeze(sql[:end], nil)
}

// NormalizeQuestion is the key for exact duplicate questions: lower case, punctuation
// removed (apostrophes inside words dropped), whitespace collapsed.
func NormalizeQuestion(q string) string {
	var b strings.Builder
	b.Grow(len(q))
	space := false
	for _, c := range q {
		switch {
		case unicode.IsLetter(c) || unicode.IsDigit(c):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(c))
		case c == '\'' || c == '\u2019':
			// "customer's" and "customers" stay distinct, "don't" = "dont"
		default:
			space = true
		}
	}
	return b.String()
}

// token is one word of a question as written, for the value-difference rule.
type token struct {
	key   string // lower-cased, punctuation trimmed
	value bool   // holds a digit, was quoted, or is capitalised (not sentence-initial)
}

// questionTokens splits a question into words and marks those that look like literal values.
func questionTokens(q string) []token {
	fields := strings.Fields(q)
	out := make([]token, 0, len(fields))
	inQuote := false
	for i, f := range fields {
		if strings.ContainsRune(quoteOpen, []rune(f)[0]) {
			inQuote = true
		}
		quoted := inQuote
		if tail := strings.TrimRight(f, ".,;:?!)"); tail != "" && strings.ContainsRune(quoteClose, []rune(tail)[len([]rune(tail))-1]) {
			inQuote = false
		}
		w := strings.TrimFunc(f, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) })
		if w == "" {
			continue
		}
		t := token{key: strings.ToLower(w), value: quoted}
		for j, c := range w {
			if unicode.IsDigit(c) || (j == 0 && i > 0 && unicode.IsUpper(c)) {
				t.value = true
				break
			}
		}
		out = append(out, t)
	}
	return out
}

const (
	quoteOpen  = "'\"‘“"
	quoteClose = "'\"’”"
)

// differsInValue reports whether the words in which a and b differ include a literal value
// (a number, a quoted string or a capitalised name): "revenue in 2021" and "revenue in 2022"
// ask different questions however similar their characters are. Both slices must be sorted
// by sortTokens.
func differsInValue(a, b []token) bool {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].key < b[j].key):
			if a[i].value {
				return true
			}
			i++
		case i == len(a) || b[j].key < a[i].key:
			if b[j].value {
				return true
			}
			j++
		default: // equal keys match one for one
			i++
			j++
		}
	}
	return false
}

// sortTokens orders tokens by key for differsInValue (equal keys pair up one for one
// whatever their marks; the tie order only keeps the result deterministic).
func sortTokens(t []token) []token {
	slices.SortFunc(t, func(x, y token) int {
		if c := strings.Compare(x.key, y.key); c != 0 {
			return c
		}
		switch {
		case x.value == y.value:
			return 0
		case x.value:
			return -1
		}
		return 1
	})
	return t
}
