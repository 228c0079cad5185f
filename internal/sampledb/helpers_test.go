package sampledb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readScript reads a shipped script from the repository's data folder.
func readScript(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "data", name, name+".sql"))
	if err != nil {
		t.Fatalf("read script: %v", err)
	}
	return string(b)
}

// openFile opens a SQLite file for the test.
func openFile(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openEmbedded writes an embedded database to a temporary file and opens it.
func openEmbedded(t testing.TB, name string) *sql.DB {
	t.Helper()
	b, err := Bytes(name)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name+".db")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return openFile(t, path)
}

// digest is a canonical hash of a database's content: the SQL of every schema
// object and every row of every table (sqlite_stat* excepted), rows ordered by
// all their columns and written with quote(), so it depends on content, not on
// the file's page layout.
func digest(t testing.TB, db *sql.DB) string {
	t.Helper()
	ctx := context.Background()
	h := sha256.New()
	var tables []string
	rows, err := db.QueryContext(ctx, `SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var typ, name, ddl string
		if err := rows.Scan(&typ, &name, &ddl); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s %s %s\n", typ, name, ddl)
		if typ == "table" {
			tables = append(tables, name)
		}
	}
	rows.Close()
	for _, table := range tables {
		var cols []string
		crow, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
		if err != nil {
			t.Fatal(err)
		}
		for crow.Next() {
			var c string
			if err := crow.Scan(&c); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, `quote("`+c+`")`)
		}
		crow.Close()
		q := fmt.Sprintf(`SELECT %s FROM "%s" ORDER BY %s`, strings.Join(cols, " || ',' || "), table, strings.Join(cols, ", "))
		var n int
		if err := queryRows(db, q, func(line string) { fmt.Fprintf(h, "%s: %s\n", table, line); n++ }); err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func queryRows(db *sql.DB, q string, each func(string)) error {
	rows, err := db.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		each(s)
	}
	return rows.Err()
}

// count runs a query returning one integer.
func count(t testing.TB, db *sql.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
