// Package dialect hides the SQL that differs between database engines — date parts, date
// arithmetic, identifier quoting, string concatenation, rounding, division, LIMIT — behind one
// small interface, so that generated SQL is not hard-coded to SQLite.
//
// Each engine lives in its own package (dialect/sqlite; dialect/postgres next) and must pass
// the shared conformance suite in dialect/dialecttest, which runs the same expressions on a
// real database of that engine and checks the results.
//
// Implementer's checklist:
//   - every method returns an SQL expression (or clause) as text; arguments are SQL
//     expressions already (column references, literals), never raw values;
//   - date parts are integers (Year 2023, Quarter 1-4, Month 1-12); YearMonth is text "YYYY-MM";
//   - DateLiteral accepts "YYYY-MM-DD" and yields a value comparable with date columns;
//   - InRange is half-open: from <= col < to;
//   - DaysBetween is the (possibly fractional) number of days from a to b;
//   - Div never fails on a zero denominator (NULL instead) and never truncates integers;
//   - Ident spells a bare identifier of sqlforge's portable SQL so that it reaches the name as
//     the database created it, and leaves SQL words (type names, date-part names) alone;
//   - Total is 0, not NULL, over no rows; FormatDate takes only the layouts FormatDateLayout
//     accepts; PeriodBefore yields a date inside the period before the one its argument is in.
//
// Portable SQL (render.go) is what the ontology's formulas and the plan compiler write: SQLite
// syntax with names as the schema spells them, plus a few portable function forms (TOTAL,
// DAYS_BETWEEN, FORMAT_DATE, PERIOD_BEFORE, YEAR, ...) that Render expands through these methods.
package dialect

import (
	"fmt"
	"strings"
)

// Dialect writes engine-specific SQL fragments.
type Dialect interface {
	// Name is the engine, "sqlite" or "postgres".
	Name() string
	// Quote quotes an identifier when it needs quoting (spaces, keywords, odd characters)
	// and returns it unchanged otherwise.
	Quote(ident string) string
	// Year is the calendar year of a date expression, as an integer.
	Year(expr string) string
	// Quarter is the quarter (1-4) of a date expression, as an integer.
	Quarter(expr string) string
	// Month is the month (1-12) of a date expression, as an integer.
	Month(expr string) string
	// YearMonth is the "YYYY-MM" text of a date expression.
	YearMonth(expr string) string
	// DateLiteral is a date constant for "YYYY-MM-DD".
	DateLiteral(ymd string) string
	// InRange is the half-open predicate from <= expr < to, with from and to "YYYY-MM-DD".
	InRange(expr, from, to string) string
	// DaysBetween is the number of days from date expression a to date expression b.
	DaysBetween(a, b string) string
	// Concat concatenates text expressions.
	Concat(parts ...string) string
	// Round rounds a numeric expression to digits decimal places.
	Round(expr string, digits int) string
	// Div divides num by den in floating point, NULL when den is zero.
	Div(num, den string) string
	// Limit is the clause that keeps the first n rows, e.g. "LIMIT 5".
	Limit(n int) string
	// Ident spells a bare identifier written in portable SQL (a table, column or alias name
	// as the schema spells it, or an SQL word such as INTEGER) for this engine.
	Ident(word string) string
	// Total is the sum of expr over the group, 0 (not NULL) when there are no rows.
	Total(expr string) string
	// FormatDate writes a date expression as text by a strftime-style layout made of %Y, %m,
	// %d and the separators - / and space (see FormatDateLayout).
	FormatDate(layout, expr string) string
	// PeriodBefore is a date inside the period ("year", "quarter" or "month") before the one
	// the date expression falls in, for "the previous year/month" comparisons.
	PeriodBefore(expr, unit string) string
}

// AliasGrouper is implemented by a dialect whose engine may not match a computed grouping
// expression (a date part, a label expression) with the same expression in the SELECT list or
// a window, so that SQL must group by the key's output position and compute windows over such
// keys in an outer query (BigQuery: ZetaSQL as the emulator builds it refuses
// "SELECT FORMAT_DATE('%Y-%m', d) AS m ... GROUP BY FORMAT_DATE('%Y-%m', d)").
type AliasGrouper interface {
	GroupByAlias() bool
}

// GroupsByAlias reports whether d asks for computed grouping keys by position (AliasGrouper).
func GroupsByAlias(d Dialect) bool {
	g, ok := d.(AliasGrouper)
	return ok && g.GroupByAlias()
}

// StringLiteral quotes s as a standard SQL string literal, doubling single quotes: portable
// SQL's form. SQLite and PostgreSQL read it as it is; BigQuery's dialect rewrites it in Render
// (a StringRenderer).
func StringLiteral(s string) string {
	out := make([]byte, 0, len(s)+2)
	out = append(out, '\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}

// PlainIdent reports whether s is an identifier no engine needs quoted apart from keywords:
// ASCII letters and underscores, digits after the first character (SQLite and BigQuery quote
// everything else; PostgreSQL also quotes upper case, since it folds unquoted names).
func PlainIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return true
}

// DoubleQuoted is ident in SQL's standard double quotes, a double quote inside doubled: how
// SQLite and PostgreSQL quote a name.
func DoubleQuoted(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }

// ErrUnknown is returned by the registry for a dialect name it does not know.
type ErrUnknown struct{ Name string }

func (e ErrUnknown) Error() string { return fmt.Sprintf("unknown SQL dialect %q", e.Name) }
