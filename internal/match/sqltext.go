package match

import (
	"regexp"
	"strings"

	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// The SQL rewriting the originals do before running queries: the originals' own
// rules (token filters and regular expressions, not a parser), over sqlparse's tokens.

// ExecSQL returns the text that mode runs for sql: for Spider, exec_eval.py's
// postprocess ("> =" to ">=" ...), YEAR(CURDATE()) replaced by 2020, and
// DISTINCT removed unless keepDistinct; other modes run sql as is.
func ExecSQL(mode Mode, sql string, keepDistinct bool) string {
	if mode != Spider {
		return sql
	}
	sql = spacedOps.Replace(sql)
	if mayContainFold(sql, "curdate") {
		sql = curYear.ReplaceAllString(sql, "2020")
	}
	if !keepDistinct && mayContainFold(sql, "distinct") {
		sql = StripDistinct(sql)
	}
	return sql
}

var (
	spacedOps = strings.NewReplacer("> =", ">=", "< =", "<=", "! =", "!=")
	curYear   = regexp.MustCompile(`(?i)YEAR\s*\(\s*CURDATE\s*\(\s*\)\s*\)\s*`)
)

// mayContainFold reports whether s may contain word (lower-case ASCII) in
// any case: a quick test that lets ExecSQL skip rewrites that cannot apply.
// Text beyond ASCII answers true, since Unicode case folding (ſ for s) is
// more than ASCII's.
func mayContainFold(s, word string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	for i := 0; i+len(word) <= len(s); i++ {
		j := 0
		for j < len(word) && s[i+j]|0x20 == word[j] {
			j++
		}
		if j == len(word) {
			return true
		}
	}
	return false
}

// StripDistinct is test-suite-sql-eval's remove_distinct: every token that is
// the word DISTINCT (any case) is dropped and the rest joined unchanged,
// so "SELECT DISTINCT a" becomes "SELECT  a" and "count(DISTINCT a)"
// becomes "count( a)". String literals, quoted identifiers and comments are
// single tokens (sqlparse's) and keep any "distinct" inside them.
// sqlparse.StripDistinct, which keeps IS [NOT] DISTINCT FROM and the spacing
// tidy, is the project's own rule; this one is the original's.
func StripDistinct(sql string) string {
	toks, _ := sqlparse.Tokenize(sql)
	var b strings.Builder
	at := 0
	for _, t := range toks {
		if strings.EqualFold(t.Text, "distinct") {
			b.WriteString(sql[at:t.Pos])
			at = t.Pos + len(t.Text)
		}
	}
	if at == 0 {
		return sql
	}
	b.WriteString(sql[at:])
	return b.String()
}

// DefogAlternatives is sql-eval's get_all_minimal_queries: the gold split on
// ";" (each part an acceptable answer), and in each part the first {a, b}
// expanded into every non-empty combination of its comma-separated options
// ("SELECT {id, name} FROM t" gives "SELECT id FROM t", "SELECT  name FROM
// t" and "SELECT id,  name FROM t"), with "GROUP BY {}" after it replaced by
// the same columns.
func DefogAlternatives(gold string) []string {
	var out []string
	for _, q := range strings.Split(gold, ";") {
		q = strings.TrimSpace(q)
		if q == "" {
			continue
		}
		start := strings.IndexByte(q, '{')
		end := -1
		if start >= 0 {
			if k := strings.IndexByte(q[start+1:], '}'); k >= 0 {
				end = start + 1 + k
			}
		}
		if start < 0 || end < 0 {
			out = append(out, q)
			continue
		}
		options := strings.Split(q[start+1:end], ",")
		for _, combo := range combinations(options) {
			cols := strings.Join(combo, ", ")
			right := strings.ReplaceAll(q[end+1:], "GROUP BY {}", "GROUP BY "+cols)
			out = append(out, q[:start]+cols+right)
		}
	}
	return out
}

// combinations lists the non-empty combinations of xs by size, then in
// itertools.combinations order.
func combinations(xs []string) [][]string {
	var out [][]string
	var pick func(start, r int, cur []string)
	pick = func(start, r int, cur []string) {
		if len(cur) == r {
			out = append(out, append([]string(nil), cur...))
			return
		}
		for i := start; i < len(xs); i++ {
			pick(i+1, r, append(cur, xs[i]))
		}
	}
	for r := 1; r <= len(xs); r++ {
		pick(0, r, nil)
	}
	return out
}
