package sqlparse

import (
	"errors"
	"fmt"
	"strings"

	rq "github.com/rqlite/sql"
)

// ErrEmpty is returned for input holding no statement (only whitespace,
// comments or semicolons).
var ErrEmpty = errors.New("no sql statement")

// Parse checks that sql is exactly one syntactically valid SQLite statement
// and returns its AST (github.com/rqlite/sql). Comments and trailing
// semicolons are ignored; [bracket] and `backtick` identifiers are accepted
// (rewritten to "double quotes" for the parser). Note rqlite's reading of
// "LIMIT a, b": it stores a as the limit and b as the offset, while SQLite
// means offset a, limit b (OffsetComma marks that form).
func Parse(sql string) (rq.Statement, error) {
	toks, err := Tokenize(sql)
	if err != nil {
		return nil, fmt.Errorf("parse sql: %w", err)
	}
	stmts := splitStatements(toks)
	switch {
	case len(stmts) == 0:
		return nil, ErrEmpty
	case len(stmts) > 1:
		return nil, fmt.Errorf("parse sql: %d statements, want exactly one", len(stmts))
	}
	depth := 0
	for _, t := range stmts[0] {
		switch {
		case t.Kind == Illegal:
			return nil, fmt.Errorf("parse sql: unexpected %q at byte %d", t.Text, t.Pos)
		case t.IsPunct("("):
			depth++
		case t.IsPunct(")"):
			if depth--; depth < 0 {
				return nil, fmt.Errorf("parse sql: unmatched ')' at byte %d", t.Pos)
			}
		}
	}
	if depth > 0 {
		// rqlite/sql accepts some unclosed parentheses.
		return nil, fmt.Errorf("parse sql: %d unclosed '('", depth)
	}
	stmt, err := rq.NewParser(strings.NewReader(parserText(stmts[0]))).ParseStatement()
	if err != nil {
		return nil, fmt.Errorf("parse sql: %w", err)
	}
	return stmt, nil
}

// ParseSelect is Parse for a query: it fails unless the statement is a
// SELECT (with or without WITH, VALUES or compound operators).
func ParseSelect(sql string) (*rq.SelectStatement, error) {
	stmt, err := Parse(sql)
	if err != nil {
		return nil, err
	}
	sel, ok := stmt.(*rq.SelectStatement)
	if !ok {
		return nil, fmt.Errorf("parse sql: %s statement, want SELECT", statementKind(stmt))
	}
	return sel, nil
}

// statementKind names a statement for error messages ("INSERT", "PRAGMA").
func statementKind(stmt rq.Statement) string {
	name := fmt.Sprintf("%T", stmt)
	name = strings.TrimPrefix(name, "*sql.")
	name = strings.TrimSuffix(name, "Statement")
	return strings.ToUpper(name)
}

// splitStatements splits tokens (comments dropped) at semicolons and returns
// the non-empty statements.
func splitStatements(toks []Token) [][]Token {
	var out [][]Token
	var cur []Token
	for _, t := range toks {
		switch {
		case t.Kind == Comment:
		case t.IsPunct(";"):
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
		default:
			cur = append(cur, t)
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// parserText rebuilds one statement for rqlite's parser: tokens separated
// by single spaces, every quoted identifier written with double quotes, and
// identifiers with non-ASCII letters quoted too (rqlite's scanner rejects
// them bare, SQLite does not), as are those containing '$'.
func parserText(toks []Token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		if t.Kind == QuotedIdent && t.Text[0] != '"' || t.Kind == Ident && (!isASCII(t.Text) || strings.IndexByte(t.Text, '$') >= 0) {
			b.WriteString(`"` + strings.ReplaceAll(t.Name(), `"`, `""`) + `"`)
			continue
		}
		b.WriteString(t.Text)
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
