package match

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// Seed: the grader of seed 000, compare_sql_results in Azure-Samples/
// llm-fine-tuning azure_openai/sql_gen/evaluation/compare_deployments_concurrent.py.
// Each row becomes the sorted tuple of its cells as str() (NULL as ”), so
// column order never matters and 1 differs from 1.0 ("1" vs "1.0"). The
// lists of such rows must be equal in order; failing that, when the gold has
// no outer ORDER BY, equal once sorted. Where the original then asks an LLM
// judge, this mode stops: the judge is a separate metric.
func compareSeed(gold, pred *sqlexec.Result, info Info) Verdict {
	g, p := seedRows(gold.Rows), seedRows(pred.Rows)
	same := func(a, b [][]string) bool {
		return slices.EqualFunc(a, b, func(x, y []string) bool { return seedRowEqual(x, y, info.Tolerance) })
	}
	if same(g, p) {
		return Verdict{Match: true, Reason: "exact match of query results"}
	}
	sortedEq := func() bool {
		gs, ps := slices.Clone(g), slices.Clone(p)
		slices.SortFunc(gs, slices.Compare)
		slices.SortFunc(ps, slices.Compare)
		return same(gs, ps)
	}
	ordered := seedHasOrderBy(info.GoldSQL)
	if sortedEq() {
		if !ordered {
			return Verdict{Match: true, Reason: "results match after ignoring row order (no ORDER BY in gold)"}
		}
		return Verdict{Diff: DiffOrder, Reason: "same rows in a different order (gold orders its outer query)"}
	}
	if v, ok := columnsDiffer(gold, pred); ok {
		return v
	}
	return Verdict{Diff: DiffRows, Reason: "results differ (the seed would ask its LLM judge here)"}
}

func seedRows(rs rows) [][]string {
	out := make([][]string, len(rs))
	for i, r := range rs {
		cells := make([]string, len(r))
		for j, v := range r {
			if v.Kind == sqlexec.Null {
				cells[j] = ""
			} else {
				cells[j] = pyStr(v)
			}
		}
		slices.Sort(cells)
		out[i] = cells
	}
	return out
}

// seedRowEqual compares two rows of cells; with a tolerance, cells that
// both read as numbers compare as numbers (the original has no tolerance).
func seedRowEqual(a, b []string, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] == b[i] {
			continue
		}
		if tol <= 0 {
			return false
		}
		x, errX := strconv.ParseFloat(a[i], 64)
		y, errY := strconv.ParseFloat(b[i], 64)
		if errX != nil || errY != nil || !near(x, y, tol) {
			return false
		}
	}
	return true
}

var (
	seedLineComment  = regexp.MustCompile(`--.*`)
	seedBlockComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	seedSpace        = regexp.MustCompile(`\s+`)
)

// seedHasOrderBy is the seed's has_order_by: comments removed, whitespace
// collapsed, upper-cased; the last " ORDER BY " counts only if no ")"
// follows it (so an ORDER BY inside a subquery at the end does not).
func seedHasOrderBy(sql string) bool {
	sql = seedLineComment.ReplaceAllString(sql, "")
	sql = seedBlockComment.ReplaceAllString(sql, "")
	sql = strings.ToUpper(strings.TrimSpace(seedSpace.ReplaceAllString(sql, " ")))
	pos := strings.LastIndex(sql, " ORDER BY ")
	return pos >= 0 && !strings.Contains(sql[pos:], ")")
}
