package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestDBLoadPostgres(t *testing.T) {
	if code, _, stderr := runCLI(t, "db", "load-postgres"); code == 0 || !strings.Contains(stderr, "--url is required") {
		t.Errorf("without --url: code %d, stderr %q", code, stderr)
	}
	url := os.Getenv("SQLFORGE_TEST_POSTGRES_URL")
	if url == "" {
		t.Skip("SQLFORGE_TEST_POSTGRES_URL is not set")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "cli_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), url)
		if err == nil {
			_, _ = conn.Exec(context.Background(), `DROP SCHEMA IF EXISTS "`+name+`" CASCADE`)
			conn.Close(context.Background())
		}
	})
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string // in stdout for status 0, in stderr otherwise
	}{
		{"load chinook", []string{"db", "load-postgres", "--url", url, "--schema", name, "--db", "chinook"}, 0, name + ".InvoiceLine"},
		{"again refused", []string{"db", "load-postgres", "--url", url, "--schema", name, "--db", "chinook"}, 2, "use --replace"},
		{"replace json", []string{"--json", "db", "load-postgres", "--url", url, "--schema", name, "--db", "chinook", "--replace"}, 0, `"name": "Track"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			out := stdout
			if tc.code != 0 {
				out = stderr
			}
			if code != tc.code || !strings.Contains(out, tc.contains) {
				t.Errorf("code %d, stdout %q, stderr %q; want code %d and %q", code, stdout, stderr, tc.code, tc.contains)
			}
		})
	}
}
