package bigquery_test

import (
	"testing"

	"github.com/sqlforge/sqlforge/internal/dialect"
	"github.com/sqlforge/sqlforge/internal/dialect/bigquery"
)

func TestMethods(t *testing.T) {
	d := bigquery.New()
	for _, c := range []struct{ got, want string }{
		{d.Name(), "bigquery"},
		{d.Year("o.OrderDate"), "EXTRACT(YEAR FROM CAST(o.OrderDate AS DATE))"},
		{d.Quarter("x"), "DIV(EXTRACT(MONTH FROM CAST(x AS DATE)) + 2, 3)"},
		{d.Month("x"), "EXTRACT(MONTH FROM CAST(x AS DATE))"},
		{d.YearMonth("x"), "FORMAT_DATE('%Y-%m', CAST(x AS DATE))"},
		{d.DateLiteral("2023-01-01"), "DATE '2023-01-01'"},
		{d.InRange("x", "2023-01-01", "2024-01-01"), "CAST(x AS DATE) >= DATE '2023-01-01' AND CAST(x AS DATE) < DATE '2024-01-01'"},
		{d.DaysBetween("a", "b"), "DATE_DIFF(CAST(b AS DATE), CAST(a AS DATE), DAY)"},
		{d.Concat("'Q'", "n"), "CONCAT(CAST('Q' AS STRING), CAST(n AS STRING))"},
		{d.Round("x", 2), "ROUND(x, 2)"},
		{d.Div("a", "b"), "SAFE_DIVIDE(a, b)"},
		{d.Limit(5), "LIMIT 5"},
		{d.Total("x"), "COALESCE(SUM(x), 0)"},
		{d.FormatDate("%Y", "CAST(x AS DATE)"), "FORMAT_DATE('%Y', CAST(x AS DATE))"},
		{d.PeriodBefore("x", "year"), "DATE_SUB(CAST(x AS DATE), INTERVAL 1 YEAR)"},
		{d.PeriodBefore("x", "month"), "DATE_SUB(DATE_TRUNC(CAST(x AS DATE), MONTH), INTERVAL 1 MONTH)"},
		{d.PeriodBefore("x", "quarter"), "DATE_SUB(DATE_TRUNC(CAST(x AS DATE), MONTH), INTERVAL 3 MONTH)"},
		{d.Ident("REAL"), "FLOAT64"},
		{d.Ident("TEXT"), "STRING"},
		{d.Ident("OrderDate"), "OrderDate"},
		{d.Quote("Orders"), "Orders"},
		{d.Quote("Order Details"), "`Order Details`"},
		{d.Quote("group"), "`group`"},
		{d.Quote("we`ird"), "`we\\`ird`"},
	} {
		if c.got != c.want {
			t.Errorf("got  %s\nwant %s", c.got, c.want)
		}
	}
}

func TestRender(t *testing.T) {
	d := bigquery.New()
	for _, c := range []struct{ in, want string }{
		{"SELECT TOTAL(o.Freight) FROM Orders o", "SELECT COALESCE(SUM(o.Freight), 0) FROM Orders o"},
		{"AVG(DAYS_BETWEEN(Orders.OrderDate, Orders.ShippedDate))", "AVG(DATE_DIFF(CAST(Orders.ShippedDate AS DATE), CAST(Orders.OrderDate AS DATE), DAY))"},
		{"FORMAT_DATE('%Y-%m', PERIOD_BEFORE(MAX(o.OrderDate), 'month'))",
			"FORMAT_DATE('%Y-%m', CAST(DATE_SUB(DATE_TRUNC(CAST(MAX(o.OrderDate) AS DATE), MONTH), INTERVAL 1 MONTH) AS DATE))"},
		{"CAST(x AS REAL) / CAST(y AS TEXT)", "CAST(x AS FLOAT64) / CAST(y AS STRING)"},
		{"YEAR(CAST(a AS DATE)) = 2023", "EXTRACT(YEAR FROM CAST(a AS DATE)) = 2023"},
		{"s.CompanyName IN ('G''day, Mate', 'Plain', '')", `s.CompanyName IN ("G'day, Mate", 'Plain', '')`},
		{`x = 'say ''"hi"'''`, `x = 'say ''"hi"'''`},
		{"FORMAT_DATE('%Y', CAST(a AS DATE) + CAST(b AS DATE))", "FORMAT_DATE('%Y', CAST(CAST(a AS DATE) + CAST(b AS DATE) AS DATE))"},
	} {
		got, err := dialect.Render(d, c.in)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("Render(%s)\ngot  %s\nwant %s", c.in, got, c.want)
		}
		if again, err := dialect.Render(d, got); err != nil || again != got {
			t.Errorf("Render is not idempotent on %s: %s (%v)", got, again, err)
		}
	}
}
