package match

import (
	"slices"

	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// Row collections compared as multisets or sets. Without a tolerance they
// are counted by exact keys; with one, both sides are sorted and compared
// row by row, which finds every match unless two rows differ within the
// tolerance in one column and beyond it in an earlier one.

type rows = [][]sqlexec.Value

// multisetEqual reports whether a and b hold the same rows the same number
// of times.
func multisetEqual(a, b rows, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	if tol <= 0 {
		count := make(map[string]int, len(a))
		for _, r := range a {
			count[rowKey(r)]++
		}
		for _, r := range b {
			k := rowKey(r)
			if count[k]--; count[k] < 0 {
				return false
			}
		}
		return true
	}
	return sortedEqual(sortedRows(a), sortedRows(b), tol)
}

// setEqual reports whether a and b hold the same distinct rows.
func setEqual(a, b rows, tol float64) bool {
	if tol <= 0 {
		ka, kb := keySet(a), keySet(b)
		if len(ka) != len(kb) {
			return false
		}
		for k := range ka {
			if _, ok := kb[k]; !ok {
				return false
			}
		}
		return true
	}
	return sortedEqual(dedupSorted(sortedRows(a), tol), dedupSorted(sortedRows(b), tol), tol)
}

func keySet(rs rows) map[string]struct{} {
	m := make(map[string]struct{}, len(rs))
	for _, r := range rs {
		m[rowKey(r)] = struct{}{}
	}
	return m
}

func sortedRows(rs rows) rows {
	out := slices.Clone(rs)
	slices.SortStableFunc(out, rowOrder)
	return out
}

func dedupSorted(rs rows, tol float64) rows {
	var out rows
	for _, r := range rs {
		if len(out) > 0 && rowEqual(out[len(out)-1], r, tol) {
			continue
		}
		out = append(out, r)
	}
	return out
}

func sortedEqual(a, b rows, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !rowEqual(a[i], b[i], tol) {
			return false
		}
	}
	return true
}

// listEqual compares rows in order.
func listEqual(a, b rows, tol float64) bool { return sortedEqual(a, b, tol) }
