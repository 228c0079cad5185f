// Package postgres is the PostgreSQL dialect: date_part and to_char for date parts on
// text dates cast to date, date subtraction for day differences, || for concatenation,
// ROUND over numeric, and double quotes for every identifier that PostgreSQL would
// otherwise fold to lower case.
//
// sqlforge stores dates as 'YYYY-MM-DD' (or 'YYYY-MM-DD HH:MM:SS') text, the way the
// embedded Northwind holds them and the way internal/pgload copies them, so every date
// function casts its argument with CAST(x AS DATE) first; the cast is harmless on a real
// date or timestamp column. Everything is written in function-call syntax (CAST rather
// than ::, date_part rather than EXTRACT, CAST('...' AS DATE) rather than DATE '...'), so
// the SQL still reads with sqlforge's SQL parser for hardness and component matching.
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
	return dialect.DoubleQuoted(ident)
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
func date(expr string) string { return "CAST(" + expr + " AS DATE)" }

// Year is date_part('year', CAST(expr AS DATE)) as an integer.
func (Dialect) Year(expr string) string {
	return fmt.Sprintf("CAST(date_part('year', %s) AS INTEGER)", date(expr))
}

// Quarter is date_part('quarter', CAST(expr AS DATE)) as an integer.
func (Dialect) Quarter(expr string) string {
	return fmt.Sprintf("CAST(date_part('quarter', %s) AS INTEGER)", date(expr))
}

// Month is date_part('month', CAST(expr AS DATE)) as an integer.
func (Dialect) Month(expr string) string {
	return fmt.Sprintf("CAST(date_part('month', %s) AS INTEGER)", date(expr))
}

// YearMonth is to_char(CAST(expr AS DATE), 'YYYY-MM').
func (Dialect) YearMonth(expr string) string {
	return fmt.Sprintf("to_char(%s, 'YYYY-MM')", date(expr))
}

// DateLiteral is CAST('YYYY-MM-DD' AS DATE).
func (Dialect) DateLiteral(ymd string) string { return date(dialect.StringLiteral(ymd)) }

// InRange is CAST(expr AS DATE) >= from AND CAST(expr AS DATE) < to. Comparing dates rather
// than text keeps it right for 'YYYY-MM-DD HH:MM:SS' values too.
func (d Dialect) InRange(expr, from, to string) string {
	return fmt.Sprintf("%s >= %s AND %s < %s", date(expr), d.DateLiteral(from), date(expr), d.DateLiteral(to))
}

// DaysBetween is (CAST(b AS DATE) - CAST(a AS DATE)), an integer number of days. Unlike SQLite's
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

// sqlWords are the upper-case words portable SQL and this dialect write that the SQL
// tokenizer reads as identifiers: type names and date-part names. Ident leaves them alone.
var sqlWords = map[string]bool{
	"INTEGER": true, "INT": true, "BIGINT": true, "SMALLINT": true, "NUMERIC": true, "DECIMAL": true,
	"DOUBLE": true, "PRECISION": true, "FLOAT": true, "TEXT": true, "VARCHAR": true, "CHAR": true,
	"BOOLEAN": true, "DATE": true, "TIME": true, "TIMESTAMP": true, "INTERVAL": true, "ZONE": true,
	"YEAR": true, "QUARTER": true, "MONTH": true, "WEEK": true, "DAY": true, "HOUR": true, "MINUTE": true,
	"SECOND": true, "EPOCH": true,
}

// Ident quotes a name with an upper-case letter ("OrderDate", "Orders"), which PostgreSQL
// would otherwise fold to lower case, and leaves lower-case names and SQL words as they are.
// REAL becomes DOUBLE PRECISION: SQLite's REAL is 8 bytes, PostgreSQL's 4.
func (d Dialect) Ident(word string) string {
	if word == "REAL" {
		return "DOUBLE PRECISION"
	}
	if word == strings.ToLower(word) || sqlWords[word] {
		return word
	}
	return d.Quote(word)
}

// Total is COALESCE(SUM(expr), 0): SQLite's TOTAL.
func (Dialect) Total(expr string) string { return "COALESCE(SUM(" + expr + "), 0)" }

// FormatDate is to_char(CAST(expr AS DATE), 'pattern') with %Y, %m, %d as YYYY, MM, DD.
func (Dialect) FormatDate(layout, expr string) string {
	pattern := strings.NewReplacer("%Y", "YYYY", "%m", "MM", "%d", "DD").Replace(layout)
	return fmt.Sprintf("to_char(%s, %s)", date(expr), dialect.StringLiteral(pattern))
}

// PeriodBefore is CAST(expr AS DATE) minus one year, or the first day of expr's month minus
// one or three months, as a date.
func (Dialect) PeriodBefore(expr, unit string) string {
	switch unit {
	case "month":
		return fmt.Sprintf("CAST(date_trunc('month', %s) - CAST('1 month' AS INTERVAL) AS DATE)", date(expr))
	case "quarter":
		return fmt.Sprintf("CAST(date_trunc('month', %s) - CAST('3 months' AS INTERVAL) AS DATE)", date(expr))
	}
	return fmt.Sprintf("CAST(%s - CAST('1 year' AS INTERVAL) AS DATE)", date(expr))
}
