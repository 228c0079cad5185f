package database

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/sampledb"
)

// useTempCache points the user cache folder at a temporary folder.
func useTempCache(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("HOME", dir)
	t.Setenv("LocalAppData", dir)
	return dir
}

// writableDB creates a small SQLite file with a writable connection.
func writableDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "small.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b')`); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOpenEmbedded(t *testing.T) {
	cache := useTempCache(t)
	ctx := context.Background()
	for _, ref := range []string{"", "northwind", "Chinook"} {
		db, err := Open(ctx, ref)
		if err != nil {
			t.Fatalf("Open(%q): %v", ref, err)
		}
		if !db.Embedded || !strings.HasPrefix(db.Path, cache) || db.Dialect() != "sqlite" {
			t.Errorf("Open(%q) = %+v", ref, db)
		}
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table'").Scan(&n); err != nil || n < 10 {
			t.Errorf("Open(%q): %d tables, %v", ref, n, err)
		}
		db.Close()
	}
	// The second open reuses the cached copy.
	db, err := Open(ctx, "northwind")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(db.Path), "northwind-*.db"))
	if len(matches) != 1 || db.Name != "northwind" {
		t.Errorf("cache holds %v, name %q", matches, db.Name)
	}
}

// TestWritesRefused checks read-only enforcement on an embedded database and
// on a file, including after a connection changes its pragmas.
func TestWritesRefused(t *testing.T) {
	useTempCache(t)
	ctx := context.Background()
	file := writableDB(t)
	for _, ref := range []string{"northwind", file} {
		db, err := Open(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		db.SetMaxOpenConns(3)
		for _, stmt := range []string{
			"CREATE TABLE x (a)",
			"DELETE FROM Orders",
			"DELETE FROM t",
			"PRAGMA query_only = 0; CREATE TABLE y (a)",
		} {
			if _, err := db.ExecContext(ctx, stmt); err == nil {
				t.Errorf("%s: %q was allowed", ref, stmt)
			}
		}
		db.Close()
	}
	// The file is unchanged.
	db, _ := sql.Open("sqlite", "file:"+file)
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 2 {
		t.Errorf("file changed: %d rows, %v", n, err)
	}
}

func TestOpenBadFiles(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "x.csv")
	os.WriteFile(csv, []byte("a,b\n1,2\n"), 0o644)
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	broken := filepath.Join(dir, "broken.db")
	os.WriteFile(broken, append([]byte(sqliteHeader), make([]byte, 200)...), 0o644)
	tests := []struct {
		ref  string
		want string
	}{
		{csv, "open database " + csv + ": not a SQLite database"},
		{empty, "open database " + empty + ": not a SQLite database"},
		{filepath.Join(dir, "missing.db"), "missing.db: no such file"},
		{dir, "is a directory"},
		{broken, "open database " + broken},
	}
	for _, tt := range tests {
		db, err := Open(context.Background(), tt.ref)
		if err == nil {
			db.Close()
			t.Errorf("Open(%s) succeeded", tt.ref)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Open(%s) error %q, want %q", tt.ref, err, tt.want)
		}
	}
	if _, err := Open(context.Background(), csv); !errors.Is(err, ErrNotSQLite) {
		t.Errorf("not errors.Is ErrNotSQLite: %v", err)
	}
}

// TestLatin1 opens a file whose text is not UTF-8 and reads every text value.
func TestLatin1(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join("testdata", "northwind_latin1.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT CompanyName, Address, City FROM Customers ORDER BY CustomerID")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n, invalid := 0, 0
	for rows.Next() {
		var a, b, c sql.NullString
		if err := rows.Scan(&a, &b, &c); err != nil {
			t.Fatal(err)
		}
		n++
		if !utf8Valid(a.String + b.String + c.String) {
			invalid++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 || invalid == 0 {
		t.Errorf("read %d customers, %d with non-UTF-8 text; want some of each", n, invalid)
	}
}

func TestExport(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nw.db")
	if err := Export(ctx, "northwind", path); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want, _ := sampledb.Bytes("northwind")
	if string(got) != string(want) {
		t.Error("exported bytes differ from the embedded database")
	}
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := Export(ctx, "nope", path); err == nil {
		t.Error("exported an unknown database")
	}
	// Missing parent folders are created, as users of "db export out/nw.db" expect.
	nested := filepath.Join(t.TempDir(), "no", "such", "dir.db")
	if err := Export(ctx, "northwind", nested); err != nil {
		t.Errorf("export into new folders: %v", err)
	}
	// A parent that is a file is a clear error.
	if err := Export(ctx, "northwind", filepath.Join(path, "inside.db")); err == nil {
		t.Error("exported below a regular file")
	}
}

func TestDSNEscapes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a?b#c%d")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "x.db")
	if err := Export(context.Background(), "chinook", path); err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM Track").Scan(&n); err != nil || n != 3503 {
		t.Errorf("tracks %d, %v", n, err)
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
