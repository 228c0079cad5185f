package plan

import (
	"fmt"
	"strconv"
	"strings"
)

// parser reads the text form left to right; i is the byte offset of the next unread byte.
type parser struct {
	s     string
	i     int
	names Names
}

func (ps *parser) errAt(pos int, format string, args ...any) error {
	return &SyntaxError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// show describes what is at pos for an error message.
func (ps *parser) show(pos int) string {
	if pos >= len(ps.s) {
		return "the end"
	}
	rest := ps.s[pos:]
	if j := strings.IndexAny(rest, " \t"); j > 0 {
		rest = rest[:j]
	}
	if len(rest) > 20 {
		rest = rest[:20] + "..."
	}
	return strconv.Quote(rest)
}

func (ps *parser) space() {
	for ps.i < len(ps.s) && (ps.s[ps.i] == ' ' || ps.s[ps.i] == '\t' || ps.s[ps.i] == '\n' || ps.s[ps.i] == '\r') {
		ps.i++
	}
}

func isIdentByte(c byte, first bool) bool {
	switch {
	case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return true
	case !first && c >= '0' && c <= '9':
		return true
	}
	return false
}

// word reads an identifier or keyword ("" when none is next).
func (ps *parser) word() string {
	ps.space()
	j := ps.i
	for j < len(ps.s) && isIdentByte(ps.s[j], j == ps.i) {
		j++
	}
	w := ps.s[ps.i:j]
	ps.i = j
	return w
}

func (ps *parser) peekWord() string {
	save := ps.i
	w := ps.word()
	ps.i = save
	return w
}

// punct consumes p when it is next.
func (ps *parser) punct(p string) bool {
	ps.space()
	if strings.HasPrefix(ps.s[ps.i:], p) {
		if p == "." && strings.HasPrefix(ps.s[ps.i:], "..") {
			return false
		}
		ps.i += len(p)
		return true
	}
	return false
}

func (ps *parser) oneOf(ops ...string) (string, error) {
	ps.space()
	for _, op := range ops {
		if strings.HasPrefix(ps.s[ps.i:], op) {
			ps.i += len(op)
			return op, nil
		}
	}
	return "", ps.errAt(ps.i, "expected one of %s, found %s", strings.Join(ops, " "), ps.show(ps.i))
}

// name reads an id of the given kind (metric, dimension, segment) and checks it.
func (ps *parser) name(kind string) (string, error) {
	ps.space()
	at := ps.i
	id := ps.word()
	if id == "" {
		return "", ps.errAt(at, "expected a %s, found %s", kind, ps.show(at))
	}
	if clauseRank(id) >= 0 {
		return "", ps.errAt(at, "expected a %s, found the keyword %q", kind, id)
	}
	return id, ps.check(at, kind, id)
}

func (ps *parser) check(at int, kind, id string) error {
	if err := checkName(ps.names, kind, id); err != "" {
		return ps.errAt(at, "%s", err)
	}
	return nil
}

// checkName returns "" when names is nil or knows id as kind, else the problem.
func checkName(names Names, kind, id string) string {
	if names == nil {
		return ""
	}
	var ok bool
	switch kind {
	case "metric":
		ok = names.HasMetric(id)
	case "dimension":
		ok = names.HasDimension(id)
	case "segment":
		ok = names.HasSegment(id)
	}
	if ok {
		return ""
	}
	msg := fmt.Sprintf("unknown %s %q", kind, id)
	if s, ok := names.(Suggester); ok {
		if near := s.Suggest(kind, id); near != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", near)
		}
	}
	return msg
}

// str reads a single-quoted string; ” is a quote.
func (ps *parser) str() (string, error) {
	ps.space()
	at := ps.i
	if ps.i >= len(ps.s) || ps.s[ps.i] != '\'' {
		return "", ps.errAt(at, "expected a quoted value, found %s", ps.show(at))
	}
	var b strings.Builder
	for j := ps.i + 1; j < len(ps.s); j++ {
		if ps.s[j] != '\'' {
			b.WriteByte(ps.s[j])
			continue
		}
		if j+1 < len(ps.s) && ps.s[j+1] == '\'' {
			b.WriteByte('\'')
			j++
			continue
		}
		ps.i = j + 1
		return b.String(), nil
	}
	return "", ps.errAt(at, "unterminated quoted value")
}

func (ps *parser) number() (float64, error) {
	ps.space()
	at := ps.i
	j := ps.i
	if j < len(ps.s) && ps.s[j] == '-' {
		j++
	}
	for j < len(ps.s) && (ps.s[j] >= '0' && ps.s[j] <= '9' || ps.s[j] == '.' || ps.s[j] == 'e' || ps.s[j] == 'E' || ps.s[j] == '+') {
		j++
	}
	v, err := strconv.ParseFloat(ps.s[at:j], 64)
	if err != nil || j == at {
		return 0, ps.errAt(at, "expected a number, found %s", ps.show(at))
	}
	ps.i = j
	return v, nil
}

// count reads a positive integer.
func (ps *parser) count() (int, error) {
	ps.space()
	at := ps.i
	j := ps.i
	for j < len(ps.s) && ps.s[j] >= '0' && ps.s[j] <= '9' {
		j++
	}
	n, err := strconv.Atoi(ps.s[at:j])
	if err != nil || n <= 0 || n > 1_000_000 {
		return 0, ps.errAt(at, "expected a whole number from 1 to 1000000, found %s", ps.show(at))
	}
	ps.i = j
	return n, nil
}

// period reads YYYY, YYYY-Qn, YYYY-Hn, YYYY-MM or YYYY-MM-DD.
func (ps *parser) period() (string, error) {
	ps.space()
	at := ps.i
	j := ps.i
	for j < len(ps.s) && (ps.s[j] >= '0' && ps.s[j] <= '9' || ps.s[j] == '-' || ps.s[j] == 'Q' || ps.s[j] == 'H') {
		j++
	}
	p := ps.s[at:j]
	if _, err := ParsePeriod(p); err != nil {
		return "", ps.errAt(at, "%v", err)
	}
	ps.i = j
	return p, nil
}

// inList says whether the next word "in" opens a value list ("in ('a')") rather than the time
// clause ("in 2024").
func (ps *parser) inList() bool {
	save := ps.i
	defer func() { ps.i = save }()
	ps.word()
	return ps.punct("(")
}
