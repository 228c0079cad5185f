package cli

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// shopDB writes a SQLite file as a user might bring one, with no ontology: customers and
// their orders (a foreign key, dates stored as text). 12 customers, 60 orders.
func shopDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shop.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{
		`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT)`,
		`CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id),
			created_at TEXT, amount REAL, status TEXT)`,
	}
	countries := []string{"France", "Germany", "Spain"}
	for i := 1; i <= 12; i++ {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO customers VALUES (%d, 'Customer %d', '%s')`, i, i, countries[i%3]))
	}
	statuses := []string{"open", "shipped", "cancelled"}
	for i := 1; i <= 60; i++ {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO orders VALUES (%d, %d, '202%d-%02d-%02d', %d.5, '%s')`,
			i, i%12+1, 3+i%2, i%12+1, i%28+1, 10*i, statuses[i%3]))
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return path
}

// TestAskDerivedOntology answers questions over a user's database through the ontology
// derived from its schema, and through the YAML `ontology infer` writes from it.
func TestAskDerivedOntology(t *testing.T) {
	shop := shopDB(t)
	edited := filepath.Join(t.TempDir(), "shop.yaml")
	if code, _, stderr := runCLI(t, "ontology", "infer", "--db", shop, "--out", edited); code != 0 {
		t.Fatalf("ontology infer: exit %d: %s", code, stderr)
	}
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string // in stdout for status 0, in stderr otherwise
	}{
		{"how many customers", []string{"ask", "--db", shop, "--gen-size", "200", "How many customers are there?"}, 0,
			[]string{"plan: customer_count\n", "COUNT(DISTINCT customers.id)", "customer_count\n12\n"}},
		{"how many orders", []string{"ask", "--db", shop, "--gen-size", "200", "How many orders are there?"}, 0,
			[]string{"plan: order_count\n", "order_count\n60\n"}},
		{"orders in a year", []string{"ask", "--db", shop, "--gen-size", "200", "How many orders were there in 2024?"}, 0,
			[]string{"plan: order_count in 2024\n", "order_count\n30\n"}},
		{"breakdown over the foreign key", []string{"--json", "ask", "--db", shop, "--gen-size", "200", "Total amount by country"}, 0,
			[]string{`"plan_text": "total_amount by customer_country"`, "JOIN customers ON orders.customer_id = customers.id"}},
		{"the inferred file", []string{"ask", "--db", shop, "--ontology", edited, "--gen-size", "200", "How many customers are there?"}, 0,
			[]string{"customer_count\n12\n"}},
		{"check the inferred file", []string{"ontology", "check", edited, "--db", shop}, 0,
			[]string{"ok on shop (4 metrics"}},
		{"infer to stdout", []string{"ontology", "infer", "--db", shop}, 0,
			[]string{"version: 1\n", "name: shop\n", "- name: Order Count\n", "left: orders\n"}},
		{"missing ontology file", []string{"ask", "--db", shop, "--ontology", filepath.Join(t.TempDir(), "none.yaml"), "How many customers are there?"}, 2,
			[]string{"none.yaml"}},
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
			for _, want := range tt.contains {
				if !strings.Contains(where, want) {
					t.Errorf("output %q does not contain %q", where, want)
				}
			}
		})
	}
	if _, err := os.Stat(edited); err != nil {
		t.Fatal(err)
	}
}
