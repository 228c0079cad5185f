package dialect

import (
	"fmt"
	"strings"

	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// form is one portable function: how many arguments it takes and how a dialect writes it.
// args are already rendered; literal holds each argument's string-literal value (or "" when
// the argument is not a string literal), for the forms that take a constant.
type form struct {
	arity int
	write func(d Dialect, args, literal []string) (string, error)
}

// forms are the portable functions Render expands. Their names are upper case and none is a
// function of SQLite, PostgreSQL or BigQuery with another meaning: TOTAL is SQLite's TOTAL (a
// sum that is 0.0 over no rows) and FORMAT_DATE is BigQuery's, each written as it is there;
// a dialect whose output contains a form's name writes it so that rendering it again changes
// nothing.
var forms = map[string]form{
	"TOTAL":        {1, func(d Dialect, a, _ []string) (string, error) { return d.Total(a[0]), nil }},
	"DAYS_BETWEEN": {2, func(d Dialect, a, _ []string) (string, error) { return d.DaysBetween(a[0], a[1]), nil }},
	"YEAR":         {1, func(d Dialect, a, _ []string) (string, error) { return d.Year(a[0]), nil }},
	"QUARTER":      {1, func(d Dialect, a, _ []string) (string, error) { return d.Quarter(a[0]), nil }},
	"MONTH":        {1, func(d Dialect, a, _ []string) (string, error) { return d.Month(a[0]), nil }},
	"YEAR_MONTH":   {1, func(d Dialect, a, _ []string) (string, error) { return d.YearMonth(a[0]), nil }},
	"FORMAT_DATE": {2, func(d Dialect, a, lit []string) (string, error) {
		if err := FormatDateLayout(lit[0]); err != nil || !isString(a[0]) {
			return "", fmt.Errorf("FORMAT_DATE: the first argument must be a layout string of %%Y, %%m, %%d, '-', '/' and ' ', not %s", a[0])
		}
		return d.FormatDate(lit[0], a[1]), nil
	}},
	"PERIOD_BEFORE": {2, func(d Dialect, a, lit []string) (string, error) {
		switch lit[1] {
		case "year", "quarter", "month":
			return d.PeriodBefore(a[0], lit[1]), nil
		}
		return "", fmt.Errorf("PERIOD_BEFORE: the second argument must be 'year', 'quarter' or 'month', not %s", a[1])
	}},
}

// FormNames lists the portable function forms Render expands, for documentation and checks.
func FormNames() []string {
	out := make([]string, 0, len(forms))
	for n := range forms {
		out = append(out, n)
	}
	return out
}

// FormatDateLayout checks a FormatDate layout: %Y, %m and %d with the separators - / and
// space between them.
func FormatDateLayout(layout string) error {
	if layout == "" {
		return fmt.Errorf("empty date layout")
	}
	for i := 0; i < len(layout); i++ {
		switch c := layout[i]; {
		case c == '%' && i+1 < len(layout) && strings.IndexByte("Ymd", layout[i+1]) >= 0:
			i++
		case c == '-' || c == '/' || c == ' ':
		default:
			return fmt.Errorf("date layout %q: only %%Y, %%m, %%d, '-', '/' and ' ' are portable", layout)
		}
	}
	return nil
}

func isString(s string) bool { return len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' }

// Render writes portable SQL for d: it expands the portable function forms (TOTAL,
// DAYS_BETWEEN, FORMAT_DATE, PERIOD_BEFORE, YEAR, QUARTER, MONTH, YEAR_MONTH) through d's
// methods and spells every other bare identifier through d.Ident. Everything else — keywords,
// literals, quoted names, other functions, whitespace — is kept as written, so SQL with no
// portable form renders for SQLite to itself. Render is idempotent: rendering its output again
// changes nothing. It fails on SQL it cannot tokenize and on a form with wrong arguments.
func Render(d Dialect, sql string) (string, error) {
	toks, err := sqlparse.Tokenize(sql)
	if err != nil {
		return "", fmt.Errorf("render SQL for %s: %w", d.Name(), err)
	}
	r := renderer{d: d, src: sql, toks: toks}
	out, err := r.span(0, len(toks))
	if err != nil {
		return "", fmt.Errorf("render SQL for %s: %w", d.Name(), err)
	}
	return sql[:start(toks, 0, len(sql))] + out + sql[end(toks, len(toks), 0):], nil
}

// Renderer returns Render bound to d, the shape ontology.(*Ontology).Rendered takes.
func Renderer(d Dialect) func(string) (string, error) {
	return func(sql string) (string, error) { return Render(d, sql) }
}

// StringRenderer is implemented by a dialect whose string literals are not written as
// standard SQL's (a single quote doubled inside single quotes): Render passes each string literal through RenderString, which
// must return a literal that Render passes through unchanged the next time.
type StringRenderer interface {
	RenderString(literal string) string
}

type renderer struct {
	d    Dialect
	src  string
	toks []sqlparse.Token
}

func start(toks []sqlparse.Token, i, def int) int {
	if i < len(toks) {
		return toks[i].Pos
	}
	return def
}

func end(toks []sqlparse.Token, i, def int) int {
	if i > 0 {
		return toks[i-1].Pos + len(toks[i-1].Text)
	}
	return def
}

// span renders tokens [lo, hi), keeping the text between them.
func (r *renderer) span(lo, hi int) (string, error) {
	var b strings.Builder
	for i := lo; i < hi; i++ {
		if i > lo {
			b.WriteString(r.src[end(r.toks, i, 0):r.toks[i].Pos])
		}
		t := r.toks[i]
		if sr, ok := r.d.(StringRenderer); ok && t.Kind == sqlparse.String {
			b.WriteString(sr.RenderString(t.Text))
			continue
		}
		if t.Kind != sqlparse.Ident {
			b.WriteString(t.Text)
			continue
		}
		call := i+1 < hi && r.toks[i+1].IsPunct("(")
		if !call {
			b.WriteString(r.d.Ident(t.Text))
			continue
		}
		f, ok := forms[strings.ToUpper(t.Text)]
		if !ok || (i > lo && r.toks[i-1].IsPunct(".")) {
			b.WriteString(t.Text)
			continue
		}
		text, next, err := r.call(f, t.Text, i+1, hi)
		if err != nil {
			return "", err
		}
		b.WriteString(text)
		i = next - 1
	}
	return b.String(), nil
}

// call expands the form whose "(" is at open; it returns the text and the index after ")".
func (r *renderer) call(f form, name string, open, hi int) (string, int, error) {
	depth := 0
	argStart := open + 1
	var args, lits []string
	for j := open; j < hi; j++ {
		t := r.toks[j]
		switch {
		case t.IsPunct("("):
			depth++
		case t.IsPunct(")"):
			depth--
		}
		if (depth == 1 && t.IsPunct(",")) || depth == 0 {
			if j > argStart || depth == 1 || len(args) > 0 {
				a, err := r.span(argStart, j)
				if err != nil {
					return "", 0, err
				}
				lit := ""
				if j == argStart+1 && r.toks[argStart].Kind == sqlparse.String {
					lit = unquote(r.toks[argStart].Text)
				}
				args, lits = append(args, a), append(lits, lit)
			}
			argStart = j + 1
		}
		if depth == 0 {
			if len(args) != f.arity {
				return "", 0, fmt.Errorf("%s takes %d argument(s), not %d", strings.ToUpper(name), f.arity, len(args))
			}
			text, err := f.write(r.d, args, lits)
			return text, j + 1, err
		}
	}
	return "", 0, fmt.Errorf("%s: unbalanced parentheses", strings.ToUpper(name))
}

func unquote(lit string) string {
	return strings.ReplaceAll(lit[1:len(lit)-1], "''", "'")
}
