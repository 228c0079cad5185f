package sqlparse

import (
	"fmt"
	"strings"
)

// Kind is the lexical class of a Token.
type Kind uint8

// Token kinds. Keyword is a word in the SQL keyword set (see IsKeyword);
// Ident is any other unquoted word, function names included.
const (
	Illegal     Kind = iota // a byte no SQLite token starts with
	Keyword                 // SELECT, FROM, ...
	Ident                   // unquoted identifier or function name
	QuotedIdent             // "x", [x] or `x`
	String                  // 'text'
	Number                  // 12, 1.5e3, 0x1F, .5
	Blob                    // x'00ff'
	Param                   // ?, ?1, :name, @name, $name
	Operator                // = <> || -> + - * / % & | ~ << >> < > <= >= != ==
	Punct                   // ( ) , ; .
	Comment                 // -- line or /* block */
)

var kindNames = [...]string{"illegal", "keyword", "ident", "quoted-ident", "string", "number", "blob", "param", "operator", "punct", "comment"}

// String returns the kind's lower-case name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Token is one lexical unit of SQL text. Text is the exact source bytes, so
// joining the texts of all tokens with the whitespace between them gives the
// input back.
type Token struct {
	Kind Kind
	Text string // exact source text, quotes included
	Pos  int    // byte offset in the input
}

// Name returns the identifier a Ident or QuotedIdent token denotes: the
// quotes removed and doubled quote characters undone. For other kinds it
// returns Text.
func (t Token) Name() string {
	if t.Kind != QuotedIdent || len(t.Text) < 2 {
		return t.Text
	}
	q := t.Text[0]
	inner := t.Text[1 : len(t.Text)-1]
	if q == '[' {
		return inner
	}
	if closing := t.Text[len(t.Text)-1]; closing != q {
		// Unterminated: everything after the quote.
		inner = t.Text[1:]
	}
	return strings.ReplaceAll(inner, string([]byte{q, q}), string(q))
}

// Is reports whether t is the keyword kw (upper case).
func (t Token) Is(kw string) bool {
	return t.Kind == Keyword && strings.EqualFold(t.Text, kw)
}

// IsPunct reports whether t is the punctuation or operator p.
func (t Token) IsPunct(p string) bool {
	return (t.Kind == Punct || t.Kind == Operator) && t.Text == p
}

// Tokenize splits sql into tokens, whitespace dropped and comments kept (as
// Comment tokens). It always returns every token it could read: an
// unterminated string, identifier or comment runs to the end of the input,
// and an unknown byte becomes an Illegal token; the error then names the
// first such problem and its byte offset.
func Tokenize(sql string) ([]Token, error) {
	toks := make([]Token, 0, len(sql)/4+1)
	var firstErr error
	for i := 0; i < len(sql); {
		c := sql[i]
		if isSpace(c) {
			i++
			continue
		}
		end, kind, problem := scanToken(sql, i)
		if problem != "" && firstErr == nil {
			firstErr = fmt.Errorf("tokenize: %s at byte %d", problem, i)
		}
		toks = append(toks, Token{Kind: kind, Text: sql[i:end], Pos: i})
		i = end
	}
	return toks, firstErr
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// isWordStart reports whether c may start an unquoted identifier. Bytes of
// multi-byte UTF-8 characters count, as SQLite allows them in identifiers.
func isWordStart(c byte) bool {
	return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordByte(c byte) bool { return isWordStart(c) || isDigit(c) || c == '$' }

// scanToken reads the token starting at sql[i] (not whitespace) and returns
// its end, kind, and a problem description when the token is malformed.
func scanToken(sql string, i int) (end int, kind Kind, problem string) {
	c := sql[i]
	n := len(sql)
	switch {
	case (c == 'x' || c == 'X') && i+1 < n && sql[i+1] == '\'':
		end, ok := scanQuoted(sql, i+1, '\'')
		if !ok {
			return end, Blob, "unterminated blob literal"
		}
		return end, Blob, ""
	case isWordStart(c):
		j := i + 1
		for j < n && isWordByte(sql[j]) {
			j++
		}
		if IsKeyword(sql[i:j]) {
			return j, Keyword, ""
		}
		return j, Ident, ""
	case isDigit(c) || (c == '.' && i+1 < n && isDigit(sql[i+1])):
		return scanNumber(sql, i), Number, ""
	case c == '\'':
		end, ok := scanQuoted(sql, i, '\'')
		if !ok {
			return end, String, "unterminated string literal"
		}
		return end, String, ""
	case c == '"' || c == '`':
		end, ok := scanQuoted(sql, i, c)
		if !ok {
			return end, QuotedIdent, "unterminated quoted identifier"
		}
		return end, QuotedIdent, ""
	case c == '[':
		if k := strings.IndexByte(sql[i:], ']'); k >= 0 {
			return i + k + 1, QuotedIdent, ""
		}
		return n, QuotedIdent, "unterminated [identifier]"
	case c == '-' && i+1 < n && sql[i+1] == '-':
		if k := strings.IndexByte(sql[i:], '\n'); k >= 0 {
			return i + k, Comment, ""
		}
		return n, Comment, ""
	case c == '/' && i+1 < n && sql[i+1] == '*':
		if k := strings.Index(sql[i+2:], "*/"); k >= 0 {
			return i + 2 + k + 2, Comment, ""
		}
		return n, Comment, "unterminated block comment"
	case c == '?':
		j := i + 1
		for j < n && isDigit(sql[j]) {
			j++
		}
		return j, Param, ""
	case (c == ':' || c == '@' || c == '$') && i+1 < n && isWordByte(sql[i+1]):
		j := i + 1
		for j < n && isWordByte(sql[j]) {
			j++
		}
		return j, Param, ""
	case c == '(' || c == ')' || c == ',' || c == ';' || c == '.':
		return i + 1, Punct, ""
	}
	if op := scanOperator(sql[i:]); op > 0 {
		return i + op, Operator, ""
	}
	// One whole UTF-8 sequence would start with >= 0x80 and is a word, so
	// this is a single unknown ASCII byte.
	return i + 1, Illegal, fmt.Sprintf("unexpected character %q", c)
}

// scanQuoted returns the end of the quoted run starting at sql[i] == q, where
// a doubled q stands for one; ok is false when the input ends first.
func scanQuoted(sql string, i int, q byte) (end int, ok bool) {
	for j := i + 1; j < len(sql); j++ {
		if sql[j] != q {
			continue
		}
		if j+1 < len(sql) && sql[j+1] == q {
			j++
			continue
		}
		return j + 1, true
	}
	return len(sql), false
}

// scanNumber returns the end of the numeric literal at sql[i]: decimal with
// optional fraction and exponent, or hexadecimal, digit separators ('_')
// allowed. Letters glued to a number stay part of it, as SQLite rejects
// such text as one malformed token.
func scanNumber(sql string, i int) int {
	n := len(sql)
	j := i
	if sql[j] == '0' && j+1 < n && (sql[j+1]|0x20) == 'x' {
		j += 2
	} else {
		for j < n && (isDigit(sql[j]) || sql[j] == '_') {
			j++
		}
		if j < n && sql[j] == '.' {
			j++
			for j < n && (isDigit(sql[j]) || sql[j] == '_') {
				j++
			}
		}
		if j < n && (sql[j]|0x20) == 'e' {
			k := j + 1
			if k < n && (sql[k] == '+' || sql[k] == '-') {
				k++
			}
			if k < n && isDigit(sql[k]) {
				j = k
			}
		}
	}
	for j < n && isWordByte(sql[j]) {
		j++
	}
	return j
}

var operators3 = []string{"->>"}

// "::" is PostgreSQL's cast (x::date).
var operators2 = []string{"||", "->", "<<", ">>", "<=", ">=", "<>", "!=", "==", "::"}

// scanOperator returns the length of the operator s starts with, or 0.
func scanOperator(s string) int {
	for _, op := range operators3 {
		if strings.HasPrefix(s, op) {
			return len(op)
		}
	}
	for _, op := range operators2 {
		if strings.HasPrefix(s, op) {
			return len(op)
		}
	}
	switch s[0] {
	case '=', '<', '>', '+', '-', '*', '/', '%', '&', '|', '~':
		return 1
	}
	return 0
}
