package sqlexec_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/sqlexec"
	"github.com/sqlforge/sqlforge/internal/sqlexec/sqlexectest"
)

func TestErrorClasses(t *testing.T) {
	runtime := map[string]string{
		sqlexec.DialectSQLite:   "SELECT abs(-9223372036854775807 - 1)", // integer overflow
		sqlexec.DialectPostgres: "SELECT 1 / (SELECT count(*) - 5 FROM emp)",
	}
	for dialect, ex := range sqlexectest.Executors(t) {
		tests := []struct {
			sql       string
			want      string
			wantCheck string // class from Check; runtime errors pass Check
		}{
			{sql: "SELEC name FROM emp", want: sqlexec.ClassSyntax, wantCheck: sqlexec.ClassSyntax},
			{sql: "SELECT name FROM emp WHERE", want: sqlexec.ClassSyntax, wantCheck: sqlexec.ClassSyntax},
			{sql: "SELECT name FROM employees", want: sqlexec.ClassUnknownTable, wantCheck: sqlexec.ClassUnknownTable},
			{sql: "SELECT nom FROM emp", want: sqlexec.ClassUnknownColumn, wantCheck: sqlexec.ClassUnknownColumn},
			{sql: runtime[dialect], want: sqlexec.ClassRuntime, wantCheck: ""},
			{sql: "SELECT name FROM emp", want: "", wantCheck: ""},
		}
		for _, tt := range tests {
			_, err := ex.Query(context.Background(), tt.sql, sqlexec.Options{})
			if got := sqlexec.ErrorClass(err); got != tt.want {
				t.Errorf("%s: Query(%q) class = %q (%v), want %q", dialect, tt.sql, got, err, tt.want)
			}
			if err != nil && !strings.Contains(err.Error(), tt.sql[:10]) {
				t.Errorf("%s: error %q lacks an excerpt of the SQL", dialect, err)
			}
			err = ex.Check(context.Background(), tt.sql)
			if got := sqlexec.ErrorClass(err); got != tt.wantCheck {
				t.Errorf("%s: Check(%q) class = %q (%v), want %q", dialect, tt.sql, got, err, tt.wantCheck)
			}
		}
	}
}

func TestCanceled(t *testing.T) {
	for dialect, ex := range sqlexectest.Executors(t) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := ex.Query(ctx, "SELECT 1", sqlexec.Options{})
		if got := sqlexec.ErrorClass(err); got != sqlexec.ClassCanceled {
			t.Errorf("%s: class = %q (%v), want %q", dialect, got, err, sqlexec.ClassCanceled)
		}
	}
}

// TestReadOnly checks that writes are refused and change nothing.
func TestReadOnly(t *testing.T) {
	writes := []string{
		"DELETE FROM emp",
		"UPDATE emp SET salary = 0",
		"INSERT INTO dept VALUES (9, 'X', 1)",
		"CREATE TABLE evil (a INTEGER)",
		"DROP TABLE emp",
		"WITH x AS (SELECT 1) DELETE FROM emp",
	}
	for dialect, ex := range sqlexectest.Executors(t) {
		for _, w := range writes {
			if _, err := ex.Query(context.Background(), w, sqlexec.Options{}); err == nil {
				t.Errorf("%s: %q was not refused", dialect, w)
			}
		}
		got, err := ex.Query(context.Background(), "SELECT count(*), sum(salary) FROM emp", sqlexec.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Rows[0][0] != i(5) || got.Rows[0][1] != r(24000.5) {
			t.Errorf("%s: data changed: %v", dialect, got.Rows)
		}
	}
}
