// Package match decides whether a predicted query's result matches the gold
// query's result, by the rules of a named benchmark: Spider's test-suite
// evaluation (spider), BIRD (bird), defog's sql-eval (defog) and the seed
// 000 grader of Azure-Samples/llm-fine-tuning (seed). Each mode follows its
// original's code, quirks included; docs/matching.md lists the rules and
// their sources.
//
// Compare works on results already computed (so a runner can cache gold
// results); Evaluate runs both queries with a sqlexec.Executor first, doing
// what the original does to the SQL before running it (Spider strips
// DISTINCT, defog expands gold alternatives) and reporting a failing gold as
// broken rather than as a model error.
package match

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// Mode names a comparison rule set.
type Mode string

// The comparison modes.
const (
	Spider Mode = "spider"
	Bird   Mode = "bird"
	Defog  Mode = "defog"
	Seed   Mode = "seed"
)

// Default is the mode used when none is named.
const Default = Spider

// ModeInfo describes a mode for help texts and reports.
type ModeInfo struct {
	Mode        Mode
	Description string
	// Source is the original implementation the mode follows.
	Source string
}

var modes = []ModeInfo{
	{Spider, "multisets of rows, columns may be permuted, row order matters only when the gold SQL contains ORDER BY; DISTINCT stripped from both queries; 1 equals 1.0, '1' does not equal 1",
		"taoyds/test-suite-sql-eval exec_eval.py (result_eq, eval_exec_match)"},
	{Bird, "sets of row tuples, columns positional, duplicates and row order ignored",
		"AlibabaResearch/DAMO-ConvAI bird/llm/src/evaluation.py and mini_dev evaluation_ex.py (set(predicted_res) == set(ground_truth_res))"},
	{Defog, "exact: duplicates dropped, columns sorted by name, rows sorted unless the question asks for an order; subset-correct: every gold column equals some predicted column's sorted values; gold alternatives split on ';' and {a,b} column options",
		"defog-ai/sql-eval eval/eval.py (compare_query_results, compare_df, subset_df)"},
	{Seed, "cells as Python strings (NULL as ''), values sorted inside each row, rows compared in order, then sorted unless the gold's outer query orders; no LLM judge",
		"Azure-Samples/llm-fine-tuning azure_openai/sql_gen/evaluation/compare_deployments_concurrent.py (compare_sql_results)"},
}

// Modes lists the modes in a stable order, the default first.
func Modes() []ModeInfo { return append([]ModeInfo(nil), modes...) }

// ParseMode returns the mode named name (case-insensitive).
func ParseMode(name string) (Mode, error) {
	for _, m := range modes {
		if strings.EqualFold(string(m.Mode), name) {
			return m.Mode, nil
		}
	}
	names := make([]string, len(modes))
	for i, m := range modes {
		names[i] = string(m.Mode)
	}
	sort.Strings(names)
	return "", fmt.Errorf("unknown match mode %q (have %s)", name, strings.Join(names, ", "))
}

// Info is what a comparison may need besides the two results.
type Info struct {
	// GoldSQL is the gold query as written (Spider and seed read ORDER BY
	// from it).
	GoldSQL string
	// Question is the natural-language question (defog reads "order",
	// "sort" and "arrange" from it).
	Question string
	// Category is sql-eval's query_category; "order_by" makes row order
	// matter in defog.
	Category string
	// Tolerance, when positive, makes two numbers equal when
	// |a-b| <= Tolerance*max(1, |a|, |b|), in every mode.
	Tolerance float64
}

// Diff kinds: why a prediction did not match.
const (
	DiffNone      = ""
	DiffColumns   = "wrong_columns"
	DiffRows      = "wrong_rows"
	DiffOrder     = "wrong_order"
	DiffTruncated = "truncated"
)

// Verdict is the outcome of a comparison.
type Verdict struct {
	// Match is the mode's verdict (defog: exact match).
	Match bool
	// Subset is defog's "correct": the gold columns are found among the
	// predicted ones. Other modes set it equal to Match.
	Subset bool
	// Diff classifies a mismatch: DiffColumns, DiffRows, DiffOrder or
	// DiffTruncated; DiffNone when Match.
	Diff string
	// Reason explains the verdict in a few words.
	Reason string
}

// Compare applies mode to a gold and a predicted result.
func Compare(mode Mode, gold, pred *sqlexec.Result, info Info) Verdict {
	if gold.Truncated || pred.Truncated {
		return Verdict{Diff: DiffTruncated, Reason: "a result was cut at the row cap; not compared"}
	}
	var v Verdict
	switch mode {
	case Spider:
		v = compareSpider(gold, pred, info)
	case Bird:
		v = compareBird(gold, pred, info)
	case Defog:
		v = compareDefog(gold, pred, info)
	case Seed:
		v = compareSeed(gold, pred, info)
	default:
		return Verdict{Reason: fmt.Sprintf("unknown match mode %q", mode)}
	}
	if mode != Defog {
		v.Subset = v.Match
	}
	if !v.Match && v.Diff == DiffNone {
		v.Diff = DiffRows
	}
	return v
}

// width is the number of columns of r, read from its first row as the
// originals do (an empty result has no columns to them).
func width(r *sqlexec.Result) int {
	if len(r.Rows) == 0 {
		return 0
	}
	return len(r.Rows[0])
}

func columnsDiffer(gold, pred *sqlexec.Result) (Verdict, bool) {
	if len(gold.Rows) > 0 && len(pred.Rows) > 0 && width(gold) != width(pred) {
		return Verdict{Diff: DiffColumns, Reason: fmt.Sprintf("gold has %d columns, prediction %d", width(gold), width(pred))}, true
	}
	return Verdict{}, false
}
