package match

import (
	"math"
	"regexp"
	"slices"
	"sort"

	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// Defog: defog-ai/sql-eval, eval/eval.py. compare_query_results runs every
// gold alternative (see DefogAlternatives); a prediction is exact when
// compare_df holds for one, and correct (Verdict.Subset) when subset_df
// holds for one.
//
// The results are pandas DataFrames there, and this mode keeps what that
// implies: a numeric column holding NULLs is float with NaN, and NaN != NaN
// in compare_df's elementwise ==, so such NULLs never match exactly (NULLs in
// text columns are None and do); subset_df's pandas assertions treat NaN as
// equal to NaN and compare numbers with rtol 1e-5, atol 1e-8.

// frame is a result as pandas sees it.
type frame struct {
	cols []string
	rows rows
	// nan marks numeric columns holding NULLs (float64 with NaN in pandas).
	nan []bool
}

func newFrame(r *sqlexec.Result) frame {
	f := frame{cols: r.Columns, rows: r.Rows, nan: make([]bool, len(r.Columns))}
	for c := range f.cols {
		numeric, null, other := false, false, false
		for _, row := range f.rows {
			switch {
			case row[c].Kind == sqlexec.Null:
				null = true
			case row[c].IsNumeric():
				numeric = true
			default:
				other = true
			}
		}
		f.nan[c] = numeric && null && !other
	}
	return f
}

var defogOrderWords = regexp.MustCompile(`(?i)\b(order|sort|arrange)\b`)

func defogOrdered(info Info) bool {
	return info.Category == "order_by" || defogOrderWords.MatchString(info.Question)
}

func compareDefog(gold, pred *sqlexec.Result, info Info) Verdict {
	g, p := newFrame(gold), newFrame(pred)
	ordered := defogOrdered(info)
	if compareDF(g, p, ordered, info.Tolerance) {
		return Verdict{Match: true, Subset: true, Reason: "same table after normalisation"}
	}
	if subsetDF(g, p, ordered, info.Tolerance) {
		return Verdict{Subset: true, Diff: DiffColumns, Reason: "gold columns found among the predicted ones (subset-correct)"}
	}
	if len(g.cols) != len(p.cols) {
		return Verdict{Diff: DiffColumns, Reason: "different columns"}
	}
	if ordered && compareDF(g, p, false, info.Tolerance) {
		return Verdict{Diff: DiffOrder, Reason: "same rows in a different order (question asks for an order)"}
	}
	return Verdict{Diff: DiffRows, Reason: "different rows"}
}

// compareDF: equal as is, or equal after normalize_table on both.
func compareDF(a, b frame, ordered bool, tol float64) bool {
	if framesEqual(a, b, tol, false) {
		return true
	}
	return framesEqual(normalize(a, ordered), normalize(b, ordered), tol, false)
}

// framesEqual is shape equality plus elementwise ==; assert is true for
// pandas' assert_frame_equal semantics (NaN equals NaN, rtol 1e-5).
func framesEqual(a, b frame, tol float64, assert bool) bool {
	if len(a.cols) != len(b.cols) || len(a.rows) != len(b.rows) {
		return false
	}
	for i := range a.rows {
		for c := range a.cols {
			x, y := a.rows[i][c], b.rows[i][c]
			if x.Kind == sqlexec.Null && y.Kind == sqlexec.Null {
				if !assert && (a.nan[c] || b.nan[c]) {
					return false
				}
				continue
			}
			if !cellEqual(x, y, tol, assert) {
				return false
			}
		}
	}
	return true
}

func cellEqual(x, y sqlexec.Value, tol float64, assert bool) bool {
	if assert && x.IsNumeric() && y.IsNumeric() {
		a, b := x.Float(), y.Float()
		if math.Abs(a-b) <= math.Max(1e-5*math.Max(math.Abs(a), math.Abs(b)), 1e-8) {
			return true
		}
	}
	return equal(x, y, tol)
}

// normalize is normalize_table: drop duplicate rows, sort the columns by
// name, then sort the rows by every column, or, when the question asks for
// an order, by the columns already sorted first (if any).
func normalize(f frame, ordered bool) frame {
	seen := map[string]bool{}
	var dedup rows
	for _, r := range f.rows {
		if k := rowKey(r); !seen[k] {
			seen[k] = true
			dedup = append(dedup, r)
		}
	}
	idx := make([]int, len(f.cols))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return f.cols[idx[i]] < f.cols[idx[j]] })
	out := frame{cols: make([]string, len(idx)), nan: make([]bool, len(idx)), rows: make(rows, len(dedup))}
	for c, j := range idx {
		out.cols[c], out.nan[c] = f.cols[j], f.nan[j]
	}
	for i, r := range dedup {
		nr := make([]sqlexec.Value, len(idx))
		for c, j := range idx {
			nr[c] = r[j]
		}
		out.rows[i] = nr
	}
	by := make([]int, len(out.cols))
	for i := range by {
		by[i] = i
	}
	if ordered {
		var pre, un []int
		for c := range out.cols {
			if columnSorted(out.rows, c) {
				pre = append(pre, c)
			} else {
				un = append(un, c)
			}
		}
		if len(pre) == 0 {
			return out
		}
		by = append(pre, un...)
	}
	slices.SortStableFunc(out.rows, func(a, b []sqlexec.Value) int {
		for _, c := range by {
			if d := order(a[c], b[c]); d != 0 {
				return d
			}
		}
		return 0
	})
	return out
}

func columnSorted(rs rows, c int) bool {
	for i := 1; i < len(rs); i++ {
		if order(rs[i-1][c], rs[i][c]) > 0 {
			return false
		}
	}
	return true
}

// subsetDF: every gold column equals, as sorted values, a distinct predicted
// column; then the gold and the matched predicted columns (renamed to the
// gold names) are equal after normalize_table.
func subsetDF(gold, pred frame, ordered bool, tol float64) bool {
	if len(gold.rows) == 0 || len(gold.cols) == 0 {
		return false
	}
	remaining := make([]int, len(pred.cols))
	for i := range remaining {
		remaining[i] = i
	}
	var matched []int
	for g := range gold.cols {
		gs := sortedColumn(gold.rows, g)
		found := -1
		for k, p := range remaining {
			if seriesEqual(gs, sortedColumn(pred.rows, p), tol) {
				found = k
				break
			}
		}
		if found < 0 {
			return false
		}
		matched = append(matched, remaining[found])
		remaining = slices.Delete(remaining, found, found+1)
	}
	sub := frame{cols: gold.cols, nan: gold.nan, rows: make(rows, len(pred.rows))}
	for i, r := range pred.rows {
		nr := make([]sqlexec.Value, len(matched))
		for c, p := range matched {
			nr[c] = r[p]
		}
		sub.rows[i] = nr
	}
	return framesEqual(normalize(gold, ordered), normalize(sub, ordered), tol, true)
}

func sortedColumn(rs rows, c int) []sqlexec.Value {
	out := make([]sqlexec.Value, len(rs))
	for i, r := range rs {
		out[i] = r[c]
	}
	slices.SortStableFunc(out, order)
	return out
}

func seriesEqual(a, b []sqlexec.Value, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Kind == sqlexec.Null && b[i].Kind == sqlexec.Null {
			continue
		}
		if !cellEqual(a[i], b[i], tol, true) {
			return false
		}
	}
	return true
}
