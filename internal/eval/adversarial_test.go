package eval

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"modernc.org/sqlite"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// corpusPredictor answers item i with statement i of the adversarial corpus.
type corpusPredictor []string

func (corpusPredictor) Name() string { return "file:adversarial" }

func (p corpusPredictor) Predict(_ context.Context, it Item, _ string) (Prediction, error) {
	return Prediction{SQL: p[it.Index]}, nil
}

// TestAdversarialPredictions evaluates every statement of testdata/adversarial.jsonl as a
// prediction on a private copy of Northwind: none runs past the guard and the executor's
// authorizer (ATTACH, VACUUM INTO and PRAGMA included), the database file is byte-identical,
// no file is created, and every pooled connection keeps its settings.
func TestAdversarialPredictions(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "adversarial.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var corpus corpusPredictor
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var stmt string
		if err := json.Unmarshal([]byte(line), &stmt); err != nil {
			t.Fatalf("testdata/adversarial.jsonl:%d: %v", i+1, err)
		}
		corpus = append(corpus, strings.ReplaceAll(stmt, "{DIR}", dir))
	}
	ctx := context.Background()
	db, err := database.Open(ctx, "northwind")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(db.Path)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "northwind.db")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	items := make([]Item, len(corpus))
	for i := range items {
		items[i] = Item{Index: i, ID: "adv", Question: "anything", Gold: "SELECT count(*) FROM Orders", DB: path}
	}
	dbs := NewDatabases(path)
	defer dbs.Close()
	rep, err := Run(ctx, items, []Predictor{corpus}, dbs, Options{Workers: 2, Query: sqlexec.Options{Timeout: 2e9, MaxRows: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Models[0].Items {
		if r.Metrics.EX != nil && *r.Metrics.EX {
			t.Errorf("item %d: %q matched the gold", r.Index, corpus[r.Index])
		}
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(after) != sha256.Sum256(src) {
		t.Error("database file changed")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files created: %v", entries)
	}
	raw, err := dbs.Raw(ctx, items[0])
	if err != nil {
		t.Fatal(err)
	}
	checkConns(t, raw)
}

// checkConns holds every open connection of db at once and checks that none kept a
// setting a prediction could change.
func checkConns(t *testing.T, db *sql.DB) {
	t.Helper()
	ctx := context.Background()
	n := db.Stats().OpenConnections
	for k := range max(n, 1) {
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var writable, queryOnly int
		if err := conn.QueryRowContext(ctx, "PRAGMA writable_schema").Scan(&writable); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, "PRAGMA query_only").Scan(&queryOnly); err != nil {
			t.Fatal(err)
		}
		length, _ := sqlite.Limit(conn, 0, -1)
		attached, _ := sqlite.Limit(conn, 7, -1)
		var dbsAttached int
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM pragma_database_list").Scan(&dbsAttached); err != nil {
			t.Fatal(err)
		}
		if writable != 0 || length != 1_000_000_000 || attached != 10 || dbsAttached != 1 {
			t.Errorf("connection %d of %d: writable_schema %d, query_only %d, length limit %d, attach limit %d, %d databases",
				k+1, n, writable, queryOnly, length, attached, dbsAttached)
		}
	}
}
