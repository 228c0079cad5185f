package ontology

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/database"
)

// openDB opens an embedded sample database with the user cache in a temporary folder.
func openDB(t *testing.T, name string) *sql.DB {
	t.Helper()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	db, err := database.Open(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db.DB
}

// readRepo reads a file relative to the repository root.
func readRepo(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// lineOf returns the 1-based line of the first line containing s (after the first line
// containing after, when after is not empty).
func lineOf(t *testing.T, text, after, s string) int {
	t.Helper()
	started := after == ""
	for i, l := range strings.Split(text, "\n") {
		if !started && strings.Contains(l, after) {
			started = true
		}
		if started && strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%q not found after %q", s, after)
	return 0
}

func errorsOf(ps []Problem) Problems   { return Problems(ps).Errors() }
func warningsOf(ps []Problem) Problems { return Problems(ps).Warnings() }
