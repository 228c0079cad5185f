// Package sqlexectest provides the shared test fixture of sqlexec: a few small
// tables with integers, reals, text, NULLs, dates and timestamps, loaded into
// a SQLite file or a fresh PostgreSQL schema, so that the same queries can be
// run on both dialects and their canonical results compared.
package sqlexectest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// PostgresURLEnv names the environment variable that points the tests at a
// PostgreSQL server; .ci/postgres.sh prints it.
const PostgresURLEnv = "SQLFORGE_TEST_POSTGRES_URL"

// NumsRows is the number of rows of the table nums (1..NumsRows), used for
// cartesian joins that never finish.
const NumsRows = 60

// fixture is the DDL and data, with {REAL} and {DATETIME} standing for the
// dialect's type names (REAL is 4-byte in PostgreSQL; it has no DATETIME).
var fixture = []string{
	`CREATE TABLE dept (id INTEGER PRIMARY KEY, name TEXT NOT NULL, budget {REAL})`,
	`INSERT INTO dept VALUES (1, 'Sales', 1000.5), (2, 'R&D', NULL), (3, 'Ops', 250.0)`,
	`CREATE TABLE emp (id INTEGER PRIMARY KEY, name TEXT NOT NULL, dept_id INTEGER,
		salary {REAL}, bonus INTEGER, hired DATE, last_login {DATETIME})`,
	`INSERT INTO emp VALUES
		(1, 'Ann', 1, 5000.0, 100, '2020-01-15', '2021-03-04 00:00:00'),
		(2, 'Bob', 1, 4000.5, NULL, '2019-07-01', '2021-03-05 12:30:00'),
		(3, 'Cid', 2, 6000.0, 200, '2021-11-30', NULL),
		(4, 'Dee', NULL, 3000.0, 0, NULL, '2020-12-31 23:59:59'),
		(5, 'Zoë', 2, 6000.0, 200, '2018-02-28', '2022-01-01 08:00:00')`,
	`CREATE TABLE nums (n INTEGER NOT NULL)`,
	`INSERT INTO nums WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 60) SELECT n FROM s`,
}

// Statements returns the fixture's statements for dialect.
func Statements(dialect string) []string {
	real, datetime := "REAL", "DATETIME"
	if dialect == sqlexec.DialectPostgres {
		real, datetime = "DOUBLE PRECISION", "TIMESTAMP"
	}
	r := strings.NewReplacer("{REAL}", real, "{DATETIME}", datetime)
	out := make([]string, len(fixture))
	for i, s := range fixture {
		out[i] = r.Replace(s)
	}
	return out
}

// SQLitePath writes the fixture to a new SQLite file in a temporary directory
// and returns its path.
func SQLitePath(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fixture.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range Statements(sqlexec.DialectSQLite) {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("load fixture: %v\n%s", err, s)
		}
	}
	return path
}

// SQLite opens the fixture read-only in a new SQLite file.
func SQLite(t testing.TB) *sqlexec.SQLite {
	t.Helper()
	ex, err := sqlexec.OpenSQLite(context.Background(), SQLitePath(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ex.Close() })
	return ex
}

// Postgres loads the fixture into a new schema on the server named by
// $SQLFORGE_TEST_POSTGRES_URL and returns an executor whose search_path is
// that schema; the schema is dropped at cleanup. It skips the test when the
// variable is unset.
func Postgres(t testing.TB) *sqlexec.Postgres {
	t.Helper()
	base := os.Getenv(PostgresURLEnv)
	if base == "" {
		t.Skipf("%s not set; run eval \"$(.ci/postgres.sh)\" to test PostgreSQL", PostgresURLEnv)
	}
	ctx := context.Background()
	var rb [6]byte
	_, _ = rand.Read(rb[:])
	schema := "sqlforge_test_" + hex.EncodeToString(rb[:])
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect %s: %v", PostgresURLEnv, err)
	}
	defer conn.Close(ctx)
	stmts := append([]string{"CREATE SCHEMA " + schema, "SET search_path = " + schema},
		Statements(sqlexec.DialectPostgres)...)
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("load fixture: %v\n%s", err, s)
		}
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			c.Close(context.Background())
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresURLEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	ex, err := sqlexec.OpenPostgres(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ex.Close() })
	return ex
}

// Executors returns the fixture on every dialect available: SQLite always,
// PostgreSQL when the URL is set.
func Executors(t testing.TB) map[string]sqlexec.Executor {
	t.Helper()
	out := map[string]sqlexec.Executor{sqlexec.DialectSQLite: SQLite(t)}
	if os.Getenv(PostgresURLEnv) != "" {
		out[sqlexec.DialectPostgres] = Postgres(t)
	}
	return out
}
