package sqlparse

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"select  a,b from T ;", "SELECT a, b FROM t"},
		{"SELECT count( * ) FROM t -- comment\n WHERE x='Ab  C';;", "SELECT count(*) FROM t WHERE x = 'Ab  C'"},
		{"SELECT /* c */ \"OrderID\", [Order Details].`Qty` FROM [Order Details]", `SELECT orderid, "order details".qty FROM "order details"`},
		{"select a<>b, a==b, a != b from t", "SELECT a != b, a = b, a != b FROM t"},
		{"SELECT -1, a - -b, a-1, (-a) FROM t", "SELECT -1, a - -b, a - 1, (-a) FROM t"},
		{"SELECT CASE WHEN x THEN -1 ELSE +2 END - 3", "SELECT CASE WHEN x THEN -1 ELSE +2 END - 3"},
		{"SELECT t . * , COUNT (DISTINCT x) FROM t", "SELECT t.*, count(DISTINCT x) FROM t"},
		{"SELECT a FROM t WHERE b IN(1,2) AND EXISTS(SELECT 1)", "SELECT a FROM t WHERE b IN (1, 2) AND EXISTS (SELECT 1)"},
		{"SELECT CAST (x AS REAL), rank() over(partition by a order by b desc)", "SELECT CAST(x AS real), rank() OVER (PARTITION BY a ORDER BY b DESC)"},
		{"SELECT \"select\", \"a b\"\"c\"", `SELECT "select", "a b""c"`},
		{"SELECT 'it''s', x'0A', ?1, :name", "SELECT 'it''s', x'0A', ?1, :name"},
		{"SELECT - -1", "SELECT - -1"},
		{"SELECT 1 .a", "SELECT 1 .a"},
		{"SELECT a FROM t LIMIT 5 , 10", "SELECT a FROM t LIMIT 5, 10"},
		{"  ;  ", ""},
		{"SELECT 'unterminated  ", "SELECT 'unterminated  "},
	}
	for _, tc := range tests {
		got := Normalize(tc.in)
		if got != tc.want {
			t.Errorf("Normalize(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
		if again := Normalize(got); again != got {
			t.Errorf("Normalize not idempotent on %q: %q", got, again)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct{ in, want string }{
		{"select OrderID,sum(UnitPrice) from [Order Details]\n group by OrderID;", "SELECT OrderID, sum(UnitPrice) FROM [Order Details] GROUP BY OrderID"},
		{"WITH m AS (SELECT strftime('%Y-%m', o.OrderDate) AS ym FROM Orders o) select ym,LAG(ym) over (order by ym) from m",
			"WITH m AS (SELECT strftime('%Y-%m', o.OrderDate) AS ym FROM Orders o) SELECT ym, LAG(ym) OVER (ORDER BY ym) FROM m"},
		{"SELECT \"Order Details\".Quantity FROM \"Order Details\"", "SELECT \"Order Details\".Quantity FROM \"Order Details\""},
		{"select a<>b from t", "SELECT a <> b FROM t"},
	}
	for _, tc := range tests {
		got := Format(tc.in)
		if got != tc.want {
			t.Errorf("Format(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
		if again := Format(got); again != got {
			t.Errorf("Format not idempotent on %q: %q", got, again)
		}
	}
}

// Normalize makes equal what differs only in case, spacing, comments and
// quoting of plain identifiers, and keeps apart what differs in literals.
func TestNormalizeEquivalence(t *testing.T) {
	same := [][2]string{
		{"SELECT Name FROM Singer", "select name from singer;"},
		{"SELECT count(*) FROM t", "SELECT COUNT ( * )\nFROM \"T\""},
		{"SELECT a FROM t WHERE a<>1", "select a from t where a != 1 -- x"},
	}
	for _, p := range same {
		if a, b := Normalize(p[0]), Normalize(p[1]); a != b {
			t.Errorf("Normalize(%q) = %q, Normalize(%q) = %q; want equal", p[0], a, p[1], b)
		}
	}
	differ := [][2]string{
		{"SELECT a FROM t WHERE b = 'X'", "SELECT a FROM t WHERE b = 'x'"},
		{"SELECT 1", "SELECT 1.0"},
		{"SELECT a FROM t", "SELECT 'a' FROM t"},
	}
	for _, p := range differ {
		if a, b := Normalize(p[0]), Normalize(p[1]); a == b {
			t.Errorf("Normalize(%q) == Normalize(%q) == %q; want different", p[0], p[1], a)
		}
	}
}

var fuzzSeeds = []string{
	"SELECT a FROM t",
	"WITH m AS (SELECT strftime('%Y-%m', o.OrderDate) AS ym, SUM(od.UnitPrice*od.Quantity*(1-od.Discount)) AS rev FROM Orders o JOIN order_details od ON o.OrderID = od.OrderID GROUP BY ym) SELECT ym, rev, rev - LAG(rev) OVER (ORDER BY ym) FROM m ORDER BY ym",
	"SELECT c, RANK() OVER (PARTITION BY a ORDER BY b DESC) AS r FROM t WHERE x NOT IN (SELECT y FROM u) UNION SELECT 1, 2",
	"SELECT CASE WHEN a > 1 THEN 'x' ELSE NULL END FROM [t t] WHERE NOT EXISTS (SELECT 1 FROM `u`) LIMIT 3, 4;",
	"select - -1, a.5, 1.e5, 0x1F, x'00', ?2, $v, @w -- c\n/* d */ ;;",
	"SELECT 'unterminated",
	"SELECT \"a\"\"b\", [x", "/* open", "a!b#c", "SELECT 1 ->> 2 || 3 << 4",
	"SELECT NULLIF(a, 0), julianday(x) - julianday(y), CAST(z AS REAL) FROM t GROUP BY a HAVING count(*) > 1",
}

func FuzzNormalize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		once := Normalize(sql)
		if twice := Normalize(once); twice != once {
			t.Fatalf("Normalize not idempotent:\n in  %q\n once %q\n twice %q", sql, once, twice)
		}
	})
}

func FuzzFormat(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		once := Format(sql)
		if twice := Format(once); twice != once {
			t.Fatalf("Format not idempotent:\n in  %q\n once %q\n twice %q", sql, once, twice)
		}
		// Formatting keeps the meaning: the same canonical text.
		if a, b := Normalize(sql), Normalize(once); a != b {
			t.Fatalf("Normalize(Format(x)) != Normalize(x):\n in %q\n %q\n %q", sql, a, b)
		}
	})
}

func FuzzHardness(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, c := range spiderDevCases {
		f.Add(c.sql)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		h, err := Hardness(sql)
		if err != nil {
			return
		}
		switch h {
		case Easy, Medium, Hard, Extra:
		default:
			t.Fatalf("Hardness(%q) = %q", sql, h)
		}
		// Formatting must not change the classification.
		if h2, err := Hardness(Format(sql)); err != nil || h2 != h {
			t.Fatalf("Hardness(Format(%q)) = %q, %v; want %q", sql, h2, err, h)
		}
	})
}

func FuzzTokenize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		toks, _ := Tokenize(sql)
		// Tokens cover the input in order; only whitespace lies between.
		at := 0
		for _, tok := range toks {
			if tok.Pos < at || tok.Text == "" || sql[tok.Pos:tok.Pos+len(tok.Text)] != tok.Text {
				t.Fatalf("bad token %+v at %d in %q", tok, at, sql)
			}
			if strings.TrimSpace(sql[at:tok.Pos]) != "" && strings.Trim(sql[at:tok.Pos], " \t\n\r\f\v") != "" {
				t.Fatalf("skipped %q before %+v in %q", sql[at:tok.Pos], tok, sql)
			}
			at = tok.Pos + len(tok.Text)
		}
		if strings.Trim(sql[at:], " \t\n\r\f\v") != "" {
			t.Fatalf("skipped tail %q in %q", sql[at:], sql)
		}
	})
}

func TestSqueeze(t *testing.T) {
	noLineComments := func(t Token) bool { return !t.IsLineComment() }
	cases := []struct {
		in   string
		keep func(Token) bool
		want string
	}{
		{"  SELECT  a,\n\tb FROM t ;  ", nil, "SELECT a, b FROM t ;"},
		{"SELECT 'a  b', \"x  y\", [c  d] FROM t", nil, "SELECT 'a  b', \"x  y\", [c  d] FROM t"},
		{"SELECT 1 -- one\nFROM t", nil, "SELECT 1 -- one FROM t"},
		{"SELECT 1 -- one\nFROM t", noLineComments, "SELECT 1 FROM t"},
		{"SELECT 1--x\n,2", noLineComments, "SELECT 1 ,2"},
		{"SELECT 'open  ;", nil, "SELECT 'open  ;"},
		{"", nil, ""},
	}
	for _, c := range cases {
		if got := Squeeze(c.in, c.keep); got != c.want {
			t.Errorf("Squeeze(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
