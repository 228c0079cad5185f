package model

import (
	"strings"
	"testing"
)

func TestExtractSQL(t *testing.T) {
	cases := []struct {
		name, text, sql, reasoning string
	}{
		{"seed format",
			"The question asks for revenue per year, so I group orders by year.\n###final_sql_query:\nSELECT strftime('%Y', OrderDate) AS y, SUM(Total) FROM Orders GROUP BY y;\n###END",
			"SELECT strftime('%Y', OrderDate) AS y, SUM(Total) FROM Orders GROUP BY y",
			"The question asks for revenue per year, so I group orders by year."},
		{"seed format, fenced, no end",
			"reasoning here\n###final_sql_query:\n```sql\nSELECT 1\n```\ntrailing words",
			"SELECT 1", "reasoning here"},
		{"seed format, lower case marker",
			"why\n###FINAL_SQL_QUERY: SELECT a FROM t ###end",
			"SELECT a FROM t", "why"},
		{"fenced sql",
			"Here is the query:\n```sql\nSELECT COUNT(*) FROM Orders;\n```\nIt counts orders.",
			"SELECT COUNT(*) FROM Orders", "Here is the query:"},
		{"last sql fence wins",
			"First try:\n```sql\nSELECT 1\n```\nBetter:\n```SQL\nSELECT 2\n```",
			"SELECT 2", "First try:\n```sql\nSELECT 1\n```\nBetter:"},
		{"untagged fence with SQL",
			"```\nWITH t AS (SELECT 1 AS x) SELECT x FROM t\n```",
			"WITH t AS (SELECT 1 AS x) SELECT x FROM t", ""},
		{"sql fence preferred over earlier untagged",
			"```text\nSELECT nope\n```\n```sqlite\nSELECT yes\n```",
			"SELECT yes", "```text\nSELECT nope\n```"},
		{"bare select in prose",
			"Sure! SELECT name FROM Customers WHERE country = 'UK'; This lists UK customers.",
			"SELECT name FROM Customers WHERE country = 'UK'", "Sure!"},
		{"semicolon inside a string",
			"SELECT 'a;b' AS s FROM t; more",
			"SELECT 'a;b' AS s FROM t", ""},
		{"line comment with semicolon",
			"SELECT a -- pick a; not the end\nFROM t;",
			"SELECT a -- pick a; not the end\nFROM t", ""},
		{"with at line start beats prose with",
			"I start with the orders table.\nWITH recent AS (SELECT * FROM Orders) SELECT COUNT(*) FROM recent\n\nDone.",
			"WITH recent AS (SELECT * FROM Orders) SELECT COUNT(*) FROM recent", "I start with the orders table."},
		{"blank line ends a bare statement",
			"SELECT a\nFROM t\n\nThis returns a.",
			"SELECT a\nFROM t", ""},
		{"END marker alone",
			"SELECT 3 ###END garbage SELECT 4",
			"SELECT 3", ""},
		{"no sql", "I cannot answer that question.", "", ""},
		{"empty", "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sql, reasoning := ExtractSQL(tc.text)
			if sql != tc.sql {
				t.Errorf("sql: got %q, want %q", sql, tc.sql)
			}
			if reasoning != tc.reasoning {
				t.Errorf("reasoning: got %q, want %q", reasoning, tc.reasoning)
			}
		})
	}
}

func FuzzExtractSQL(f *testing.F) {
	for _, s := range []string{"", "SELECT 1;", "```sql\nSELECT 1\n```", "x\n###final_sql_query:\nSELECT 1\n###END",
		"```", "###final_sql_query:", "WITH a AS (", "SELECT 'unterminated", "-- SELECT", "```sql\n", "\xff\xfeSELECT"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		sql, reasoning := ExtractSQL(text)
		if !strings.Contains(text, sql) {
			t.Fatalf("sql %q is not a substring of the input", sql)
		}
		if sql != strings.TrimSpace(sql) || strings.HasSuffix(sql, ";") {
			t.Fatalf("sql %q is not cleaned", sql)
		}
		if reasoning != strings.TrimSpace(reasoning) {
			t.Fatalf("reasoning %q is not trimmed", reasoning)
		}
	})
}
