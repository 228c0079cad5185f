package plan

import (
	"errors"
	"regexp"
	"strings"
)

// Vocabulary lists what a constrained decoder may write: the ids of one ontology and,
// when Values is not nil, the only filter values allowed (those linked in the question).
type Vocabulary struct {
	Metrics, Dimensions, Segments []string
	Values                        []string
}

func (v Vocabulary) HasMetric(id string) bool    { return containsStr(v.Metrics, id) }
func (v Vocabulary) HasDimension(id string) bool { return containsStr(v.Dimensions, id) }
func (v Vocabulary) HasSegment(id string) bool   { return containsStr(v.Segments, id) }

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var partialPeriod = regexp.MustCompile(`^[0-9]{1,4}(-([QH][0-9]?|[0-9]{0,2}(-[0-9]{0,2})?)?)?(\.\.?)?$`)

// CheckPrefix says whether text is the beginning of a plan over v (valid) and whether it is a
// whole plan (complete): every name known and, with v.Values set, every filter value one of
// them. A constrained decoder allows a token only while the text stays valid, and stops only
// once it is complete.
func CheckPrefix(text string, v Vocabulary) (valid, complete bool) {
	if !closedValuesAllowed(text, v.Values) {
		return false, false
	}
	_, err := Parse(text, v)
	if err == nil {
		return true, true
	}
	var se *SyntaxError
	if !errors.As(err, &se) || se.Pos < 0 {
		return false, false
	}
	if se.Pos >= len(strings.TrimRight(text, " ")) {
		return true, false // the text ended where more was expected
	}
	rest := text[se.Pos:]
	if strings.HasPrefix(rest, "'") {
		return openValue(rest[1:], v.Values), false
	}
	if strings.ContainsAny(rest, " \t") {
		return false, false // the error is before the last word
	}
	return partialWord(rest, v), false
}

// partialWord: the last, unfinished word may still become a keyword, a name or a period.
func partialWord(w string, v Vocabulary) bool {
	if partialPeriod.MatchString(w) {
		return true
	}
	cands := append(append(append([]string{}, clauseOrder...), "list", "id", "both", "and", "of", "ratio", "asc", "desc", "label",
		"last", "years", "quarters", "months", "..", ".id", ".both", "!=", "=", ">=", "<=", ">", "<", "(", ","), v.Metrics...)
	cands = append(append(cands, v.Dimensions...), v.Segments...)
	for _, c := range cands {
		if strings.HasPrefix(c, w) || strings.HasPrefix(w, c) && partialWordTail(w[len(c):], v) {
			return true
		}
	}
	return false
}

// partialWordTail accepts glued punctuation after a whole word ("product,rev").
func partialWordTail(rest string, v Vocabulary) bool {
	if rest == "" {
		return true
	}
	switch rest[0] {
	case ',', '.', '(':
		return partialWord(rest[1:], v) || rest[1:] == ""
	}
	return false
}

// openValue: an unterminated quoted value may still become an allowed value.
func openValue(body string, values []string) bool {
	if values == nil {
		return true
	}
	s := strings.ReplaceAll(body, "''", "'")
	for _, v := range values {
		if strings.HasPrefix(v, s) {
			return true
		}
	}
	return false
}

// closedValuesAllowed: every quoted value the text has closed is one of values (nil: any).
func closedValuesAllowed(text string, values []string) bool {
	if values == nil {
		return true
	}
	for i := 0; i < len(text); i++ {
		if text[i] != '\'' {
			continue
		}
		var b strings.Builder
		j := i + 1
		closed := false
		for ; j < len(text); j++ {
			if text[j] != '\'' {
				b.WriteByte(text[j])
				continue
			}
			if j+1 < len(text) && text[j+1] == '\'' {
				b.WriteByte('\'')
				j++
				continue
			}
			closed = true
			break
		}
		if !closed {
			return true // the open value is checked by openValue
		}
		if !containsStr(values, b.String()) {
			return false
		}
		i = j
	}
	return true
}
