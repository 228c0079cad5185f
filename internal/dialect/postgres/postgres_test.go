package postgres_test

import (
	"context"
	"database/sql"
	"math"
	"os"
	"strconv"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/sqlforge/sqlforge/internal/dialect/dialecttest"
	"github.com/sqlforge/sqlforge/internal/dialect/postgres"
	"github.com/sqlforge/sqlforge/internal/sqlexec/sqlexectest"
)

// sqliteOnlyCases are conformance cases whose expectation holds for SQLite but not for
// PostgreSQL, with the reason; TestQuote and TestQuotedCamelCase check the intent instead.
// (None today: the shared suite only asks that lower-case plain names stay unquoted.)
var sqliteOnlyCases = map[string]string{}

func openPostgres(t *testing.T) *sql.DB {
	t.Helper()
	url := os.Getenv(sqlexectest.PostgresURLEnv)
	if url == "" {
		t.Skipf("%s is not set", sqlexectest.PostgresURLEnv)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.PingContext(context.Background()); err != nil {
		t.Fatalf("ping postgres: %v", err)
	}
	return db
}

func TestConformance(t *testing.T) {
	db := openPostgres(t)
	for _, c := range dialecttest.Cases(postgres.New()) {
		t.Run(c.Name, func(t *testing.T) {
			if why, ok := sqliteOnlyCases[c.Name]; ok {
				t.Skip(why)
			}
			got, err := dialecttest.Eval(context.Background(), db, c.SQL)
			if err != nil {
				t.Fatal(err)
			}
			if !same(got, c.Want) {
				t.Errorf("%s = %s, want %s", c.SQL, got, c.Want)
			}
		})
	}
}

// TestTextDates runs the date functions on 'YYYY-MM-DD' text, the way sqlforge stores dates.
func TestTextDates(t *testing.T) {
	db := openPostgres(t)
	d := postgres.New()
	from := func(expr string) string {
		return "SELECT " + expr + " FROM (SELECT CAST('2023-11-05' AS TEXT) AS d, CAST('2023-10-31' AS TEXT) AS e) t"
	}
	for _, c := range []struct{ name, sql, want string }{
		{"year", from(d.Year("d")), "2023"},
		{"quarter", from(d.Quarter("d")), "4"},
		{"month", from(d.Month("d")), "11"},
		{"year-month", from(d.YearMonth("d")), "2023-11"},
		{"in range", from("CASE WHEN " + d.InRange("d", "2023-11-01", "2023-12-01") + " THEN 1 ELSE 0 END"), "1"},
		{"days between", from(d.DaysBetween("e", "d")), "5"},
		{"timestamp text in range", "SELECT CASE WHEN " + d.InRange("'2023-11-30 23:59:59'", "2023-11-01", "2023-12-01") + " THEN 1 ELSE 0 END", "1"},
		{"round of a double", "SELECT " + d.Round("CAST(2.675 AS DOUBLE PRECISION) * 2", 1), "5.4"},
		{"concat a number", "SELECT " + d.Concat("'n='", "42"), "n=42"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := dialecttest.Eval(context.Background(), db, c.sql)
			if err != nil {
				t.Fatal(err)
			}
			if !same(got, c.want) {
				t.Errorf("%s = %s, want %s", c.sql, got, c.want)
			}
		})
	}
}

// TestQuotedCamelCase checks that a CamelCase identifier written through Quote reaches a
// column created with that exact case.
func TestQuotedCamelCase(t *testing.T) {
	db := openPostgres(t)
	d := postgres.New()
	q := "SELECT t." + d.Quote("OrderDate") + " FROM (SELECT 7 AS \"OrderDate\") t"
	got, err := dialecttest.Eval(context.Background(), db, q)
	if err != nil {
		t.Fatal(err)
	}
	if got != "7" {
		t.Errorf("%s = %s, want 7", q, got)
	}
}

func TestQuote(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"orders", "orders"},
		{"order_details", "order_details"},
		{"Orders", `"Orders"`},
		{"OrderDate", `"OrderDate"`},
		{"Order Details", `"Order Details"`},
		{"group", `"group"`},
		{`we"ird`, `"we""ird"`},
		{"1st", `"1st"`},
		{"", `""`},
	} {
		if got := postgres.New().Quote(c.in); got != c.want {
			t.Errorf("Quote(%q) = %s, want %s", c.in, got, c.want)
		}
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
