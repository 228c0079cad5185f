package ontology

import (
	"regexp"
	"strings"
)

// ColumnRef is a qualified column reference found in an SQL expression.
type ColumnRef struct {
	Table, Column string
}

func (r ColumnRef) String() string { return r.Table + "." + r.Column }

var (
	stringLitRE = regexp.MustCompile(`'(?:[^']|'')*'`)
	identPart   = `(?:"[^"]+"|[A-Za-z_][A-Za-z0-9_]*)`
	qualRE      = regexp.MustCompile(`(^|[^A-Za-z0-9_."])(` + identPart + `)\s*\.\s*(` + identPart + `)`)
	aliasRE     = regexp.MustCompile(`(?i)(?:\bFROM|\bJOIN|,)\s+(` + identPart + `)\s+(?:AS\s+)?([A-Za-z_][A-Za-z0-9_]*)`)
	cteNameRE   = regexp.MustCompile(`(?i)(?:^|\bWITH\s+|,)\s*([A-Za-z_][A-Za-z0-9_]*)\s+AS\s*\(`)
	aggregateRE = regexp.MustCompile(`(?i)\b(SUM|COUNT|AVG|MIN|MAX|TOTAL|GROUP_CONCAT)\s*\(`)
)

// sqlKeywords may follow a table name where an alias would stand; they are not aliases.
var sqlKeywords = map[string]bool{
	"WHERE": true, "ON": true, "JOIN": true, "LEFT": true, "RIGHT": true, "INNER": true, "OUTER": true,
	"CROSS": true, "NATURAL": true, "FULL": true, "GROUP": true, "ORDER": true, "LIMIT": true,
	"USING": true, "HAVING": true, "UNION": true, "EXCEPT": true, "INTERSECT": true, "AND": true,
	"OR": true, "WINDOW": true, "AS": true, "THEN": true, "END": true, "WHEN": true, "ELSE": true,
}

// stripStrings blanks out SQL string literals so that their text is not read as references.
func stripStrings(expr string) string {
	return stringLitRE.ReplaceAllStringFunc(expr, func(s string) string { return strings.Repeat(" ", len(s)) })
}

// QualifiedRefs returns the Table.Column references of an SQL expression, in order of
// appearance, each once. References inside string literals are ignored.
func QualifiedRefs(expr string) []ColumnRef {
	var out []ColumnRef
	seen := map[ColumnRef]bool{}
	for _, m := range qualRE.FindAllStringSubmatch(stripStrings(expr), -1) {
		r := ColumnRef{Table: unquote(m[2]), Column: unquote(m[3])}
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// LocalRelations returns the names an SQL expression defines for itself (lower-cased): the
// aliases of its subqueries' FROM/JOIN items ("order_details od2" defines od2) and the
// names of common table expressions ("sales_by_year AS (...)" defines sales_by_year).
func LocalRelations(exprs ...string) map[string]bool {
	out := map[string]bool{}
	for _, e := range exprs {
		e = stripStrings(e)
		for _, m := range aliasRE.FindAllStringSubmatch(e, -1) {
			if !sqlKeywords[strings.ToUpper(m[2])] {
				out[strings.ToLower(m[2])] = true
			}
		}
		for _, m := range cteNameRE.FindAllStringSubmatch(e, -1) {
			out[strings.ToLower(m[1])] = true
		}
	}
	return out
}

// HasAggregate reports whether expr calls an aggregate function.
func HasAggregate(expr string) bool { return aggregateRE.MatchString(stripStrings(expr)) }

// splitGroupBy splits "SUM(x) GROUP BY region" into the formula and its GROUP BY terms,
// when GROUP BY stands outside any parentheses. ok is false when there is none.
func splitGroupBy(formula string) (expr string, terms []string, ok bool) {
	s := stripStrings(formula)
	depth := 0
	upper := strings.ToUpper(s)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		}
		if depth == 0 && strings.HasPrefix(upper[i:], "GROUP") && (i == 0 || !isIdentByte(s[i-1])) {
			rest := strings.TrimSpace(upper[i+len("GROUP"):])
			if strings.HasPrefix(rest, "BY") {
				byAt := strings.Index(upper[i:], "BY") + i + 2
				for _, t := range strings.Split(formula[byAt:], ",") {
					if t = strings.TrimSpace(t); t != "" {
						terms = append(terms, t)
					}
				}
				return strings.TrimSpace(formula[:i]), terms, len(terms) > 0
			}
		}
	}
	return formula, nil, false
}

func isIdentByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}
