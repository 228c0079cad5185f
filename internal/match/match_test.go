package match

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

var (
	iv = sqlexec.IntValue
	rv = sqlexec.RealValue
	tv = sqlexec.TextValue
	nv = sqlexec.NullValue()
)

func res(rows ...[]sqlexec.Value) *sqlexec.Result {
	cols := []string{}
	if len(rows) > 0 {
		for i := range rows[0] {
			cols = append(cols, string(rune('a'+i)))
		}
	}
	return &sqlexec.Result{Columns: cols, Rows: rows}
}

func TestCompareDiff(t *testing.T) {
	tests := []struct {
		name       string
		mode       Mode
		gold, pred *sqlexec.Result
		goldSQL    string
		want       Verdict
	}{
		{"spider order", Spider, res([]sqlexec.Value{iv(1)}, []sqlexec.Value{iv(2)}), res([]sqlexec.Value{iv(2)}, []sqlexec.Value{iv(1)}),
			"SELECT a FROM t ORDER BY a", Verdict{Diff: DiffOrder, Reason: "same rows in a different order (gold has ORDER BY)"}},
		{"spider columns", Spider, res([]sqlexec.Value{iv(1)}), res([]sqlexec.Value{iv(1), iv(2)}),
			"SELECT a FROM t", Verdict{Diff: DiffColumns, Reason: "gold has 1 columns, prediction 2"}},
		{"spider latin1 bytes dropped", Spider, res([]sqlexec.Value{tv("Mnster")}), res([]sqlexec.Value{tv("M\xfcnster")}),
			"SELECT a FROM t", Verdict{Match: true, Subset: true, Reason: "same denotation"}},
		{"bird latin1 bytes kept", Bird, res([]sqlexec.Value{tv("Mnster")}), res([]sqlexec.Value{tv("M\xfcnster")}),
			"SELECT a FROM t", Verdict{Diff: DiffRows, Reason: "different sets of rows (columns compared by position)"}},
		{"truncated", Bird, res([]sqlexec.Value{iv(1)}), &sqlexec.Result{Columns: []string{"a"}, Rows: [][]sqlexec.Value{{iv(1)}}, Truncated: true},
			"SELECT a FROM t", Verdict{Diff: DiffTruncated, Reason: "a result was cut at the row cap; not compared"}},
		{"seed float text", Seed, res([]sqlexec.Value{rv(1e16), rv(0.0001), rv(-2.5)}), res([]sqlexec.Value{tv("1e+16"), tv("0.0001"), tv("-2.5")}),
			"SELECT a FROM t", Verdict{Match: true, Subset: true, Reason: "exact match of query results"}},
		{"seed null is empty text", Seed, res([]sqlexec.Value{nv}), res([]sqlexec.Value{tv("")}),
			"SELECT a FROM t", Verdict{Match: true, Subset: true, Reason: "exact match of query results"}},
	}
	for _, tt := range tests {
		got := Compare(tt.mode, tt.gold, tt.pred, Info{GoldSQL: tt.goldSQL})
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%s (-got +want):\n%s", tt.name, diff)
		}
	}
}

// TestSpiderManyColumns checks that the permutation search finds the one
// permutation among 12! quickly and rejects a near miss.
func TestSpiderManyColumns(t *testing.T) {
	const ncol, nrow = 12, 50
	var gold, pred, miss [][]sqlexec.Value
	for r := range nrow {
		g := make([]sqlexec.Value, ncol)
		p := make([]sqlexec.Value, ncol)
		for c := range ncol {
			g[c] = iv(int64(r % (c + 2)))
			p[ncol-1-c] = g[c]
		}
		gold, pred = append(gold, g), append(pred, p)
		m := append([]sqlexec.Value(nil), p...)
		if r == nrow-1 {
			m[0], m[1] = m[1], m[0]
		}
		miss = append(miss, m)
	}
	if !resultEq(gold, pred, false, 0) {
		t.Error("reversed columns not matched")
	}
	if resultEq(gold, miss, false, 0) {
		t.Error("one swapped cell matched")
	}
}

func TestPyFloat(t *testing.T) {
	tests := map[float64]string{
		1: "1.0", -2.5: "-2.5", 0.1: "0.1", 1e16: "1e+16", 1e15: "1000000000000000.0",
		0.0001: "0.0001", 0.00001: "1e-05", 123456.789: "123456.789", 1.5e-10: "1.5e-10", 0: "0.0",
		4500.25: "4500.25", 1.7976931348623157e308: "1.7976931348623157e+308",
	}
	for f, want := range tests {
		if got := pyFloat(f); got != want {
			t.Errorf("pyFloat(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestStripDistinct(t *testing.T) {
	tests := map[string]string{
		"SELECT DISTINCT name FROM t":              "SELECT  name FROM t",
		"select count(distinct a) from t":          "select count( a) from t",
		"SELECT 'distinct' FROM t":                 "SELECT 'distinct' FROM t",
		`SELECT "Distinct" FROM t -- distinct`:     `SELECT "Distinct" FROM t -- distinct`,
		"SELECT distinctive FROM t":                "SELECT distinctive FROM t",
		"SELECT 'it''s distinct' , DISTINCT a":     "SELECT 'it''s distinct' ,  a",
		"SELECT a FROM t /* DISTINCT */ WHERE b=1": "SELECT a FROM t /* DISTINCT */ WHERE b=1",
	}
	for in, want := range tests {
		if got := StripDistinct(in); got != want {
			t.Errorf("StripDistinct(%q) = %q, want %q", in, got, want)
		}
	}
	if got, want := ExecSQL(Spider, "SELECT a FROM t WHERE b > = YEAR(CURDATE()) - 1", false), "SELECT a FROM t WHERE b >= 2020- 1"; got != want {
		t.Errorf("ExecSQL = %q, want %q", got, want)
	}
}

func TestSeedHasOrderBy(t *testing.T) {
	tests := map[string]bool{
		"SELECT a FROM t ORDER BY a":                            true,
		"SELECT a FROM t\norder   by a":                         true,
		"SELECT a FROM (SELECT a FROM t ORDER BY a)":            false,
		"SELECT a FROM t -- ORDER BY a":                         false,
		"SELECT a FROM t /* ORDER BY a */":                      false,
		"SELECT a FROM t ORDER BY coalesce(a, 0)":               false, // the original's quirk
		"SELECT a FROM (SELECT a FROM t ORDER BY a) ORDER BY a": true,
		"SELECT a FROM t":                                       false,
	}
	for in, want := range tests {
		if got := seedHasOrderBy(in); got != want {
			t.Errorf("seedHasOrderBy(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestDefogAlternatives(t *testing.T) {
	got := DefogAlternatives("SELECT {id, name} FROM t GROUP BY {}; SELECT x FROM u;")
	want := []string{
		"SELECT id FROM t GROUP BY id",
		"SELECT  name FROM t GROUP BY  name",
		"SELECT id,  name FROM t GROUP BY id,  name",
		"SELECT x FROM u",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestParseMode(t *testing.T) {
	for _, m := range Modes() {
		got, err := ParseMode(string(m.Mode))
		if err != nil || got != m.Mode {
			t.Errorf("ParseMode(%q) = %q, %v", m.Mode, got, err)
		}
	}
	if _, err := ParseMode("exact"); err == nil {
		t.Error("ParseMode accepted an unknown mode")
	}
}

// TestExecSQLShortcuts checks that ExecSQL's quick tests skip no rewrite.
func TestExecSQLShortcuts(t *testing.T) {
	full := func(sql string) string {
		sql = strings.NewReplacer("> =", ">=", "< =", "<=", "! =", "!=").Replace(sql)
		return StripDistinct(curYear.ReplaceAllString(sql, "2020"))
	}
	for _, sql := range []string{
		"SELECT DISTINCT a FROM t", "select distinct a", "SELECT count(DiStInCt a)", "SELECT a FROM t WHERE b > = 1",
		"SELECT YEAR(CURDATE()) - age", "select year ( curdate ( ) ) ", "SELECT 'distinct'", "SELECT diſtinct a FROM t",
		"SELECT a", "", "distinc", "SELECT a FROM t WHERE y = year(CurDate())",
	} {
		if got, want := ExecSQL(Spider, sql, false), full(sql); got != want {
			t.Errorf("ExecSQL(%q) = %q, want %q", sql, got, want)
		}
	}
}
