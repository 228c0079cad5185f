package compile_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sqlforge/sqlforge/internal/dialect"
	"github.com/sqlforge/sqlforge/internal/dialect/bigquery"
	"github.com/sqlforge/sqlforge/internal/dialect/postgres"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/pgload"
	"github.com/sqlforge/sqlforge/internal/plan"
	"github.com/sqlforge/sqlforge/internal/plan/compile"
	"github.com/sqlforge/sqlforge/internal/sqlexec/sqlexectest"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// TestCompileFeaturesDialects compiles every feature plan of TestCompileFeatures for
// PostgreSQL and BigQuery from the same ontology file (its portable SQL rendered for each),
// keeps the SQL in testdata/northwind.<dialect>.golden, and checks that none of SQLite's own
// functions is left and that sqlforge's parser still reads the PostgreSQL SQL (for hardness). With
// SQLFORGE_TEST_POSTGRES_URL set, each PostgreSQL query also runs on a fresh copy of
// Northwind and must return as many rows as the SQLite query does on the embedded one.
func TestCompileFeaturesDialects(t *testing.T) {
	db, lite := open(t, "northwind")
	var pg *pgx.Conn
	for _, d := range []dialect.Dialect{postgres.New(), bigquery.New()} {
		c := compile.New(lite.Ont, d)
		c.Latest = lite.Latest
		if c.Ont.Dialect != d.Name() {
			t.Fatalf("the compiler's ontology is rendered for %s, want %s", c.Ont.Dialect, d.Name())
		}
		if d.Name() == "postgres" {
			pg = northwindOnPostgres(t)
		}
		var golden strings.Builder
		for _, f := range features {
			p, err := plan.Parse(f.text, c.Names())
			if err != nil {
				t.Fatalf("%s: %v", f.name, err)
			}
			q, err := c.Compile(p)
			if err != nil {
				t.Errorf("%s %s: %v", d.Name(), f.name, err)
				continue
			}
			golden.WriteString("-- " + f.name + ": " + f.text + "\n" + q + "\n\n")
			for _, sqliteOnly := range []string{"strftime(", "julianday(", "TOTAL(", "date(", "::", " REAL)"} {
				if strings.Contains(q, sqliteOnly) {
					t.Errorf("%s %s: %q left in %s", d.Name(), f.name, sqliteOnly, q)
				}
			}
			// BigQuery's EXTRACT(... FROM ...) and DATE '...' are beyond the SQLite-syntax parser.
			if _, err := sqlparse.Hardness(q); err != nil && d.Name() != "bigquery" {
				t.Errorf("%s %s: hardness: %v", d.Name(), f.name, err)
			}
			if pg != nil && d.Name() == "postgres" {
				want := countRows(t, func() (int, error) {
					var n int
					return n, db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM ("+mustCompile(t, lite, p)+") AS t").Scan(&n)
				})
				got := countRows(t, func() (int, error) {
					var n int
					return n, pg.QueryRow(context.Background(), "SELECT COUNT(*) FROM ("+q+") AS t").Scan(&n)
				})
				if got != want {
					t.Errorf("%s: %d rows on PostgreSQL, %d on SQLite\n%s", f.name, got, want, q)
				}
			}
		}
		checkGolden(t, "northwind."+d.Name()+".golden", golden.String())
	}
}

func mustCompile(t *testing.T, c *compile.Compiler, p *plan.Plan) string {
	t.Helper()
	q, err := c.Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func countRows(t *testing.T, f func() (int, error)) int {
	t.Helper()
	n, err := f()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// northwindOnPostgres copies the embedded Northwind into a fresh schema on the server of
// SQLFORGE_TEST_POSTGRES_URL (dropped at cleanup) and connects there; nil without the URL.
func northwindOnPostgres(t *testing.T) *pgx.Conn {
	t.Helper()
	base := os.Getenv(sqlexectest.PostgresURLEnv)
	if base == "" {
		return nil
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	var rb [6]byte
	_, _ = rand.Read(rb[:])
	name := "sqlforge_compile_" + hex.EncodeToString(rb[:])
	t.Cleanup(func() { _, _ = pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+name+" CASCADE") })
	src, _ := open(t, "northwind")
	if _, err := pgload.Load(ctx, src.DB, pool, pgload.Options{Schema: name}); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// TestRenderedOntologies: both shipped ontologies render for every dialect without a problem.
func TestRenderedOntologies(t *testing.T) {
	for _, name := range []string{"northwind", "chinook"} {
		o, err := ontology.LoadRef(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{"sqlite", "postgres", "bigquery"} {
			if _, err := o.For(d); err != nil {
				t.Errorf("%s for %s: %v", name, d, err)
			}
		}
	}
}
