package dialect_test

import (
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/dialect"
	"github.com/sqlforge/sqlforge/internal/dialect/postgres"
	"github.com/sqlforge/sqlforge/internal/dialect/sqlite"
)

func TestRender(t *testing.T) {
	lite, pg := sqlite.New(), postgres.New()
	for _, c := range []struct {
		name     string
		d        dialect.Dialect
		in, want string
	}{
		{"sqlite keeps plain SQL byte for byte", lite, "SELECT  Orders.OrderID,\n strftime('%Y', x) FROM Orders o", "SELECT  Orders.OrderID,\n strftime('%Y', x) FROM Orders o"},
		{"sqlite total", lite, "TOTAL(Orders.Freight * 1.0 / (SELECT COUNT(*) FROM d))", "TOTAL(Orders.Freight * 1.0 / (SELECT COUNT(*) FROM d))"},
		{"sqlite days between", lite, "AVG(DAYS_BETWEEN(Orders.OrderDate, Orders.ShippedDate))", "AVG(julianday(Orders.ShippedDate) - julianday(Orders.OrderDate))"},
		{"sqlite nested date forms", lite, "FORMAT_DATE('%Y-%m', PERIOD_BEFORE(MAX(o.OrderDate), 'month'))",
			"strftime('%Y-%m', date(MAX(o.OrderDate), 'start of month', '-1 month'))"},
		{"sqlite year", lite, "FORMAT_DATE('%Y', PERIOD_BEFORE(MAX(o.OrderDate), 'year'))", "strftime('%Y', date(MAX(o.OrderDate), '-1 year'))"},
		{"postgres quotes CamelCase", pg, "SELECT t.CompanyName, order_details.UnitPrice FROM Orders AS t", `SELECT t."CompanyName", order_details."UnitPrice" FROM "Orders" AS t`},
		{"postgres keeps words, functions and quoted names", pg, `SELECT CAST(x AS INTEGER), COUNT(*), "Orders"."OrderID" FROM "Orders"`, `SELECT CAST(x AS INTEGER), COUNT(*), "Orders"."OrderID" FROM "Orders"`},
		{"postgres real", pg, "CAST(x AS REAL)", "CAST(x AS DOUBLE PRECISION)"},
		{"postgres total", pg, "TOTAL(Orders.Freight)", `COALESCE(SUM("Orders"."Freight"), 0)`},
		{"postgres format date", pg, "FORMAT_DATE('%Y-%m', Orders.OrderDate)", `to_char(CAST("Orders"."OrderDate" AS DATE), 'YYYY-MM')`},
		{"strings untouched", pg, "SELECT 'Orders.OrderDate' AS Name", `SELECT 'Orders.OrderDate' AS "Name"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := dialect.Render(c.d, c.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
			again, err := dialect.Render(c.d, got)
			if err != nil || again != got {
				t.Errorf("not idempotent: %s (%v)", again, err)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	for _, in := range []string{
		"FORMAT_DATE('%H', x)",
		"FORMAT_DATE(x, y)",
		"PERIOD_BEFORE(x, 'week')",
		"TOTAL(a, b)",
		"DAYS_BETWEEN(a)",
		"TOTAL(a",
	} {
		if got, err := dialect.Render(sqlite.New(), in); err == nil {
			t.Errorf("Render(%q) = %q, want an error", in, got)
		} else if !strings.Contains(err.Error(), "render SQL for sqlite") {
			t.Errorf("Render(%q): %v", in, err)
		}
	}
}
