package match

import "github.com/sqlforge/sqlforge/internal/sqlexec"

// Bird: BIRD's execution accuracy (bird/llm/src/evaluation.py, execute_sql):
// res = 1 if set(predicted_res) == set(ground_truth_res). Rows are tuples
// compared positionally (no column permutation), duplicates and order are
// ignored, 1 == 1.0, '1' != 1, None == None, and two empty results are equal.
func compareBird(gold, pred *sqlexec.Result, info Info) Verdict {
	if setEqual(gold.Rows, pred.Rows, info.Tolerance) {
		return Verdict{Match: true, Reason: "same set of rows"}
	}
	if v, ok := columnsDiffer(gold, pred); ok {
		return v
	}
	return Verdict{Diff: DiffRows, Reason: "different sets of rows (columns compared by position)"}
}
