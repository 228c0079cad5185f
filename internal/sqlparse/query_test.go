package sqlparse

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTables(t *testing.T) {
	tests := []struct {
		sql  string
		want []string
	}{
		{"SELECT a FROM t", []string{"t"}},
		{"SELECT * FROM Orders o JOIN order_details od ON o.OrderID = od.OrderID JOIN orders x ON 1", []string{"order_details", "Orders"}},
		{"WITH m AS (SELECT ym FROM Orders o JOIN order_details od USING (OrderID)) SELECT ym FROM m ORDER BY ym", []string{"order_details", "Orders"}},
		{"SELECT a FROM t WHERE b IN (SELECT b FROM u) AND NOT EXISTS (SELECT 1 FROM v) UNION SELECT c FROM w", []string{"t", "u", "v", "w"}},
		{"SELECT x FROM (SELECT a AS x FROM t) s, main.u", []string{"t", "u"}},
		{"SELECT (SELECT max(b) FROM u) FROM [Order Details]", []string{"Order Details", "u"}},
		// rqlite/sql rejects a WITH inside a subquery; the token fallback
		// resolves CTE names in the whole statement.
		{"SELECT * FROM t WHERE a IN (WITH m AS (SELECT 1 FROM u) SELECT * FROM m)", []string{"t", "u"}},
		{"SELECT 1", []string{}},
		// Not readable by the AST parser (RIGHT JOIN): the token fallback.
		{"WITH c AS (SELECT 1 FROM a) SELECT * FROM b RIGHT JOIN c ON 1, d AS e, \"f g\" -- FROM z", []string{"a", "b", "d", "f g"}},
	}
	for _, tc := range tests {
		got, err := Tables(tc.sql)
		if err != nil {
			t.Errorf("Tables(%q): %v", tc.sql, err)
			continue
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("Tables(%q) = %q, want %q (-want +got):\n%s", tc.sql, got, tc.want, d)
		}
	}
	if _, err := Tables(" ; "); err == nil {
		t.Errorf("Tables of empty input: no error")
	}
}

func TestOrderBy(t *testing.T) {
	tests := []struct {
		sql        string
		any, outer bool
	}{
		{"SELECT a FROM t ORDER BY a", true, true},
		{"SELECT a FROM t", false, false},
		{"SELECT a FROM (SELECT a FROM t ORDER BY a LIMIT 3)", true, false},
		{"SELECT RANK() OVER (ORDER BY a) FROM t", true, false},
		{"SELECT a FROM t UNION SELECT b FROM u order\n/* x */ by 1", true, true},
		{"SELECT 'order by' FROM t -- ORDER BY", false, false},
		{"WITH m AS (SELECT a FROM t ORDER BY a) SELECT * FROM m", true, false},
	}
	for _, tc := range tests {
		if got := HasOrderBy(tc.sql); got != tc.any {
			t.Errorf("HasOrderBy(%q) = %v, want %v", tc.sql, got, tc.any)
		}
		if got := OuterOrderBy(tc.sql); got != tc.outer {
			t.Errorf("OuterOrderBy(%q) = %v, want %v", tc.sql, got, tc.outer)
		}
	}
}

func TestStripDistinct(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SELECT DISTINCT a FROM t", "SELECT a FROM t"},
		{"SELECT count(distinct  a), 'DISTINCT' FROM t", "SELECT count(a), 'DISTINCT' FROM t"},
		{"SELECT a FROM t WHERE a IS NOT DISTINCT FROM b", "SELECT a FROM t WHERE a IS NOT DISTINCT FROM b"},
		{"SELECT \"distinct\" FROM t", "SELECT \"distinct\" FROM t"},
	}
	for _, tc := range tests {
		if got := StripDistinct(tc.in); got != tc.want {
			t.Errorf("StripDistinct(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestIsReadOnly(t *testing.T) {
	ok := []string{
		"SELECT a FROM t",
		"select a from t;",
		"WITH m AS (SELECT 1) SELECT * FROM m -- delete",
		"SELECT replace(a, 'x', 'y'), \"update\", 'DROP TABLE t' FROM t",
		"SELECT a FROM t RIGHT JOIN u ON 1", // beyond the AST parser, still fine by tokens
	}
	for _, sql := range ok {
		if err := IsReadOnly(sql); err != nil {
			t.Errorf("IsReadOnly(%q) = %v, want nil", sql, err)
		}
	}
	bad := []string{
		"", ";", "SELECT 1; SELECT 2", "SELECT 1; DROP TABLE t",
		"DELETE FROM t", "INSERT INTO t VALUES (1)", "UPDATE t SET a = 1", "REPLACE INTO t VALUES (1)",
		"PRAGMA table_info(t)", "ATTACH 'x.db' AS x", "DETACH x", "VACUUM", "VACUUM INTO 'x.db'",
		"CREATE TABLE x (a)", "DROP TABLE t", "ALTER TABLE t ADD b", "BEGIN", "COMMIT", "ANALYZE",
		"EXPLAIN SELECT 1", "VALUES (1)",
		"WITH x AS (SELECT 1) DELETE FROM t", "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
		"WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x",
		"SELECT load_extension('evil')", "SELECT \"LOAD_EXTENSION\"('evil')", "SELECT writefile('x', a) FROM t",
		"SELECT 'unterminated", "SELECT a # b FROM t",
	}
	for _, sql := range bad {
		err := IsReadOnly(sql)
		if err == nil || !errors.Is(err, ErrNotReadOnly) {
			t.Errorf("IsReadOnly(%q) = %v, want ErrNotReadOnly", sql, err)
		}
	}
}

func TestParse(t *testing.T) {
	good := []string{
		"SELECT a FROM t;", "SELECT [a b] FROM `t`", "/* c */ SELECT 1 -- d",
		"WITH m AS (SELECT 1 AS x) SELECT x, RANK() OVER (PARTITION BY x ORDER BY x) FROM m",
		"SELECT württemberg, payout___us$__ FROM t",
	}
	for _, sql := range good {
		if _, err := Parse(sql); err != nil {
			t.Errorf("Parse(%q): %v", sql, err)
		}
	}
	bad := []string{"", "SELECT 1; SELECT 2", "SELEC 1", "SELECT (1", "SELECT a FROM", "SELECT 'x", "SELECT # FROM t"}
	for _, sql := range bad {
		if _, err := Parse(sql); err == nil {
			t.Errorf("Parse(%q): no error", sql)
		}
	}
	if _, err := Parse(" -- only\n;"); !errors.Is(err, ErrEmpty) {
		t.Errorf("Parse(comment only) = %v, want ErrEmpty", err)
	}
}
