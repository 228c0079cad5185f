package schema_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/schema"
)

// FuzzIntrospect opens arbitrary bytes as a database file and introspects
// it: an untrusted file must give an error or a schema, never a panic, and a
// schema must render.
func FuzzIntrospect(f *testing.F) {
	dir := f.TempDir()
	small := filepath.Join(dir, "small.db")
	db, err := sql.Open("sqlite", "file:"+small)
	if err != nil {
		f.Fatal(err)
	}
	_, err = db.Exec(`CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT, b BLOB);
		CREATE TABLE "b c" (x REFERENCES a, y DATETIME DEFAULT CURRENT_TIMESTAMP);
		CREATE VIEW v AS SELECT name FROM a;
		INSERT INTO a VALUES (1, 'x', x'00'), (2, NULL, NULL);
		INSERT INTO "b c" VALUES (1, '2024-01-01');`)
	db.Close()
	if err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(small)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte("SQLite format 3\x00"))
	f.Add([]byte("a,b\n1,2\n"))
	corrupt := append([]byte(nil), good...)
	for i := 100; i < len(corrupt); i += 97 {
		corrupt[i] ^= 0x5a
	}
	f.Add(corrupt)
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), "f.db")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		db, err := database.Open(ctx, path)
		if err != nil {
			return
		}
		defer db.Close()
		s, err := schema.Introspect(ctx, db.DB)
		if err != nil {
			return
		}
		_ = schema.CreateTable(s, schema.CreateOptions{Samples: true, Views: true})
		_ = schema.Compact(s)
		if _, err := schema.JSON(s); err != nil {
			t.Fatalf("schema does not encode: %v", err)
		}
		if s.Hash() == "" {
			t.Fatal("empty hash")
		}
	})
}
