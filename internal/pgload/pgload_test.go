package pgload_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/pgload"
	"github.com/sqlforge/sqlforge/internal/sqlexec/sqlexectest"
)

// testPool connects to the test server, or skips.
func testPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := os.Getenv(sqlexectest.PostgresURLEnv)
	if url == "" {
		t.Skipf("%s is not set", sqlexectest.PostgresURLEnv)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatalf("connect to postgres: %v", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		t.Fatalf("connect to postgres: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// randomSchema returns a fresh schema name, dropped with everything in it at the end.
func randomSchema(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "pgload_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		_, _ = pool.Exec(context.Background(), `DROP SCHEMA IF EXISTS "`+name+`" CASCADE`)
	})
	return name
}

// northwind opens the embedded Northwind, read-only.
func northwind(t testing.TB) *sql.DB {
	t.Helper()
	db, err := database.Open(context.Background(), "northwind")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db.DB
}

// loadNorthwind copies the embedded Northwind into a fresh schema and returns a pool
// whose connections use it as search_path.
func loadNorthwind(t testing.TB) (*pgxpool.Pool, *sql.DB, *pgload.Result) {
	t.Helper()
	pool := testPool(t)
	name := randomSchema(t, pool)
	src := northwind(t)
	res, err := pgload.Load(context.Background(), src, pool, pgload.Options{Schema: name})
	if err != nil {
		t.Fatal(err)
	}
	cfg := pool.Config().Copy()
	cfg.ConnConfig.RuntimeParams["search_path"] = name
	scoped, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(scoped.Close)
	return scoped, src, res
}

func TestLoadNorthwind(t *testing.T) {
	pool, src, res := loadNorthwind(t)
	ctx := context.Background()
	if len(res.Tables) != 13 {
		t.Errorf("copied %d tables, want 13", len(res.Tables))
	}
	if strings.Join(res.SkippedViews, ",") != "Order Details" {
		t.Errorf("skipped views %v, want [Order Details]", res.SkippedViews)
	}
	for _, tb := range res.Tables {
		var want, got int64
		if err := src.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+tb.Name+`"`).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if err := pool.QueryRow(ctx, `SELECT COUNT(*) FROM "`+tb.Name+`"`).Scan(&got); err != nil {
			t.Fatalf("count %s: %v", tb.Name, err)
		}
		if got != want || tb.Rows != want {
			t.Errorf("%s: %d rows in postgres (reported %d), want %d", tb.Name, got, tb.Rows, want)
		}
	}
	// Values that must survive the copy exactly, read the same way on both engines.
	for _, c := range []struct{ name, sqlite, postgres string }{
		{"date text", `SELECT +OrderDate FROM Orders ORDER BY OrderID LIMIT 1`,
			`SELECT "OrderDate" FROM "Orders" ORDER BY "OrderID" LIMIT 1`},
		{"revenue", `SELECT printf('%.6f', SUM(UnitPrice * Quantity * (1 - Discount))) FROM order_details`,
			`SELECT to_char(SUM("UnitPrice" * "Quantity" * (1 - "Discount")), 'FM999999999990.000000') FROM order_details`},
		{"text key", `SELECT CustomerID FROM Customers ORDER BY CustomerID LIMIT 1`,
			`SELECT "CustomerID" FROM "Customers" ORDER BY "CustomerID" COLLATE "C" LIMIT 1`},
		{"picture bytes", `SELECT SUM(length(Picture)) FROM Categories`,
			`SELECT SUM(length("Picture")) FROM "Categories"`},
		{"2021 orders", `SELECT COUNT(*) FROM Orders WHERE OrderDate >= '2021-01-01' AND OrderDate < '2022-01-01'`,
			`SELECT COUNT(*) FROM "Orders" WHERE "OrderDate"::date >= DATE '2021-01-01' AND "OrderDate"::date < DATE '2022-01-01'`},
	} {
		var want, got sql.NullString
		if err := src.QueryRowContext(ctx, c.sqlite).Scan(&want); err != nil {
			t.Fatalf("%s: sqlite: %v", c.name, err)
		}
		if err := pool.QueryRow(ctx, "SELECT CAST(("+c.postgres+") AS TEXT)").Scan(&got); err != nil {
			t.Fatalf("%s: postgres: %v", c.name, err)
		}
		if got != want {
			t.Errorf("%s: postgres %v, sqlite %v", c.name, got, want)
		}
	}
	var pk string
	if err := pool.QueryRow(ctx, `SELECT string_agg(a.attname, ',' ORDER BY k.ord)
		FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
		WHERE i.indisprimary AND i.indrelid = '"order_details"'::regclass`).Scan(&pk); err != nil {
		t.Fatal(err)
	}
	if pk != "OrderID,ProductID" {
		t.Errorf("order_details primary key %q, want OrderID,ProductID", pk)
	}
}

// TestLoadOdd copies a table with awkward names and values of every storage class.
func TestLoadOdd(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	src, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	src.SetMaxOpenConns(1)
	for _, s := range []string{
		`CREATE TABLE "Odd Table" ("select" INTEGER PRIMARY KEY, "Mixed Case" TEXT, price NUMERIC, ratio REAL, day DATE, at DATETIME, raw BLOB, untyped)`,
		`INSERT INTO "Odd Table" VALUES (1, 'it''s', 18, 0.25, '2023-05-17', '2023-05-17 08:30:00', x'00ff', 7),
			(2, NULL, 18.5, NULL, NULL, NULL, NULL, 'x'), (3, 42, '3', 1, '2024-02-29', NULL, 'ab', 2.5)`,
	} {
		if _, err := src.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	name := randomSchema(t, pool)
	res, err := pgload.Load(ctx, src, pool, pgload.Options{Schema: name})
	if err != nil {
		t.Fatal(err)
	}
	wantCols := `select bigint|Mixed Case text|price double precision|ratio double precision|day text|at text|raw bytea|untyped text`
	if got := strings.Join(res.Tables[0].Columns, "|"); got != wantCols {
		t.Errorf("columns\n got %s\nwant %s", got, wantCols)
	}
	var got string
	err = pool.QueryRow(ctx, `SELECT string_agg(concat_ws(',', "select", coalesce("Mixed Case", '~'), price, coalesce(ratio::text, '~'),
		coalesce(day, '~'), coalesce(at, '~'), coalesce(encode(raw, 'hex'), '~'), untyped), ';' ORDER BY "select")
		FROM "`+name+`"."Odd Table"`).Scan(&got)
	if err != nil {
		t.Fatal(err)
	}
	want := `1,it's,18,0.25,2023-05-17,2023-05-17 08:30:00,00ff,7;2,~,18.5,~,~,~,~,x;3,42,3,1,2024-02-29,~,6162,2.5`
	if got != want {
		t.Errorf("rows\n got %s\nwant %s", got, want)
	}

	// A second load without Replace fails and leaves the first intact; with Replace it succeeds.
	if _, err := pgload.Load(ctx, src, pool, pgload.Options{Schema: name}); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("reload without Replace: err = %v, want already exists", err)
	}
	if _, err := pgload.Load(ctx, src, pool, pgload.Options{Schema: name, Replace: true}); err != nil {
		t.Errorf("reload with Replace: %v", err)
	}
}

// TestLoadBadValue checks that a value that fits no column type stops the load with the
// table, row and column named, and that nothing is left behind.
func TestLoadBadValue(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	src, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	src.SetMaxOpenConns(1)
	if _, err := src.Exec(`CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), ('two')`); err != nil {
		t.Fatal(err)
	}
	name := randomSchema(t, pool)
	_, err = pgload.Load(ctx, src, pool, pgload.Options{Schema: name})
	if err == nil || !strings.Contains(err.Error(), "copy table t: row 2, column n") {
		t.Fatalf("err = %v, want it to name table t, row 2, column n", err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = $1`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("schema %s exists after a failed load", name)
	}
}

func TestURLSchema(t *testing.T) {
	for _, tc := range []struct {
		params map[string]string
		want   string
	}{
		{nil, "public"},
		{map[string]string{"search_path": "northwind"}, "northwind"},
		{map[string]string{"search_path": ` "sales" , public`}, "sales"},
		{map[string]string{"search_path": ""}, "public"},
	} {
		if got := pgload.URLSchema(tc.params); got != tc.want {
			t.Errorf("URLSchema(%v) = %q, want %q", tc.params, got, tc.want)
		}
	}
}
