package match_test

import (
	"context"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/match"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
	"github.com/sqlforge/sqlforge/internal/sqlexec/sqlexectest"
)

// verdicts holds the expected verdict per mode, one letter each in the order
// spider, bird, defog (exact), defog subset-correct, seed: T (match), F (no
// match) or - (not checked).
type verdicts string

var modeOrder = []struct {
	mode   match.Mode
	subset bool
}{{match.Spider, false}, {match.Bird, false}, {match.Defog, false}, {match.Defog, true}, {match.Seed, false}}

type evalCase struct {
	name         string
	gold, pred   string
	question     string
	keepDistinct bool
	tolerance    float64
	want         verdicts
	wantClass    string // the prediction's error class
	wantBroken   bool
}

// cases are hand-made predictions over the sqlexectest fixture with the
// verdict each original would give.
var cases = []evalCase{
	{name: "identical", gold: "SELECT name FROM emp WHERE id <= 3", pred: "SELECT name FROM emp WHERE id <= 3", want: "TTTTT"},
	{name: "reordered columns", gold: "SELECT id, name FROM emp", pred: "SELECT name, id FROM emp", want: "TFTTT"},
	{name: "reordered columns, five of them, and rows",
		gold: "SELECT id, name, salary, bonus, dept_id FROM emp",
		pred: "SELECT bonus, dept_id, salary, name, id FROM emp ORDER BY name DESC", want: "TFFTT"}, // bonus has a NULL: NaN in pandas
	{name: "reordered columns and rows, no NULLs",
		gold: "SELECT id, name, salary, dept_id FROM emp WHERE dept_id IS NOT NULL",
		pred: "SELECT salary, dept_id, name, id FROM emp WHERE dept_id IS NOT NULL ORDER BY name DESC", want: "TFTTT"},
	{name: "reordered rows, gold without ORDER BY", gold: "SELECT name FROM emp", pred: "SELECT name FROM emp ORDER BY name DESC", want: "TTTTT"},
	{name: "reordered rows, gold with ORDER BY", gold: "SELECT name FROM emp ORDER BY id", pred: "SELECT name FROM emp ORDER BY id DESC", want: "FTTTF"},
	{name: "reordered rows, question asks for an order", gold: "SELECT name FROM emp ORDER BY id",
		pred: "SELECT name FROM emp ORDER BY id DESC", question: "List the names in order of id", want: "FTFFF"},
	{name: "reordered rows, 'sorted' is not an order word to defog", gold: "SELECT name FROM emp ORDER BY id",
		pred: "SELECT name FROM emp ORDER BY id DESC", question: "List the names sorted by id", want: "FTTTF"},
	{name: "ORDER BY only in a gold subquery", gold: "SELECT name FROM (SELECT name FROM emp ORDER BY id LIMIT 3) AS t",
		pred: "SELECT name FROM emp WHERE id <= 3 ORDER BY id DESC", want: "FTTTT"},
	{name: "DISTINCT stripped", gold: "SELECT dept_id FROM emp WHERE dept_id IS NOT NULL",
		pred: "SELECT DISTINCT dept_id FROM emp WHERE dept_id IS NOT NULL", want: "TTTTF"},
	{name: "DISTINCT kept", gold: "SELECT dept_id FROM emp WHERE dept_id IS NOT NULL",
		pred: "SELECT DISTINCT dept_id FROM emp WHERE dept_id IS NOT NULL", keepDistinct: true, want: "FTTTF"},
	{name: "extra duplicate row", gold: "SELECT dept_id FROM emp WHERE dept_id = 1",
		pred: "SELECT dept_id FROM emp WHERE dept_id = 1 UNION ALL SELECT 1", want: "FTTTF"},
	{name: "1 vs 1.0", gold: "SELECT count(*) FROM emp", pred: "SELECT count(*) * 1.0 FROM emp", want: "TTTTF"},
	{name: "'1' vs 1", gold: "SELECT 1", pred: "SELECT '1'", want: "FFFFT"},
	{name: "NULL in a numeric column", gold: "SELECT budget FROM dept", pred: "SELECT budget FROM dept ORDER BY budget", want: "TTFTT"},
	{name: "NULL in a text column", gold: "SELECT hired FROM emp", pred: "SELECT hired FROM emp ORDER BY hired DESC", want: "TTTTT"},
	{name: "NULL vs empty text", gold: "SELECT hired FROM emp WHERE id = 4", pred: "SELECT '' FROM emp WHERE id = 4", want: "FFFFT"},
	{name: "both empty, different columns", gold: "SELECT name FROM emp WHERE id > 100",
		pred: "SELECT name, id FROM emp WHERE id < 0", want: "TTFFT"},
	{name: "prediction empty", gold: "SELECT name FROM emp", pred: "SELECT name FROM emp WHERE id < 0", want: "FFFFF"},
	{name: "extra predicted column", gold: "SELECT name FROM emp", pred: "SELECT name, salary FROM emp", want: "FFFTF"},
	{name: "wrong column", gold: "SELECT name, salary FROM emp", pred: "SELECT name, bonus FROM emp", want: "FFFFF"},
	{name: "gold alternatives split on ;", gold: "SELECT id FROM emp; SELECT name FROM emp", pred: "SELECT name FROM emp", want: "--TT-"},
	{name: "gold column options in braces", gold: "SELECT {id, name} FROM emp", pred: "SELECT name FROM emp", want: "--TT-"},
	{name: "float off without tolerance", gold: "SELECT avg(salary) FROM emp", pred: "SELECT round(avg(salary)) FROM emp", want: "FFFFF"},
	{name: "float within tolerance", gold: "SELECT avg(salary) FROM emp", pred: "SELECT round(avg(salary)) FROM emp",
		tolerance: 1e-4, want: "TTTTT"},
	{name: "timeout", gold: "SELECT count(*) FROM nums",
		pred: "SELECT count(*) FROM nums a, nums b, nums c, nums d, nums e", want: "FFFFF", wantClass: sqlexec.ClassTimeout},
	{name: "syntax error", gold: "SELECT name FROM emp", pred: "SELEC name FROM emp", want: "FFFFF", wantClass: sqlexec.ClassSyntax},
	{name: "unknown table", gold: "SELECT name FROM emp", pred: "SELECT name FROM employees", want: "FFFFF", wantClass: sqlexec.ClassUnknownTable},
	{name: "broken gold", gold: "SELECT nope FROM emp", pred: "SELECT name FROM emp", want: "FFFFF", wantBroken: true},
}

func TestEvaluate(t *testing.T) {
	for dialect, ex := range sqlexectest.Executors(t) {
		for _, tc := range cases {
			for k, m := range modeOrder {
				want := tc.want[k]
				if want == '-' {
					continue
				}
				out := match.Evaluate(context.Background(), ex, m.mode, tc.gold, tc.pred, match.Options{
					KeepDistinct: tc.keepDistinct,
					Query:        sqlexec.Options{Timeout: 100 * time.Millisecond, MaxRows: 10000},
					Question:     tc.question,
					Tolerance:    tc.tolerance,
				})
				got := out.Match
				if m.subset {
					got = out.Subset
				}
				label := string(m.mode)
				if m.subset {
					label += " subset"
				}
				if got != (want == 'T') {
					t.Errorf("%s/%s/%s: match = %v, want %v (%s)", dialect, tc.name, label, got, want == 'T', out.Reason)
				}
				if out.PredClass != tc.wantClass {
					t.Errorf("%s/%s/%s: prediction error class = %q, want %q", dialect, tc.name, label, out.PredClass, tc.wantClass)
				}
				if out.BrokenGold() != tc.wantBroken {
					t.Errorf("%s/%s/%s: broken gold = %v, want %v (%v)", dialect, tc.name, label, out.BrokenGold(), tc.wantBroken, out.GoldErr)
				}
			}
		}
	}
}
