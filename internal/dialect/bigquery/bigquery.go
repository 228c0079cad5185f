// Package bigquery is the BigQuery (GoogleSQL) dialect: EXTRACT and FORMAT_DATE for date
// parts, DATE_DIFF for day differences, DATE_SUB and DATE_TRUNC for the period before,
// CONCAT over strings, SAFE_DIVIDE for division, and backticks for names that need quoting.
//
// Dates are DATE columns or 'YYYY-MM-DD' strings (as the embedded Northwind stores them), so
// every date function reads CAST(x AS DATE), a no-op on a DATE. Table names are written as
// the schema spells them, unqualified: the executor names the project and dataset as the
// query's default dataset, so the same SQL runs on any copy of the data. The unit tests pin
// the SQL text; the conformance suite runs it on goccy/bigquery-emulator (docs/bigquery.md).
package bigquery

import (
	"fmt"
	"strings"

	"github.com/sqlforge/sqlforge/internal/dialect"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// Dialect writes BigQuery SQL. The zero value is ready to use.
type Dialect struct{}

var _ dialect.Dialect = Dialect{}

// New returns the BigQuery dialect.
func New() Dialect { return Dialect{} }

// Name is "bigquery".
func (Dialect) Name() string { return "bigquery" }

// Quote backticks ident unless it is a plain identifier that is not a keyword; a backtick
// or backslash inside is escaped with a backslash.
func (Dialect) Quote(ident string) string {
	if dialect.PlainIdent(ident) && !sqlparse.IsKeyword(ident) {
		return ident
	}
	return "`" + strings.NewReplacer(`\`, `\\`, "`", "\\`").Replace(ident) + "`"
}

// date casts a DATE or a 'YYYY-MM-DD' string to DATE, once: an expression that is already
// one such cast is returned as it is. FORMAT_DATE is both a portable form and BigQuery's own
// function, so rendering BigQuery SQL again meets its own output; this keeps Render idempotent.
func date(expr string) string {
	if isDateCast(expr) {
		return expr
	}
	return "CAST(" + expr + " AS DATE)"
}

// isDateCast reports whether expr is a single CAST(... AS DATE).
func isDateCast(expr string) bool {
	if !strings.HasPrefix(expr, "CAST(") || !strings.HasSuffix(expr, " AS DATE)") {
		return false
	}
	depth := 0
	for i := 4; i < len(expr); i++ {
		switch expr[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i == len(expr)-1
			}
		case '\'':
			j := strings.IndexByte(expr[i+1:], '\'')
			if j < 0 {
				return false
			}
			i += j + 1
		}
	}
	return false
}

// Year is EXTRACT(YEAR FROM CAST(expr AS DATE)), an INT64.
func (Dialect) Year(expr string) string { return fmt.Sprintf("EXTRACT(YEAR FROM %s)", date(expr)) }

// Quarter is DIV(EXTRACT(MONTH FROM CAST(expr AS DATE)) + 2, 3), an INT64. It is what
// EXTRACT(QUARTER FROM ...) means, written with the month because goccy/bigquery-emulator
// v0.6.6 gets EXTRACT(QUARTER) wrong (2023-04-01 gives 1), so the same SQL is right on
// the emulator and on the service.
func (Dialect) Quarter(expr string) string {
	return fmt.Sprintf("DIV(EXTRACT(MONTH FROM %s) + 2, 3)", date(expr))
}

// Month is EXTRACT(MONTH FROM CAST(expr AS DATE)).
func (Dialect) Month(expr string) string { return fmt.Sprintf("EXTRACT(MONTH FROM %s)", date(expr)) }

// YearMonth is FORMAT_DATE('%Y-%m', CAST(expr AS DATE)).
func (d Dialect) YearMonth(expr string) string { return d.FormatDate("%Y-%m", expr) }

// DateLiteral is DATE 'YYYY-MM-DD'.
func (Dialect) DateLiteral(ymd string) string { return "DATE " + dialect.StringLiteral(ymd) }

// InRange compares dates: CAST(expr AS DATE) >= DATE 'from' AND ... < DATE 'to'.
func (d Dialect) InRange(expr, from, to string) string {
	return fmt.Sprintf("%s >= %s AND %s < %s", date(expr), d.DateLiteral(from), date(expr), d.DateLiteral(to))
}

// DaysBetween is DATE_DIFF(CAST(b AS DATE), CAST(a AS DATE), DAY), whole days.
func (Dialect) DaysBetween(a, b string) string {
	return fmt.Sprintf("DATE_DIFF(%s, %s, DAY)", date(b), date(a))
}

// Concat is CONCAT over each part cast to STRING (BigQuery concatenates strings only).
func (Dialect) Concat(parts ...string) string {
	cast := make([]string, len(parts))
	for i, p := range parts {
		cast[i] = "CAST(" + p + " AS STRING)"
	}
	return "CONCAT(" + strings.Join(cast, ", ") + ")"
}

// Round is ROUND(expr, digits).
func (Dialect) Round(expr string, digits int) string {
	return fmt.Sprintf("ROUND(%s, %d)", expr, digits)
}

// Div is SAFE_DIVIDE(num, den): a FLOAT64, NULL when den is zero.
func (Dialect) Div(num, den string) string { return fmt.Sprintf("SAFE_DIVIDE(%s, %s)", num, den) }

// Limit is "LIMIT n".
// GroupByAlias: computed keys are grouped by position and windowed in an outer query
// (dialect.AliasGrouper); the service reads either form, the emulator only this one.
func (Dialect) GroupByAlias() bool { return true }

func (Dialect) Limit(n int) string { return fmt.Sprintf("LIMIT %d", n) }

// Ident leaves names as the schema spells them and maps SQLite type names BigQuery lacks:
// REAL to FLOAT64, TEXT to STRING, and INTEGER, INT and BIGINT to INT64 (aliases on the
// service, unknown types on goccy/bigquery-emulator).
func (Dialect) Ident(word string) string {
	switch word {
	case "REAL":
		return "FLOAT64"
	case "TEXT":
		return "STRING"
	case "INTEGER", "INT", "BIGINT":
		return "INT64"
	}
	return word
}

// Total is COALESCE(SUM(expr), 0).
func (Dialect) Total(expr string) string { return "COALESCE(SUM(" + expr + "), 0)" }

// FormatDate is FORMAT_DATE('layout', CAST(expr AS DATE)): BigQuery reads the same %Y, %m,
// %d as SQLite's strftime.
func (Dialect) FormatDate(layout, expr string) string {
	return fmt.Sprintf("FORMAT_DATE(%s, %s)", dialect.StringLiteral(layout), date(expr))
}

// PeriodBefore is DATE_SUB(CAST(expr AS DATE), INTERVAL 1 YEAR), or the first day of expr's
// month minus one or three months.
func (Dialect) PeriodBefore(expr, unit string) string {
	switch unit {
	case "month":
		return fmt.Sprintf("DATE_SUB(DATE_TRUNC(%s, MONTH), INTERVAL 1 MONTH)", date(expr))
	case "quarter":
		return fmt.Sprintf("DATE_SUB(DATE_TRUNC(%s, MONTH), INTERVAL 3 MONTH)", date(expr))
	}
	return fmt.Sprintf("DATE_SUB(%s, INTERVAL 1 YEAR)", date(expr))
}

var _ dialect.StringRenderer = Dialect{}

// RenderString rewrites a standard SQL literal whose value holds a single quote (the literal
// of G'day doubles it), which BigQuery reads as two adjacent literals, as a double-quoted one
// ("G'day"): BigQuery's strings may be double-quoted, and sqlforge's tokenizer reads that as a
// quoted name, which Render leaves alone, so rendering again changes nothing. A literal with a
// backslash or a double quote besides is left as it is (BigQuery would read the backslash as
// an escape).
func (Dialect) RenderString(lit string) string {
	if len(lit) < 2 || lit[0] != '\'' || !strings.Contains(lit[1:len(lit)-1], "''") {
		return lit
	}
	inner := strings.ReplaceAll(lit[1:len(lit)-1], "''", "'")
	if strings.ContainsAny(inner, `"\`) {
		return lit
	}
	return `"` + inner + `"`
}
