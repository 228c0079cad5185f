package sqlparse

import (
	"sort"
	"strings"

	rq "github.com/rqlite/sql"
)

// Tables returns the tables sql reads: every table named in a FROM or JOIN
// anywhere in the statement (CTE bodies and subqueries included), with names
// of CTEs in scope resolved away. Names are unquoted and without schema
// prefix, sorted and deduplicated without regard to case (as SQLite compares
// them), keeping the first spelling in sorted order. When the AST parser
// rejects the text, a token scan (FROM/JOIN followed by a name, comma lists
// included) gives the answer; the error is then only about tokenizing or an
// empty input.
func Tables(sql string) ([]string, error) {
	s, err := ParseSelect(sql)
	if err != nil {
		toks, terr := Tokenize(sql)
		if terr != nil {
			return nil, terr
		}
		if len(splitStatements(toks)) == 0 {
			return nil, ErrEmpty
		}
		return dedupFold(tokenTables(toks)), nil
	}
	var names []string
	eachSelect(s, nil, func(sel *rq.SelectStatement, ctes map[string]bool) {
		if sel.Source == nil {
			return
		}
		walkSource(sel.Source, func(t *rq.QualifiedTableName) {
			if name := rq.IdentName(t.Name); !ctes[strings.ToLower(name)] {
				names = append(names, name)
			}
		}, func(*rq.SelectStatement) {}, func(rq.Expr) {})
	})
	return dedupFold(names), nil
}

// dedupFold sorts names case-insensitively and drops case-insensitive
// duplicates.
func dedupFold(names []string) []string {
	sort.Slice(names, func(i, j int) bool {
		a, b := strings.ToLower(names[i]), strings.ToLower(names[j])
		if a != b {
			return a < b
		}
		return names[i] < names[j]
	})
	out := names[:0]
	for i, n := range names {
		if i > 0 && strings.EqualFold(n, out[len(out)-1]) {
			continue
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return []string{}
	}
	return out
}

// tokenTables is Tables' fallback over tokens.
func tokenTables(toks []Token) []string {
	toks = significant(toks)
	ctes := map[string]bool{}
	for i := 0; i+2 < len(toks); i++ {
		// name AS (  or  name (cols) AS (, right after WITH [RECURSIVE] or a comma.
		if !isName(toks[i]) || i == 0 {
			continue
		}
		p := toks[i-1]
		if !(p.Is("WITH") || p.Is("RECURSIVE") || p.IsPunct(",")) {
			continue
		}
		j := i + 1
		if toks[j].IsPunct("(") {
			for j < len(toks) && !toks[j].IsPunct(")") {
				j++
			}
			j++
		}
		if j+1 < len(toks) && toks[j].Is("AS") && toks[j+1].IsPunct("(") {
			ctes[strings.ToLower(toks[i].Name())] = true
		}
	}
	var names []string
	for i := 0; i < len(toks); i++ {
		if !(toks[i].Is("FROM") || toks[i].Is("JOIN")) {
			continue
		}
		for j := i + 1; j < len(toks) && isName(toks[j]); {
			name := toks[j].Name()
			j++
			if j+1 < len(toks) && toks[j].IsPunct(".") && isName(toks[j+1]) {
				name = toks[j+1].Name()
				j += 2
			}
			if !ctes[strings.ToLower(name)] {
				names = append(names, name)
			}
			if j < len(toks) && toks[j].Is("AS") {
				j++
			}
			if j < len(toks) && isName(toks[j]) {
				j++
			}
			if j >= len(toks) || !toks[j].IsPunct(",") {
				break
			}
			j++
		}
	}
	return names
}

// significant drops comments.
func significant(toks []Token) []Token {
	out := make([]Token, 0, len(toks))
	for _, t := range toks {
		if t.Kind != Comment {
			out = append(out, t)
		}
	}
	return out
}

func isName(t Token) bool { return t.Kind == Ident || t.Kind == QuotedIdent }

// HasOrderBy reports whether ORDER BY occurs anywhere in sql — outer query,
// subqueries, CTEs and window definitions alike. This is Spider
// test-suite's rule for whether row order matters ('order by' in the gold
// query's lower-cased text), read over tokens: ORDER and BY may be separated
// by any whitespace or comment, and text inside string literals, quoted
// identifiers and comments does not count.
func HasOrderBy(sql string) bool {
	toks, _ := Tokenize(sql)
	toks = significant(toks)
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].Is("ORDER") && toks[i+1].Is("BY") {
			return true
		}
	}
	return false
}

// OuterOrderBy reports whether the outermost query orders its result: an
// ORDER BY outside every parenthesis (so not in a subquery, CTE body or
// window definition). For a compound query that ORDER BY orders the whole
// result.
func OuterOrderBy(sql string) bool {
	toks, _ := Tokenize(sql)
	toks = significant(toks)
	depth := 0
	for i, t := range toks {
		switch {
		case t.IsPunct("("):
			depth++
		case t.IsPunct(")"):
			if depth > 0 {
				depth--
			}
		case depth == 0 && t.Is("ORDER") && i+1 < len(toks) && toks[i+1].Is("BY"):
			return true
		}
	}
	return false
}

// StripDistinct removes every DISTINCT keyword from sql, as Spider
// test-suite's remove_distinct does before executing both queries
// ("SELECT DISTINCT a" becomes "SELECT a", "count(DISTINCT a)" becomes
// "count(a)"). The rest of the text is kept as written, and DISTINCT inside
// strings, quoted identifiers and comments stays. Unlike the original, the
// DISTINCT of "IS [NOT] DISTINCT FROM" is kept, as removing it would break
// the query.
func StripDistinct(sql string) string {
	toks, _ := Tokenize(sql)
	var b strings.Builder
	at := 0
	for i, t := range toks {
		if !t.Is("DISTINCT") {
			continue
		}
		if i > 0 && (toks[i-1].Is("IS") || toks[i-1].Is("NOT") && i > 1 && toks[i-2].Is("IS")) {
			continue
		}
		b.WriteString(sql[at:t.Pos])
		at = t.Pos + len(t.Text)
		for at < len(sql) && isSpace(sql[at]) {
			at++
		}
	}
	if at == 0 {
		return sql
	}
	b.WriteString(sql[at:])
	return b.String()
}
