// Package dialecttest is the conformance suite every dialect must pass: it runs the same
// expressions, written through the dialect, on a real database of that engine and checks
// the values that come back.
package dialecttest

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/sqlforge/sqlforge/internal/dialect"
)

// Case is one expression and the value it must produce, written as text: integers in
// decimal, floats compared within 1e-9, "NULL" for SQL NULL.
type Case struct {
	Name string
	// SQL is a complete query returning one row and one column.
	SQL  string
	Want string
}

// Cases builds the suite for d. Dates come from a one-row derived table so that each
// engine sees a value of its own date type.
func Cases(d dialect.Dialect) []Case {
	date := func(ymd, expr string) string {
		return fmt.Sprintf("SELECT %s FROM (SELECT %s AS d) t", expr, d.DateLiteral(ymd))
	}
	boolean := func(pred string) string { return "CASE WHEN " + pred + " THEN 1 ELSE 0 END" }
	return []Case{
		{"year", date("2023-05-17", d.Year("d")), "2023"},
		{"month", date("2023-05-17", d.Month("d")), "5"},
		{"month december", date("2021-12-31", d.Month("d")), "12"},
		{"quarter q1 first day", date("2023-01-01", d.Quarter("d")), "1"},
		{"quarter q1 last day", date("2023-03-31", d.Quarter("d")), "1"},
		{"quarter q2", date("2023-04-01", d.Quarter("d")), "2"},
		{"quarter q4", date("2023-12-31", d.Quarter("d")), "4"},
		{"year-month", date("2023-05-17", d.YearMonth("d")), "2023-05"},
		{"year-month padded", date("2020-01-09", d.YearMonth("d")), "2020-01"},
		{"in range", date("2023-05-17", boolean(d.InRange("d", "2023-01-01", "2024-01-01"))), "1"},
		{"in range from inclusive", date("2023-01-01", boolean(d.InRange("d", "2023-01-01", "2024-01-01"))), "1"},
		{"in range to exclusive", date("2024-01-01", boolean(d.InRange("d", "2023-01-01", "2024-01-01"))), "0"},
		{"days between", fmt.Sprintf("SELECT %s FROM (SELECT %s AS a, %s AS b) t",
			d.DaysBetween("a", "b"), d.DateLiteral("2023-01-01"), d.DateLiteral("2023-03-01")), "59"},
		{"days between negative", fmt.Sprintf("SELECT %s FROM (SELECT %s AS a, %s AS b) t",
			d.DaysBetween("a", "b"), d.DateLiteral("2024-03-01"), d.DateLiteral("2024-02-28")), "-2"},
		{"concat", "SELECT " + d.Concat("'ab'", "'-'", "'cd'"), "ab-cd"},
		{"round", "SELECT " + d.Round("2.3456", 2), "2.35"},
		{"round zero digits", "SELECT " + d.Round("7.6", 0), "8"},
		{"div integers", "SELECT " + d.Div("7", "2"), "3.5"},
		{"div by zero", "SELECT " + d.Div("1", "0"), "NULL"},
		{"limit", "SELECT COUNT(*) FROM (SELECT n FROM (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) v ORDER BY n " + d.Limit(2) + ") t", "2"},
		{"quote keyword", fmt.Sprintf("SELECT t.%s FROM (SELECT 5 AS %s) t", d.Quote("select"), d.Quote("select")), "5"},
		{"quote space", fmt.Sprintf("SELECT t.%s FROM (SELECT 6 AS %s) t", d.Quote("Order Details"), d.Quote("Order Details")), "6"},
		{"quote plain unchanged", "SELECT '" + d.Quote("orderdate") + "'", "orderdate"},
		{"total", "SELECT " + d.Total("n") + " FROM (SELECT 1.5 AS n UNION ALL SELECT 2) t", "3.5"},
		{"total of no rows", "SELECT " + d.Total("n") + " FROM (SELECT 1 AS n) t WHERE n > 1", "0"},
		{"format year", date("2023-05-07", d.FormatDate("%Y", "d")), "2023"},
		{"format month", date("2023-05-07", d.FormatDate("%m", "d")), "05"},
		{"format year-month", date("2023-05-07", d.FormatDate("%Y-%m", "d")), "2023-05"},
		{"format full", date("2023-05-07", d.FormatDate("%Y/%m/%d", "d")), "2023/05/07"},
		{"period before year", date("2024-02-29", d.FormatDate("%Y", d.PeriodBefore("d", "year"))), "2023"},
		{"period before month", date("2023-03-31", d.FormatDate("%Y-%m", d.PeriodBefore("d", "month"))), "2023-02"},
		{"period before month january", date("2023-01-15", d.FormatDate("%Y-%m", d.PeriodBefore("d", "month"))), "2022-12"},
		{"period before quarter", date("2023-04-30", d.FormatDate("%Y-%m", d.PeriodBefore("d", "quarter"))), "2023-01"},
		{"render portable forms", render(d, "SELECT TOTAL(n) + MAX(DAYS_BETWEEN(a, b)) FROM (SELECT 2 AS n, "+
			d.DateLiteral("2023-01-01")+" AS a, "+d.DateLiteral("2023-01-11")+" AS b) t"), "12"},
		{"render format and period", render(d, "SELECT FORMAT_DATE('%Y-%m', PERIOD_BEFORE(a, 'month')) FROM (SELECT "+
			d.DateLiteral("2023-03-31")+" AS a) t"), "2023-02"},
		{"render idempotent", render(d, render(d, "SELECT YEAR(a) * 100 + MONTH(a) FROM (SELECT "+
			d.DateLiteral("2023-03-31")+" AS a) t")), "202303"},
	}
}

// render is dialect.Render, with the error written into the SQL so that the case fails on it.
func render(d dialect.Dialect, sql string) string {
	out, err := dialect.Render(d, sql)
	if err != nil {
		return "render error: " + err.Error()
	}
	return out
}

// Run checks every case of Cases(d) on db.
func Run(t *testing.T, db *sql.DB, d dialect.Dialect) {
	t.Helper()
	for _, c := range Cases(d) {
		t.Run(c.Name, func(t *testing.T) {
			got, err := Eval(context.Background(), db, c.SQL)
			if err != nil {
				t.Fatalf("%s: %v", c.SQL, err)
			}
			if !same(got, c.Want) {
				t.Errorf("%s = %s, want %s", c.SQL, got, c.Want)
			}
		})
	}
}

// Eval runs a one-value query and renders its value as text ("NULL" for NULL).
func Eval(ctx context.Context, db *sql.DB, query string) (string, error) {
	var v any
	if err := db.QueryRowContext(ctx, query).Scan(&v); err != nil {
		return "", fmt.Errorf("query %q: %w", query, err)
	}
	switch x := v.(type) {
	case nil:
		return "NULL", nil
	case []byte:
		return string(x), nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	default:
		return fmt.Sprint(x), nil
	}
}

func same(got, want string) bool {
	if got == want {
		return true
	}
	g, err1 := strconv.ParseFloat(got, 64)
	w, err2 := strconv.ParseFloat(want, 64)
	return err1 == nil && err2 == nil && math.Abs(g-w) <= 1e-9*math.Max(1, math.Abs(w))
}
