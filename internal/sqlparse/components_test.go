package sqlparse

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseComponents(t *testing.T) {
	got, err := ParseComponents("SELECT T2.name, count(DISTINCT T1.x) FROM concert AS T1 JOIN stadium AS T2 ON T1.sid = T2.sid WHERE T1.year >= 2014 AND T2.name NOT LIKE 'A%' GROUP BY T2.sid HAVING count(*) > 1 ORDER BY count(*) DESC LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	want := &Components{
		Select:   []string{"count(concert.x)", "stadium.name"},
		Tables:   []string{"concert", "stadium"},
		Where:    []string{"concert.year >= ?", "stadium.name NOT LIKE ?"},
		GroupBy:  []string{"sid"},
		Having:   []string{"count(*) > ?"},
		OrderBy:  []string{"count(*) DESC"},
		Limit:    true,
		Keywords: []string{"desc", "group", "having", "like", "limit", "not", "order", "where"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ParseComponents (-want +got):\n%s", d)
	}
}

func TestExactMatch(t *testing.T) {
	tests := []struct {
		gold, pred string
		want       bool
	}{
		{"SELECT name FROM singer WHERE age > 20", "select NAME from Singer where age > 35;", true},
		{"SELECT a, b FROM t", "SELECT b, a FROM t", true},
		{"SELECT DISTINCT a FROM t", "SELECT a FROM t", true},
		{"SELECT T1.a FROM t AS T1 JOIN u AS T2 ON T1.id = T2.id", "SELECT x.a FROM t x JOIN u y ON x.id = y.id", true},
		{"SELECT a FROM t WHERE b = 1 AND c = 2", "SELECT a FROM t WHERE c = 2 AND b = 1", true},
		{"SELECT a FROM t WHERE b = 1 AND c = 2", "SELECT a FROM t WHERE b = 1 OR c = 2", false},
		{"SELECT a FROM t ORDER BY a", "SELECT a FROM t ORDER BY a DESC", false},
		{"SELECT a FROM t ORDER BY a LIMIT 1", "SELECT a FROM t ORDER BY a LIMIT 3", true},
		{"SELECT a FROM t ORDER BY a LIMIT 1", "SELECT a FROM t ORDER BY a", false},
		{"SELECT a FROM t WHERE b IN (SELECT b FROM u WHERE c = 1)", "SELECT a FROM t WHERE b IN (SELECT b FROM u WHERE c = 9)", true},
		{"SELECT a FROM t WHERE b IN (SELECT b FROM u)", "SELECT a FROM t WHERE b IN (SELECT c FROM u)", false},
		{"SELECT a FROM t UNION SELECT a FROM u", "SELECT a FROM t INTERSECT SELECT a FROM u", false},
		{"SELECT a FROM t EXCEPT SELECT a FROM u", "SELECT a FROM t EXCEPT SELECT a FROM u", true},
		{"SELECT count(*) FROM t", "SELECT max(a) FROM t", false},
		{"SELECT a FROM t WHERE NOT EXISTS (SELECT 1 FROM u)", "SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u)", false},
	}
	for _, tc := range tests {
		g, err := ParseComponents(tc.gold)
		if err != nil {
			t.Fatalf("ParseComponents(%q): %v", tc.gold, err)
		}
		p, err := ParseComponents(tc.pred)
		if err != nil {
			t.Fatalf("ParseComponents(%q): %v", tc.pred, err)
		}
		if got := g.ExactMatch(p); got != tc.want {
			t.Errorf("ExactMatch(%q, %q) = %v, want %v\n gold %+v\n pred %+v", tc.gold, tc.pred, got, tc.want, g, p)
		}
	}
}

func FuzzComponents(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		c, err := ParseComponents(sql)
		if err != nil {
			return
		}
		if !c.ExactMatch(c) {
			t.Fatalf("components of %q do not match themselves", sql)
		}
		f2, err := ParseComponents(Format(sql))
		if err != nil || !c.ExactMatch(f2) {
			t.Fatalf("ParseComponents(Format(%q)) = %+v, %v; want a match of %+v", sql, f2, err, c)
		}
	})
}
