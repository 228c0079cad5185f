package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs sqlforge in-process with the user cache in a temporary folder.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestDBCommands(t *testing.T) {
	dir := t.TempDir()
	exported := filepath.Join(dir, "nw.db")
	notDB := filepath.Join(dir, "x.csv")
	os.WriteFile(notDB, []byte("a,b\n"), 0o644)
	built := filepath.Join(dir, "built.db")
	script := filepath.Join("..", "..", "data", "northwind", "northwind.sql")
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string // in stdout for status 0, in stderr otherwise
	}{
		{"list", []string{"db", "list"}, 0, "northwind"},
		{"list json", []string{"--json", "db", "list"}, 0, `"name": "chinook"`},
		{"info", []string{"db", "info"}, 0, "order_details"},
		{"info chinook", []string{"db", "info", "--db", "chinook"}, 0, "InvoiceLine"},
		{"info json", []string{"db", "info", "--json"}, 0, `"schema_hash"`},
		{"info not sqlite", []string{"db", "info", "--db", notDB}, 2, "open database " + notDB + ": not a SQLite database"},
		{"info missing", []string{"db", "info", "--db", filepath.Join(dir, "nope.db")}, 2, "no such file"},
		{"export", []string{"db", "export", exported}, 0, ""},
		{"info on export", []string{"db", "info", "--db", exported}, 0, "3500"},
		{"export unknown", []string{"db", "export", "--name", "pubs", exported}, 2, "unknown sample database"},
		{"export no path", []string{"db", "export"}, 2, "accepts 1 arg"},
		{"export new folder", []string{"db", "export", filepath.Join(dir, "new", "x.db")}, 0, ""},
		{"export below a file", []string{"db", "export", filepath.Join(notDB, "x.db")}, 2, "export northwind"},
		{"build", []string{"db", "build", "--script", script, "--orders", "120", "--seed", "5", "--out", built}, 0, ""},
		{"info on build", []string{"db", "info", "--db", built}, 0, "120"},
		{"build no out", []string{"db", "build", "--script", script}, 2, "--out is required"},
		{"build no script", []string{"db", "build", "--script", filepath.Join(dir, "none.sql"), "--out", built}, 2, "read northwind script"},
		{"build bad orders", []string{"db", "build", "--script", script, "--orders", "-3", "--out", built}, 2, "--orders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, stderr)
			}
			where := stdout
			if code != 0 {
				where = stderr
				if strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
					t.Errorf("error is not one line: %q", stderr)
				}
			}
			if !strings.Contains(where, tt.contains) {
				t.Errorf("output %q does not contain %q", where, tt.contains)
			}
		})
	}
}

func TestSchemaCommand(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{"create", []string{"schema"}, 0, "CREATE TABLE Orders (OrderID INTEGER PRIMARY KEY, CustomerID TEXT"},
		{"create samples", []string{"schema", "--samples", "--tables", "Shippers"}, 0, "-- e.g. 'Federal Shipping'"},
		{"views", []string{"schema", "--views", "--tables", "order details"}, 0, `CREATE TABLE "Order Details"`},
		{"compact", []string{"schema", "--format", "compact", "--tables", "orders"}, 0, "CustomerID TEXT -> Customers.CustomerID"},
		{"chinook", []string{"schema", "--db", "chinook", "--format", "compact"}, 0, "Track(TrackId INTEGER PK"},
		{"bad format", []string{"schema", "--format", "yaml"}, 2, `--format "yaml"`},
		{"bad table", []string{"schema", "--tables", "Orders,Ordr"}, 2, `unknown table "Ordr"`},
		{"bad db", []string{"schema", "--db", "nowhere.db"}, 2, "open database nowhere.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, stderr)
			}
			where := stdout
			if code != 0 {
				where = stderr
			}
			if !strings.Contains(where, tt.contains) {
				t.Errorf("output %q does not contain %q", where, tt.contains)
			}
		})
	}
	code, stdout, _ := runCLI(t, "--json", "schema", "--tables", "Regions")
	var s struct {
		Tables []struct {
			Name     string `json:"name"`
			RowCount int    `json:"row_count"`
		} `json:"tables"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &s) != nil || len(s.Tables) != 1 || s.Tables[0].RowCount != 4 {
		t.Errorf("--json schema: exit %d, %q", code, stdout)
	}
}
