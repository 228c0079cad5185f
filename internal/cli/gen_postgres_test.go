package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestGenPostgres runs gen on a postgres:// URL, as docs/postgres.md does: Northwind loaded by
// db load-postgres into a fresh schema, pairs in PostgreSQL SQL verified on the server, and
// exports whose prompts show PostgreSQL's quoting and name the engine.
func TestGenPostgres(t *testing.T) {
	base := os.Getenv("SQLFORGE_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("SQLFORGE_TEST_POSTGRES_URL is not set")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "cli_gen_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), base)
		if err == nil {
			_, _ = conn.Exec(context.Background(), `DROP SCHEMA IF EXISTS "`+name+`" CASCADE`)
			conn.Close(context.Background())
		}
	})
	if code, _, stderr := runCLI(t, "db", "load-postgres", "--url", base, "--schema", name); code != 0 {
		t.Fatalf("load: exit %d: %s", code, stderr)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	dir := t.TempDir()
	code, stdout, stderr := runCLI(t, "--json", "gen", "--db", u.String(), "--out", dir, "--size", "150", "--formats", "openai,sql-create-context")
	if code != 0 {
		t.Fatalf("gen: exit %d: %s", code, stderr)
	}
	var sum genSummary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("summary: %v\n%s", err, stdout)
	}
	if sum.Generated != 150 || sum.Kept < 100 || sum.Stats.Rejected["error"] > 0 {
		t.Fatalf("summary: %+v", sum)
	}
	train, err := os.ReadFile(filepath.Join(dir, "train.jsonl"))
	if err != nil || !strings.Contains(string(train), `\"Orders\".\"OrderDate\"`) {
		t.Errorf("train.jsonl has no quoted CamelCase column (%v)", err)
	}
	chat, err := os.ReadFile(filepath.Join(dir, "openai", "train.jsonl"))
	if err != nil || !strings.Contains(string(chat), "specialized in PostgreSQL") || !strings.Contains(string(chat), `CREATE TABLE \"Orders\"`) {
		t.Errorf("openai export does not show the PostgreSQL schema (%v)", err)
	}
	if code, _, stderr := runCLI(t, "gen", "--db", u.String(), "--out", t.TempDir(), "--generator", "templates"); code != exitInput || !strings.Contains(stderr, "SQLite only") {
		t.Errorf("templates on PostgreSQL: exit %d, %s", code, stderr)
	}
}
