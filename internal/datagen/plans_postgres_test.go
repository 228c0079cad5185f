package datagen_test

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

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/datagen"
	"github.com/sqlforge/sqlforge/internal/dialect/postgres"
	"github.com/sqlforge/sqlforge/internal/pgload"
	"github.com/sqlforge/sqlforge/internal/sqlexec/sqlexectest"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// TestGeneratePlansPostgres loads the embedded Northwind into a new PostgreSQL schema,
// renders the shipped ontology for PostgreSQL (it must validate there), generates plan pairs
// on the server and runs every gold query again on its own pgx connection, outside the
// generator: each must run and return rows. Skipped without SQLFORGE_TEST_POSTGRES_URL.
func TestGeneratePlansPostgres(t *testing.T) {
	base := os.Getenv(sqlexectest.PostgresURLEnv)
	if base == "" {
		t.Skipf("%s is not set", sqlexectest.PostgresURLEnv)
	}
	ctx := context.Background()
	scoped := loadNorthwindPG(t, base)

	db, ont := serverNorthwind(t, scoped, "postgres")
	recs, st, err := datagen.GeneratePlans(ctx, db.DB, ont, datagen.Options{Seed: 42, Size: 200, Dialect: postgres.New(), DB: db.Name})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 190 || st.Rejected[datagen.RejectError] > 0 {
		t.Fatalf("%d records, stats %+v", len(recs), st)
	}

	conn, err := pgx.Connect(ctx, scoped)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	quoted := 0
	ran := map[string]bool{}
	for i, r := range recs {
		if ran[r.SQL] { // the phrasings of one query share its SQL
			continue
		}
		ran[r.SQL] = true
		rows, err := conn.Query(ctx, r.SQL)
		if err != nil {
			t.Fatalf("record %d: %v\n%s", i, err, r.SQL)
		}
		n := 0
		for rows.Next() {
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil || n == 0 || n != r.Rows {
			t.Fatalf("record %d: %d rows (record says %d), %v\n%s", i, n, r.Rows, err, r.SQL)
		}
		if _, err := sqlparse.Hardness(r.SQL); err != nil {
			t.Errorf("record %d: hardness: %v", i, err)
		}
		if strings.Contains(r.SQL, `"Orders"`) || strings.Contains(r.SQL, `"Products"`) {
			quoted++
		}
	}
	if quoted == 0 {
		t.Errorf("no gold query quotes a CamelCase table")
	}
	t.Logf("%d pairs (%d distinct queries), shapes %v, rejected %v", len(recs), len(ran), st.Shape, st.Rejected)
}

// loadNorthwindPG copies the embedded Northwind into a new schema (dropped at cleanup) and
// returns a URL whose search_path is that schema.
func loadNorthwindPG(t *testing.T, base string) string {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	var rb [6]byte
	_, _ = rand.Read(rb[:])
	name := "sqlforge_datagen_" + hex.EncodeToString(rb[:])
	t.Cleanup(func() { _, _ = pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+name+" CASCADE") })
	src, err := database.Open(ctx, "northwind")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
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
	return u.String()
}
