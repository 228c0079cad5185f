package sqlexec_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"modernc.org/sqlite"

	"github.com/sqlforge/sqlforge/internal/sqlexec"
	"github.com/sqlforge/sqlforge/internal/sqlexec/sqlexectest"
)

// TestCellAndResultCaps: a value past the cell cap fails the query at once with
// ClassTooBig (SQLite stops the allocation itself, so a 2 GB printf cannot run
// past the timeout), and a result past the byte cap is cut and says so.
func TestCellAndResultCaps(t *testing.T) {
	tests := []struct {
		name      string
		sql       map[string]string // by dialect
		opts      sqlexec.Options
		wantClass string
		wantBy    string // TruncatedBy when no error
		wantRows  int
	}{
		{
			name: "100 MB printf",
			sql: map[string]string{sqlexec.DialectSQLite: "SELECT printf('%.*c', 100000000, 'y')",
				sqlexec.DialectPostgres: "SELECT repeat('y', 2000000)"},
			wantClass: sqlexec.ClassTooBig,
		},
		{
			name: "2 GB printf",
			sql: map[string]string{sqlexec.DialectSQLite: "SELECT printf('%.*c', 2000000000, 'x')",
				sqlexec.DialectPostgres: "SELECT repeat('x', 3000000)"},
			wantClass: sqlexec.ClassTooBig,
		},
		{
			name: "a smaller cell cap",
			sql: map[string]string{sqlexec.DialectSQLite: "SELECT printf('%.*c', 5000, 'y')",
				sqlexec.DialectPostgres: "SELECT repeat('y', 5000)"},
			opts:      sqlexec.Options{MaxCellBytes: 4096},
			wantClass: sqlexec.ClassTooBig,
		},
		{
			name: "group_concat grows past the cap",
			sql: map[string]string{sqlexec.DialectSQLite: "SELECT group_concat(printf('%.*c', 1000, 'z'), '') FROM nums a, nums b",
				sqlexec.DialectPostgres: "SELECT string_agg(repeat('z', 1000), '') FROM nums a, nums b"},
			wantClass: sqlexec.ClassTooBig,
		},
		{
			name: "byte cap cuts the result",
			sql: map[string]string{sqlexec.DialectSQLite: "SELECT printf('%.*c', 1000, 'w') FROM nums",
				sqlexec.DialectPostgres: "SELECT repeat('w', 1000) FROM nums"},
			opts:     sqlexec.Options{MaxResultBytes: 10_000},
			wantBy:   sqlexec.TruncatedByBytes,
			wantRows: 9,
		},
		{
			name:     "row cap says rows",
			sql:      map[string]string{sqlexec.DialectSQLite: "SELECT n FROM nums", sqlexec.DialectPostgres: "SELECT n FROM nums"},
			opts:     sqlexec.Options{MaxRows: 5},
			wantBy:   sqlexec.TruncatedByRows,
			wantRows: 5,
		},
	}
	for dialect, ex := range sqlexectest.Executors(t) {
		for _, tt := range tests {
			t.Run(dialect+"/"+tt.name, func(t *testing.T) {
				opts := tt.opts
				opts.Timeout = 10 * time.Second
				res, err := ex.Query(context.Background(), tt.sql[dialect], opts)
				if tt.wantClass != "" {
					if got := sqlexec.ErrorClass(err); got != tt.wantClass {
						t.Fatalf("class %q (%v), want %q", got, err, tt.wantClass)
					}
					if !strings.Contains(err.Error(), "cell limit") {
						t.Errorf("error %q does not name the cell limit", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !res.Truncated || res.TruncatedBy != tt.wantBy || len(res.Rows) != tt.wantRows {
					t.Errorf("truncated %v by %q with %d rows, want by %q with %d rows", res.Truncated, res.TruncatedBy, len(res.Rows), tt.wantBy, tt.wantRows)
				}
			})
		}
	}
}

// TestConfinement runs statements that would create files or change the
// connection, with the guard skipped (Trusted), on a borrowed pool of one
// connection: the authorizer and the attach limit refuse each, no file appears,
// and the connection's settings are as before.
func TestConfinement(t *testing.T) {
	dir := t.TempDir()
	db, err := sql.Open("sqlite", sqlexectest.SQLitePath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ex := sqlexec.NewSQLite(db)
	ctx := context.Background()
	before := connState(t, db)
	stmts := []string{
		"ATTACH DATABASE '" + filepath.Join(dir, "attached.db") + "' AS x",
		"VACUUM INTO '" + filepath.Join(dir, "copy.db") + "'",
		"PRAGMA writable_schema = 1",
		"PRAGMA query_only = 0",
		"PRAGMA journal_mode = OFF",
		"BEGIN",
		"SAVEPOINT s",
		"DETACH DATABASE main",
		"CREATE TEMP TABLE t AS SELECT 1",
		"ANALYZE",
		"SELECT load_extension('" + filepath.Join(dir, "evil.so") + "')",
		"SELECT * FROM sqlite_dbpage",
		"SELECT randomblob(10)",
	}
	for _, trusted := range []bool{true, false} {
		for _, stmt := range stmts {
			_, err := ex.Query(ctx, stmt, sqlexec.Options{Trusted: trusted, Timeout: 5 * time.Second})
			if err == nil {
				t.Errorf("trusted=%v %q ran", trusted, stmt)
				continue
			}
			if got := sqlexec.ErrorClass(err); got != sqlexec.ClassRefused {
				t.Errorf("trusted=%v %q: class %q (%v), want %q", trusted, stmt, got, err, sqlexec.ClassRefused)
			}
			if !errors.Is(err, sqlexec.ErrRefused) {
				t.Errorf("%q: %v does not wrap ErrRefused", stmt, err)
			}
			if err := ex.Check(ctx, stmt); sqlexec.ErrorClass(err) != sqlexec.ClassRefused {
				t.Errorf("Check(%q) = %v, want a refusal", stmt, err)
			}
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files created: %v", entries)
	}
	if after := connState(t, db); after != before {
		t.Errorf("connection state %+v after, %+v before", after, before)
	}
	res, err := ex.Query(ctx, "SELECT count(*) FROM nums", sqlexec.Options{})
	if err != nil || res.Rows[0][0].Int != sqlexectest.NumsRows {
		t.Fatalf("executor unusable afterwards: %v %v", res, err)
	}
}

type state struct {
	writableSchema, queryOnly int
	length, attached          int
}

// connState reads the settings a query could leave behind on db's one connection.
func connState(t *testing.T, db *sql.DB) state {
	t.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var s state
	if err := conn.QueryRowContext(context.Background(), "PRAGMA writable_schema").Scan(&s.writableSchema); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRowContext(context.Background(), "PRAGMA query_only").Scan(&s.queryOnly); err != nil {
		t.Fatal(err)
	}
	if s.length, err = sqlite.Limit(conn, 0, -1); err != nil {
		t.Fatal(err)
	}
	if s.attached, err = sqlite.Limit(conn, 7, -1); err != nil {
		t.Fatal(err)
	}
	return s
}
