package compile_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/dialect/sqlite"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
	"github.com/sqlforge/sqlforge/internal/plan/compile"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func open(t testing.TB, name string) (*database.DB, *compile.Compiler) {
	t.Helper()
	db, err := database.Open(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ont, err := ontology.LoadRef(name)
	if err != nil {
		t.Fatal(err)
	}
	c := compile.New(ont, sqlite.New())
	if err := c.SetLatest(context.Background(), db.DB); err != nil {
		t.Fatal(err)
	}
	return db, c
}

// features: one plan per plan feature; each compiles, runs on Northwind with rows, and its SQL
// is kept in testdata/northwind.golden.
var features = []struct{ name, text string }{
	{"measure", "total_freight in 2022"},
	{"two measures", "revenue,order_count by customer_country top 5"},
	{"group label", "revenue by product top 5"},
	{"group id", "revenue by product.id top 3"},
	{"group both", "revenue by product.both top 3"},
	{"person labels", "order_count by employee order label asc"},
	{"year grain", "revenue by order_year"},
	{"quarter grain", "order_count by calendar_quarter"},
	{"month grain", "revenue by calendar_month in 2023"},
	{"year-month grain", "revenue by order_month in 2024-H1"},
	{"year-quarter grain", "revenue by order_quarter in 2023"},
	{"filter eq", "revenue by category where customer_country = 'Germany'"},
	{"filter in", "order_count by shipper where ship_country in ('France','Brazil')"},
	{"filter not eq", "revenue where category != 'Beverages' in 2021"},
	{"filter year", "order_count by shipper where order_year = '2022'"},
	{"filter person full name", "revenue by category where employee = 'Nancy Davolio'"},
	{"filter unknown value", "revenue where customer_country = 'Atlantis'"},
	{"segment", "order_count by shipper where late_shipment"},
	{"segment products", "units_in_stock by category where discontinued_product"},
	{"segment subquery", "order_count by order_year where multi_item_order"},
	{"threshold", "revenue by customer having revenue > 10000 order desc"},
	{"threshold other metric", "order_count by customer having revenue > 20000 top 5"},
	{"count groups", "revenue by customer having revenue > 10000 count"},
	{"year range", "order_count by shipper in 2020..2024 top 1"},
	{"quarter window", "revenue in 2024-Q3"},
	{"month window", "order_count in 2023-02"},
	{"date range", "revenue in 2023-01-05..2023-03-01"},
	{"last years", "revenue by order_year in last 2 years"},
	{"last months", "order_count by order_month in last 6 months"},
	{"last quarters", "revenue in last 2 quarters"},
	{"bottom k", "revenue by product in 2022 bottom 3"},
	{"order label", "customer_count by customer_country order label asc limit 5"},
	{"ties", "order_count by shipper top 1 ties"},
	{"subset share percent", "order_count share of late_shipment"},
	{"subset share ratio", "revenue share ratio of category = 'Beverages'"},
	{"subset share by group", "order_count by shipper share of late_shipment"},
	{"group share", "revenue by category in 2023 share order desc"},
	{"compare", "revenue compare 2022 2023"},
	{"compare by group", "revenue by category compare 2023-H1 2024-H1"},
	{"growth", "revenue growth 2022 2023"},
	{"growth top", "revenue by customer_country growth 2023 2024 top 3"},
	{"argmax per group", "revenue by customer per order_year top 1"},
	{"argmax per group ties", "units_sold by product per category top 2 ties"},
	{"running total", "revenue by order_month in 2023 running"},
	{"rank", "revenue by category rank"},
	{"multi filter and segment", "revenue by product where category = 'Seafood' and discounted in 2024 top 3"},
	{"list", "list supplier where supplier_country = 'Japan'"},
	{"list joined filter", "list product where category = 'Meat/Poultry' and discontinued_product"},
	{"list person", "list employee where employee_title = 'Sales Representative' order label desc limit 3"},
	{"list count", "list customer where customer_country = 'Germany' count"},
}

func TestCompileFeatures(t *testing.T) {
	db, c := open(t, "northwind")
	var golden strings.Builder
	for _, f := range features {
		p, err := plan.Parse(f.text, c.Names())
		if err != nil {
			t.Errorf("%s: %v", f.name, err)
			continue
		}
		q, err := c.Compile(p)
		if err != nil {
			t.Errorf("%s: compile %q: %v", f.name, f.text, err)
			continue
		}
		golden.WriteString("-- " + f.name + ": " + f.text + "\n" + q + "\n\n")
		rows, err := db.QueryContext(context.Background(), q)
		if err != nil {
			t.Errorf("%s: run %s: %v", f.name, q, err)
			continue
		}
		n := 0
		for rows.Next() {
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Errorf("%s: %v", f.name, err)
		}
		if n == 0 && f.name != "filter unknown value" {
			t.Errorf("%s: %s returned no rows", f.name, q)
		}
	}
	checkGolden(t, "northwind.golden", golden.String())
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the compiler's output (go test -update rewrites it):\n%s", path, firstDiff(got, string(want)))
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return "got:  " + a + "\nwant: " + b
		}
	}
	return ""
}

func TestCompileErrors(t *testing.T) {
	_, c := open(t, "northwind")
	for _, tc := range []struct{ text, want string }{
		{"total_freight by category", "total_freight cannot be broken down by category"},
		{"units_in_stock in 2022", "units_in_stock has no time column"},
		{"order_count where discontinued_product", "order_count cannot be restricted to discontinued_product"},
		{"revenue by customer_country running", "running totals need one time breakdown"},
		{"year_over_year_growth in 2022", "takes no time window"},
	} {
		p, err := plan.Parse(tc.text, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.text, err)
		}
		_, err = c.Compile(p)
		var ce *compile.Error
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Compile(%q) = %v, want an error containing %q", tc.text, err, tc.want)
		}
	}
	if _, err := plan.Parse("revnue by product", c.Names()); err == nil || !strings.Contains(err.Error(), "did you mean revenue") {
		t.Errorf("unknown metric: %v", err)
	}
}

// TestChinook: the same compiler on the second world.
func TestChinook(t *testing.T) {
	db, c := open(t, "chinook")
	for _, text := range []string{
		"revenue by genre top 5",
		"invoice_count by support_rep in 2023",
		"revenue by customer per invoice_year top 1",
		"revenue share of genre = 'Rock'",
		"track_count by genre where long_track top 3",
		"revenue by invoice_month in last 6 months running",
	} {
		p, err := plan.Parse(text, c.Names())
		if err != nil {
			t.Errorf("%s: %v", text, err)
			continue
		}
		q, err := c.Compile(p)
		if err != nil {
			t.Errorf("%s: %v", text, err)
			continue
		}
		var n int
		if err := db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM ("+q+")").Scan(&n); err != nil || n == 0 {
			t.Errorf("%s: %s: %d rows, %v", text, q, n, err)
		}
	}
}
