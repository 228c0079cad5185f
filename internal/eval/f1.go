package eval

import (
	"math"
	"strconv"

	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// SoftF1 is BIRD's soft F1 over result rows (mini-dev evaluation_f1.py,
// calculate_f1_score): duplicate rows are dropped keeping first occurrences;
// the i-th predicted row is paired with the i-th gold row, and each pair
// scores, per gold column, the share of predicted cells found anywhere in the
// gold row (true positives), of predicted cells not in it (false positives)
// and of gold cells not in the predicted row (false negatives). Unpaired gold
// rows count as one false negative each, unpaired predicted rows as one false
// positive each. Two empty results score 1. Cells compare as Python values
// do: 1 equals 1.0, '1' does not equal 1.
func SoftF1(gold, pred [][]sqlexec.Value) float64 {
	if len(gold) == 0 && len(pred) == 0 {
		return 1
	}
	g := dedupRows(gold)
	p := dedupRows(pred)
	var tp, fp, fn float64
	for i, gr := range g {
		if i >= len(p) {
			fn++
			continue
		}
		m, po, to := rowMatch(p[i], gr)
		tp += m
		fp += po
		fn += to
	}
	if len(p) > len(g) {
		fp += float64(len(p) - len(g))
	}
	var precision, recall float64
	if tp+fp > 0 {
		precision = tp / (tp + fp)
	}
	if tp+fn > 0 {
		recall = tp / (tp + fn)
	}
	if precision+recall == 0 {
		return 0
	}
	return 2 * precision * recall / (precision + recall)
}

// rowMatch is calculate_row_match: shares of the gold row's width. A gold row
// with no columns cannot occur in SQL results; it scores nothing.
func rowMatch(pred, gold []string) (match, predOnly, truthOnly float64) {
	if len(gold) == 0 {
		return 0, 0, 0
	}
	in := func(v string, row []string) bool {
		for _, x := range row {
			if x == v {
				return true
			}
		}
		return false
	}
	var m, po, to int
	for _, v := range pred {
		if in(v, gold) {
			m++
		} else {
			po++
		}
	}
	for _, v := range gold {
		if !in(v, pred) {
			to++
		}
	}
	n := float64(len(gold))
	return float64(m) / n, float64(po) / n, float64(to) / n
}

// dedupRows turns rows into keyed cells and drops repeated rows, keeping the
// first occurrence of each (Python's list(dict.fromkeys(rows))).
func dedupRows(rows [][]sqlexec.Value) [][]string {
	seen := make(map[string]bool, len(rows))
	out := make([][]string, 0, len(rows))
	for _, r := range rows {
		keys := make([]string, len(r))
		rk := ""
		for i, v := range r {
			keys[i] = valueKey(v)
			rk += keys[i] + "\x00"
		}
		if seen[rk] {
			continue
		}
		seen[rk] = true
		out = append(out, keys)
	}
	return out
}

// valueKey maps a value to a string that is equal for two values exactly when
// Python's == holds between the sqlite3 values: integers and reals compare by
// number, text and blobs by content, None only equals None.
func valueKey(v sqlexec.Value) string {
	switch v.Kind {
	case sqlexec.Int:
		return "n" + strconv.FormatInt(v.Int, 10)
	case sqlexec.Real:
		if v.Real == math.Trunc(v.Real) && math.Abs(v.Real) < 1<<53 {
			return "n" + strconv.FormatInt(int64(v.Real), 10)
		}
		if math.IsNaN(v.Real) {
			return "nan" // NaN != NaN in Python; rare enough to treat as one value
		}
		return "n" + strconv.FormatFloat(v.Real, 'g', -1, 64)
	case sqlexec.Text:
		return "t" + v.Str
	case sqlexec.Blob:
		return "b" + v.Str
	default:
		return "null"
	}
}
