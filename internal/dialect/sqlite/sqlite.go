// Package sqlite is the SQLite dialect: strftime for date parts, julianday for day
// differences, || for concatenation, double quotes for identifiers.
package sqlite

import (
	"fmt"
	"strings"

	"github.com/sqlforge/sqlforge/internal/dialect"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// Dialect writes SQLite SQL. The zero value is ready to use.
type Dialect struct{}

var _ dialect.Dialect = Dialect{}

// New returns the SQLite dialect.
func New() Dialect { return Dialect{} }

// Name is "sqlite".
func (Dialect) Name() string { return "sqlite" }

// Quote double-quotes ident when it is not a plain identifier or is a keyword.
func (Dialect) Quote(ident string) string {
	if dialect.PlainIdent(ident) && !sqlparse.IsKeyword(ident) {
		return ident
	}
	return dialect.DoubleQuoted(ident)
}

// Year is CAST(strftime('%Y', expr) AS INTEGER).
func (Dialect) Year(expr string) string {
	return fmt.Sprintf("CAST(strftime('%%Y', %s) AS INTEGER)", expr)
}

// Quarter is (month + 2) / 3 in integer arithmetic.
func (Dialect) Quarter(expr string) string {
	return fmt.Sprintf("((CAST(strftime('%%m', %s) AS INTEGER) + 2) / 3)", expr)
}

// Month is CAST(strftime('%m', expr) AS INTEGER).
func (Dialect) Month(expr string) string {
	return fmt.Sprintf("CAST(strftime('%%m', %s) AS INTEGER)", expr)
}

// YearMonth is strftime('%Y-%m', expr).
func (Dialect) YearMonth(expr string) string {
	return fmt.Sprintf("strftime('%%Y-%%m', %s)", expr)
}

// DateLiteral is the ISO text 'YYYY-MM-DD', which compares correctly with SQLite's
// text dates (and datetimes: '2023-01-01 00:00:00' >= '2023-01-01').
func (Dialect) DateLiteral(ymd string) string { return dialect.StringLiteral(ymd) }

// InRange is expr >= 'from' AND expr < 'to'.
func (d Dialect) InRange(expr, from, to string) string {
	return fmt.Sprintf("%s >= %s AND %s < %s", expr, d.DateLiteral(from), expr, d.DateLiteral(to))
}

// DaysBetween is julianday(b) - julianday(a).
func (Dialect) DaysBetween(a, b string) string {
	return fmt.Sprintf("julianday(%s) - julianday(%s)", b, a)
}

// Concat joins the parts with ||.
func (Dialect) Concat(parts ...string) string { return strings.Join(parts, " || ") }

// Round is ROUND(expr, digits).
func (Dialect) Round(expr string, digits int) string {
	return fmt.Sprintf("ROUND(%s, %d)", expr, digits)
}

// Div is CAST(num AS REAL) / NULLIF(den, 0).
func (Dialect) Div(num, den string) string {
	return fmt.Sprintf("CAST(%s AS REAL) / NULLIF(%s, 0)", num, den)
}

// Limit is "LIMIT n".
func (Dialect) Limit(n int) string { return fmt.Sprintf("LIMIT %d", n) }

// Ident returns word unchanged: SQLite matches names without regard to case.
func (Dialect) Ident(word string) string { return word }

// Total is SQLite's own TOTAL(expr).
func (Dialect) Total(expr string) string { return "TOTAL(" + expr + ")" }

// FormatDate is strftime('layout', expr).
func (Dialect) FormatDate(layout, expr string) string {
	return "strftime(" + dialect.StringLiteral(layout) + ", " + expr + ")"
}

// PeriodBefore is date(expr, '-1 year') for a year, and the first day of expr's month moved
// back one or three months (date(expr, 'start of month', '-1 month')) for a month or quarter,
// so that the 31st never overflows into the next month.
func (Dialect) PeriodBefore(expr, unit string) string {
	switch unit {
	case "month":
		return "date(" + expr + ", 'start of month', '-1 month')"
	case "quarter":
		return "date(" + expr + ", 'start of month', '-3 month')"
	}
	return "date(" + expr + ", '-1 year')"
}
