package schema_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/pgload"
	"github.com/sqlforge/sqlforge/internal/schema"
	"github.com/sqlforge/sqlforge/internal/sqlexec/sqlexectest"
)

// pgNorthwind copies the embedded Northwind into a fresh PostgreSQL schema (dropped at
// the end), adds a view, and returns the pool and the schema's name; it skips without a
// server.
func pgNorthwind(t *testing.T) (*pgxpool.Pool, string) {
	t.Helper()
	url := os.Getenv(sqlexectest.PostgresURLEnv)
	if url == "" {
		t.Skipf("%s is not set", sqlexectest.PostgresURLEnv)
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "schema_" + hex.EncodeToString(b)
	t.Cleanup(func() { _, _ = pool.Exec(context.Background(), `DROP SCHEMA IF EXISTS "`+name+`" CASCADE`) })
	if _, err := pgload.Load(ctx, sqliteNorthwind(t).DB, pool, pgload.Options{Schema: name}); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, fmt.Sprintf(`CREATE VIEW %q."Order Details" AS SELECT * FROM %q.order_details`, name, name)); err != nil {
		t.Fatal(err)
	}
	return pool, name
}

// sqliteNorthwind opens the embedded Northwind, closed at the end.
func sqliteNorthwind(t *testing.T) *database.DB {
	t.Helper()
	db, err := database.Open(context.Background(), "northwind")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// keys renders what must be the same on both engines: names, order, keys, row counts.
func keys(s *schema.Schema) string {
	var b strings.Builder
	for _, t := range s.Tables {
		fmt.Fprintf(&b, "%s %s rows=%d pk=%v\n", t.Kind, t.Name, t.RowCount, t.PrimaryKey)
		for _, c := range t.Columns {
			fmt.Fprintf(&b, "  %s pk=%d\n", c.Name, c.PK)
		}
		for _, fk := range t.ForeignKeys {
			fmt.Fprintf(&b, "  fk %v -> %s %v\n", fk.Columns, fk.RefTable, fk.RefColumns)
		}
	}
	return b.String()
}

func TestIntrospectPostgresMatchesSQLite(t *testing.T) {
	pool, name := pgNorthwind(t)
	pg, err := schema.IntrospectPostgres(context.Background(), pool, name, schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lite, err := schema.Introspect(context.Background(), sqliteNorthwind(t).DB)
	if err != nil {
		t.Fatal(err)
	}
	if pg.Dialect != "postgres" {
		t.Errorf("dialect %q, want postgres", pg.Dialect)
	}
	if got, want := keys(pg), keys(lite); got != want {
		t.Errorf("postgres schema differs from sqlite's\n got:\n%s\nwant:\n%s", got, want)
	}
	for _, c := range []struct{ table, column, typ, samples string }{
		{"Orders", "OrderID", "bigint", ""},
		{"Orders", "ShipVia", "bigint", "[2 3 1]"},
		{"Orders", "OrderDate", "text", ""},
		{"order_details", "UnitPrice", "double precision", ""},
		{"Categories", "Picture", "bytea", "[]"},
	} {
		col := pg.Table(c.table).Column(c.column)
		if col == nil {
			t.Errorf("%s.%s missing", c.table, c.column)
			continue
		}
		if col.Type != c.typ {
			t.Errorf("%s.%s type %q, want %q", c.table, c.column, col.Type, c.typ)
		}
		if c.samples != "" {
			want := fmt.Sprint(lite.Table(c.table).Column(c.column).Samples)
			if got := fmt.Sprint(col.Samples); got != want || got != c.samples {
				t.Errorf("%s.%s samples %s, want %s (sqlite %s)", c.table, c.column, got, c.samples, want)
			}
		}
	}
	if v := pg.Table("Order Details"); v == nil || v.Kind != "view" || !strings.Contains(v.SQL, "order_details") {
		t.Errorf("view Order Details: %+v", v)
	}
	ddl := schema.CreateTable(pg, schema.CreateOptions{})
	// PostgreSQL keeps a CamelCase name only when quoted, so its renderings quote them.
	if !strings.Contains(ddl, `CREATE TABLE order_details ("OrderID" bigint, "ProductID" bigint, "UnitPrice" double precision, "Quantity" bigint, "Discount" double precision, PRIMARY KEY ("OrderID", "ProductID"), FOREIGN KEY ("OrderID") REFERENCES "Orders" ("OrderID")`) {
		t.Errorf("CreateTable lacks order_details as expected:\n%s", ddl)
	}
	if compact := schema.Compact(pg); !strings.Contains(compact, `"Orders"("OrderID" bigint PK, "CustomerID" text -> "Customers"."CustomerID"`) {
		t.Errorf("Compact lacks Orders as expected:\n%s", compact)
	}
}

func TestIntrospectPostgresMissingSchema(t *testing.T) {
	pool, _ := pgNorthwind(t)
	s, err := schema.IntrospectPostgres(context.Background(), pool, "no_such_schema_here", schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tables) != 0 {
		t.Errorf("%d tables in a missing schema, want 0", len(s.Tables))
	}
}
