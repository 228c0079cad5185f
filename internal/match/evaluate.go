package match

import (
	"context"
	"fmt"

	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// Options configure Evaluate.
type Options struct {
	// KeepDistinct keeps DISTINCT in Spider mode (test-suite's --keep_distinct).
	KeepDistinct bool
	// Query bounds each query run (timeout, row cap).
	Query sqlexec.Options
	// Question, Category and Tolerance are passed to Compare in Info.
	Question  string
	Category  string
	Tolerance float64
}

// Outcome is a verdict with the evidence behind it.
type Outcome struct {
	Verdict
	// Gold and Pred are the results compared (for defog with alternatives,
	// those of the alternative that decided). Nil when the query failed.
	Gold, Pred *sqlexec.Result
	// GoldErr is set when the gold query failed: the item is broken and the
	// verdict says nothing about the model.
	GoldErr error
	// PredErr is set when the prediction failed; it scores 0.
	PredErr error
	// PredClass is sqlexec.ErrorClass(PredErr).
	PredClass string
}

// BrokenGold reports that the gold query failed.
func (o Outcome) BrokenGold() bool { return o.GoldErr != nil }

// Evaluate runs the gold and predicted queries on ex as mode's original does
// and compares their results. A failing prediction scores 0 with its error
// class; a failing gold gives a broken-gold outcome (both are still run, so
// the prediction's error is known either way).
func Evaluate(ctx context.Context, ex sqlexec.Executor, mode Mode, gold, pred string, opts Options) Outcome {
	info := Info{GoldSQL: gold, Question: opts.Question, Category: opts.Category, Tolerance: opts.Tolerance}
	var out Outcome
	predOpts, goldOpts := opts.Query, opts.Query
	predOpts.Trusted, goldOpts.Trusted = false, true
	out.Pred, out.PredErr = ex.Query(ctx, ExecSQL(mode, pred, opts.KeepDistinct), predOpts)
	out.PredClass = sqlexec.ErrorClass(out.PredErr)

	golds := []string{gold}
	if mode == Defog {
		golds = DefogAlternatives(gold)
		if len(golds) == 0 {
			out.GoldErr = fmt.Errorf("gold query is empty")
		}
	}
	subset := false
	for _, g := range golds {
		res, err := ex.Query(ctx, ExecSQL(mode, g, opts.KeepDistinct), goldOpts)
		if err != nil {
			out.GoldErr = fmt.Errorf("run gold: %w", err)
			break
		}
		out.Gold = res
		if out.PredErr != nil {
			continue
		}
		v := Compare(mode, res, out.Pred, info)
		out.Verdict = v
		if v.Match {
			break
		}
		subset = subset || v.Subset
	}
	switch {
	case out.GoldErr != nil:
		out.Verdict = Verdict{Reason: "broken gold: " + out.GoldErr.Error()}
	case out.PredErr != nil:
		out.Verdict = Verdict{Reason: "prediction failed (" + out.PredClass + "): " + out.PredErr.Error()}
	case !out.Match:
		out.Subset = out.Subset || subset
	}
	return out
}
