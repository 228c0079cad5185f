// Package postgres is the PostgreSQL dialect: EXTRACT and to_char for date parts on
// text dates cast with ::date, date subtraction for day differences, || for
// concatenation, ROUND over numeric, and double quotes for every identifier that
// PostgreSQL would otherwise fold to lower case.
//
// sqlforge stores dates as 'YYYY-MM-DD' (or 'YYYY-MM-DD HH:MM:SS') text, the way the
// embedded Northwind holds them and the way internal/pgload copies them, so every date
// function casts its argument with ::date first; the cast is harmless on a real date
// or timestamp column.
package postgres

import (
	"fmt"
	"strings"

	"github.com/sqlforge/sqlforge/internal/dialect"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// Dialect writes PostgreSQL SQL. The zero value is ready to use.
type Dialect struct{}

var _ dialect.Dialect = Dialect{}

// New returns the PostgreSQL dialect.
func New() Dialect { return Dialect{} }

// Name is "postgres".
func (Dialect) Name() string { return "postgres" }

// Quote double-quotes ident unless it is already what PostgreSQL would read it as
// unquoted: lower-case letters, digits and underscores, not starting with a digit,
// not a keyword. CamelCase names such as OrderDate are quoted, since unquoted they
// would fold to orderdate and miss a column created as "OrderDate".
func (Dialect) Quote(ident string) string {
	if foldsToItself(ident) && !sqlparse.IsKeyword(ident) {
		return ident
	}
	return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"`
}

func foldsToItself(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z':
		case i > 0 && (r >= '0' && r <= '9' || r == '$'):
		default:
			return false
		}
	}
	return true
}

// date casts a text date (or a date, or a timestamp) to date.
func date(expr string) string { return "(" + expr + ")::date" }

// Year is EXTRACT(YEAR FROM expr::date) as an integer.
func (Dialect) Year(expr string) string {
	return fmt.Sprintf("CAST(EXTRACT(YEAR FROM %s) AS INTEGER)", date(expr))
}

// Quarter is EXTRACT(QUARTER FROM expr::date) as an integer.
func (Dialect) Quarter(expr string) string {
	return fmt.Sprintf("CAST(EXTRACT(QUARTER FROM %s) AS INTEGER)", date(expr))
}

// Month is EXTRACT(MONTH FROM expr::date) as an integer.
func (Dialect) Month(expr string) string {
	return fmt.Sprintf("CAST(EXTRACT(MONTH FROM %s) AS INTEGER)", date(expr))
}

// YearMonth is to_char(expr::date, 'YYYY-MM').
func (Dialect) YearMonth(expr string) string {
	return fmt.Sprintf("to_char(%s, 'YYYY-MM')", date(expr))
}

// DateLiteral is DATE 'YYYY-MM-DD'.
func (Dialect) DateLiteral(ymd string) string { return "DATE " + dialect.StringLiteral(ymd) }

// InRange is expr::date >= DATE 'from' AND expr::date < DATE 'to'. Comparing dates rather
// than text keeps it right for 'YYYY-MM-DD HH:MM:SS' values too.
func (d Dialect) InRange(expr, from, to string) string {
	return fmt.Sprintf("%s >= %s AND %s < %s", date(expr), d.DateLiteral(from), date(expr), d.DateLiteral(to))
}

// DaysBetween is (b::date - a::date), an integer number of days. Unlike SQLite's
// julianday difference it drops any time of day, which sqlforge's date-only data never has.
func (Dialect) DaysBetween(a, b string) string {
	return fmt.Sprintf("(%s - %s)", date(b), date(a))
}

// Concat joins the parts with ||, each cast to text so that numbers concatenate as in SQLite.
func (Dialect) Concat(parts ...string) string {
	cast := make([]string, len(parts))
	for i, p := range parts {
		cast[i] = "CAST(" + p + " AS TEXT)"
	}
	return strings.Join(cast, " || ")
}

// Round is ROUND(CAST(expr AS NUMERIC), digits), cast back to double precision so that
// the value compares as a float with SQLite's ROUND: PostgreSQL has no two-argument ROUND
// for double precision.
func (Dialect) Round(expr string, digits int) string {
	return fmt.Sprintf("CAST(ROUND(CAST(%s AS NUMERIC), %d) AS DOUBLE PRECISION)", expr, digits)
}

// Div is CAST(num AS DOUBLE PRECISION) / NULLIF(den, 0).
func (Dialect) Div(num, den string) string {
	return fmt.Sprintf("CAST(%s AS DOUBLE PRECISION) / NULLIF(%s, 0)", num, den)
}

// Limit is "LIMIT n".
func (Dialect) Limit(n int) string { return fmt.Sprintf("LIMIT %d", n) }
