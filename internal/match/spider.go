package match

import (
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// Spider: taoyds/test-suite-sql-eval, exec_eval.py, result_eq(result1 =
// gold, result2 = prediction, order_matters = 'order by' in gold.lower()).
//
//  1. Both empty: equal. Different row counts, or different column counts
//     (read from the first rows): not equal.
//  2. quick_rej: each row's values sorted by str(x)+str(type(x)); the lists
//     of such rows must be equal (order matters) or have equal sets.
//  3. A permutation of the prediction's columns must make the results equal:
//     as lists when order matters, else as multisets. With more than three
//     columns, 20 sampled prediction rows prune the candidate columns of
//     each gold column to those whose sampled values occur in it.
//
// Values compare as Python's sqlite3 returns them: numbers by value (1 ==
// 1.0), text never equal to numbers, None equal to None. Text is decoded as
// test-suite's text_factory does, bytes.decode(errors="ignore"): bytes that
// are not UTF-8 are dropped.

// sampleRows is how many prediction rows prune the column permutations.
const sampleRows = 20

func compareSpider(gold, pred *sqlexec.Result, info Info) Verdict {
	orderMatters := spiderOrderMatters(info.GoldSQL)
	g, p := spiderRows(gold.Rows), spiderRows(pred.Rows)
	if resultEq(g, p, orderMatters, info.Tolerance) {
		return Verdict{Match: true, Reason: "same denotation"}
	}
	if v, ok := columnsDiffer(gold, pred); ok {
		return v
	}
	if len(g) != len(p) {
		return Verdict{Diff: DiffRows, Reason: "different row counts"}
	}
	if orderMatters && resultEq(g, p, false, info.Tolerance) {
		return Verdict{Diff: DiffOrder, Reason: "same rows in a different order (gold has ORDER BY)"}
	}
	return Verdict{Diff: DiffRows, Reason: "no column permutation makes the rows equal"}
}

// spiderOrderMatters is exec_eval.py's rule: the gold SQL, lower-cased,
// contains "order by" anywhere (subqueries and string literals included).
func spiderOrderMatters(goldSQL string) bool {
	return strings.Contains(strings.ToLower(goldSQL), "order by")
}

// spiderRows applies text_factory = lambda b: b.decode(errors="ignore").
func spiderRows(rs rows) rows {
	out := rs
	copied := false
	for i, r := range rs {
		for j, v := range r {
			if v.Kind != sqlexec.Text || isUTF8(v.Str) {
				continue
			}
			if !copied {
				out = make(rows, len(rs))
				for k := range rs {
					out[k] = slices.Clone(rs[k])
				}
				copied = true
			}
			out[i][j] = sqlexec.TextValue(strings.ToValidUTF8(v.Str, ""))
		}
	}
	return out
}

func resultEq(r1, r2 rows, orderMatters bool, tol float64) bool {
	if len(r1) == 0 && len(r2) == 0 {
		return true
	}
	if len(r1) != len(r2) {
		return false
	}
	n := len(r1[0])
	if len(r2[0]) != n {
		return false
	}
	if !quickRej(r1, r2, orderMatters, tol) {
		return false
	}
	cols := columnValues(r1, tol)
	cand := permutationCandidates(cols, r2, tol)
	perm := make([]int, n)
	used := make([]bool, n)
	var search func(c int) bool
	search = func(c int) bool {
		if c == n {
			p := permuteRows(r2, perm)
			if orderMatters {
				return listEqual(r1, p, tol)
			}
			return multisetEqual(r1, p, tol)
		}
		for _, j := range cand[c] {
			if used[j] {
				continue
			}
			used[j], perm[c] = true, j
			if search(c + 1) {
				return true
			}
			used[j] = false
		}
		return false
	}
	return search(0)
}

// quickRej is the necessary condition of exec_eval.py: the rows with their
// values sorted (by Python's str(x)+str(type(x))) agree as lists or sets.
func quickRej(r1, r2 rows, orderMatters bool, tol float64) bool {
	s1, s2 := unorderRows(r1), unorderRows(r2)
	if orderMatters {
		return listEqual(s1, s2, tol)
	}
	return setEqual(s1, s2, tol)
}

func unorderRows(rs rows) rows {
	out := make(rows, len(rs))
	for i, r := range rs {
		u := slices.Clone(r)
		slices.SortStableFunc(u, func(a, b sqlexec.Value) int {
			return strings.Compare(pyStr(a)+pyType(a), pyStr(b)+pyType(b))
		})
		out[i] = u
	}
	return out
}

// columnSet answers whether a value occurs in one column of the gold.
type columnSet struct {
	keys map[string]struct{}
	vals []sqlexec.Value // used instead of keys with a tolerance
	tol  float64
}

func (c columnSet) has(v sqlexec.Value) bool {
	if c.tol <= 0 {
		_, ok := c.keys[key(v)]
		return ok
	}
	for _, w := range c.vals {
		if equal(v, w, c.tol) {
			return true
		}
	}
	return false
}

func columnValues(rs rows, tol float64) []columnSet {
	n := len(rs[0])
	out := make([]columnSet, n)
	for c := range n {
		out[c] = columnSet{keys: map[string]struct{}{}, tol: tol}
		for _, r := range rs {
			if tol <= 0 {
				out[c].keys[key(r[c])] = struct{}{}
			} else {
				out[c].vals = append(out[c].vals, r[c])
			}
		}
	}
	return out
}

// permutationCandidates is get_constraint_permutation: for each gold column,
// the prediction columns it may map to. The original samples rows with
// random.choice; a fixed seed keeps verdicts reproducible, and since pruning
// only removes impossible mappings the verdict does not depend on the sample.
func permutationCandidates(cols []columnSet, r2 rows, tol float64) [][]int {
	n := len(cols)
	cand := make([][]int, n)
	for c := range cand {
		for j := range n {
			cand[c] = append(cand[c], j)
		}
	}
	if n <= 3 {
		return cand
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range sampleRows {
		row := r2[rng.IntN(len(r2))]
		for c := range cand {
			cand[c] = slices.DeleteFunc(cand[c], func(j int) bool { return !cols[c].has(row[j]) })
		}
	}
	return cand
}

func permuteRows(rs rows, perm []int) rows {
	out := make(rows, len(rs))
	for i, r := range rs {
		p := make([]sqlexec.Value, len(perm))
		for c, j := range perm {
			p[c] = r[j]
		}
		out[i] = p
	}
	return out
}
