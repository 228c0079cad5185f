package eval

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/confidence"
	"github.com/sqlforge/sqlforge/internal/match"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// score evaluates one prediction of one item and, when the prediction carries
// confidence signals, the answer's confidence.
func (r *runner) score(ctx context.Context, i int, it Item, p Predictor) (ItemResult, Timing) {
	res, tm, pred := r.scorePrediction(ctx, i, it, p)
	if pred.Confidence != nil {
		c := itemConfidence(*pred.Confidence, pred.SQL, res)
		res.Confidence = &c
	}
	return res, tm
}

// itemConfidence completes the model's signals with what scoring saw and returns
// the confidence `sqlforge serve` answers with when asked to execute: the server
// refuses what the read-only guard refuses (sqlparse.IsReadOnly here) and runs the
// SQL only when it prepares.
func itemConfidence(sig confidence.Signals, sql string, res ItemResult) float64 {
	sig.Prepares = res.Metrics.Valid
	sig.Parses = sig.Prepares || confidence.Parses(sql)
	sig.Refused = strings.TrimSpace(sql) != "" && sqlparse.IsReadOnly(sql) != nil
	// A prepared prediction of an item with a working gold was executed.
	if sig.Prepares && res.Metrics.EX != nil {
		sig.Executed = true
		sig.Executes = res.PredResult != nil
		sig.NonEmpty = res.PredResult != nil && res.PredResult.TotalRows > 0
	}
	return sig.Value()
}

// scorePrediction asks p for its prediction of it and scores it.
func (r *runner) scorePrediction(ctx context.Context, i int, it Item, p Predictor) (ItemResult, Timing, Prediction) {
	var tm Timing
	var pred Prediction
	res := ItemResult{Index: it.Index, ID: it.ID, DB: dbLabel(it), Question: it.Question, Gold: it.Gold,
		Hardness: it.Hardness, Difficulty: it.Difficulty, Verdicts: map[string]string{}}
	e, err := r.dbs.open(ctx, it)
	if err != nil { // opened before the run; only a cancelled run gets here
		res.Status, res.GoldError = StatusBrokenGold, err.Error()
		return finishVerdicts(res), tm, pred
	}
	schema := it.Context
	if schema == "" {
		schema = e.Schema(ctx)
	}
	pred, perr := p.Predict(ctx, it, schema)
	if perr != nil {
		pred.Confidence = nil // no answer, no confidence: the server answers with an error
	}
	res.Prediction, res.LatencyMS, res.Cached = pred.SQL, ms(pred.Latency), pred.Cached
	res.PromptTokens, res.CompletionTokens = pred.PromptTokens, pred.CompletionTokens
	if pred.Raw != pred.SQL {
		res.Raw = pred.Raw
	}
	r.scoreText(ctx, i, it, e, pred.SQL, &res)
	switch {
	case perr != nil:
		res.Status, res.ErrorClass, res.PredError = StatusNoPrediction, ClassGeneration, perr.Error()
	case strings.TrimSpace(pred.SQL) == "":
		res.Status, res.ErrorClass, res.PredError = StatusNoPrediction, ClassEmpty, "the answer holds no SQL"
	}
	// check sets valid from Executor.Check. A prediction that runs as written
	// has prepared, so Check is only asked about one that is not run, is
	// rewritten by the mode or fails.
	check := func() {
		if res.Status != "" {
			return
		}
		if err := e.ex.Check(ctx, pred.SQL); err != nil {
			res.ErrorClass, res.PredError = sqlexec.ErrorClass(err), err.Error()
		} else {
			res.Metrics.Valid = true
		}
	}

	if it.NoDB {
		check()
		if res.Status == "" {
			res.Status = StatusNotApplicable
		}
		return finishVerdicts(res), tm, pred
	}
	golds, gerr := r.gold(ctx, i, it, e)
	for _, g := range golds {
		tm.GoldSeconds += g.dur.Seconds()
	}
	if gerr != nil {
		check()
		res.Status, res.GoldError = StatusBrokenGold, gerr.Error()
		res.Reason = "broken gold: the gold query fails, so the item says nothing about the model"
		return finishVerdicts(res), tm, pred
	}
	res.GoldResult = excerptResult(golds[0].res, r.opts.ResultRows)
	f := false
	res.Metrics.EX = &f
	if res.Status == StatusNoPrediction {
		zero := 0.0
		res.Metrics.F1, res.Metrics.VES = &zero, r.vesZero()
		return finishVerdicts(res), tm, pred
	}

	start := time.Now()
	run := match.ExecSQL(r.opts.Mode, pred.SQL, r.opts.KeepDistinct)
	predRes, err := e.ex.Query(ctx, run, r.opts.Query)
	tm.PredSeconds = time.Since(start).Seconds()
	if err != nil {
		check()
		zero := 0.0
		res.Status, res.ErrorClass, res.PredError = StatusWrong, sqlexec.ErrorClass(err), err.Error()
		res.Reason = "prediction failed (" + res.ErrorClass + ")"
		res.Metrics.F1, res.Metrics.VES = &zero, r.vesZero()
		return finishVerdicts(res), tm, pred
	}
	if run == pred.SQL {
		res.Metrics.Valid = true
	} else { // the mode rewrote it (DISTINCT dropped...): valid is about the SQL as written
		check()
	}
	res.PredResult = excerptResult(predRes, r.opts.ResultRows)

	r.compare(ctx, it, e, golds, predRes, pred.SQL, schema, &res)
	return finishVerdicts(res), tm, pred
}

// scoreText sets the text metrics of a prediction (EM, ESM, similarity) and the item's
// hardness: Spider's official one for Spider items, else the gold query's.
func (r *runner) scoreText(ctx context.Context, i int, it Item, e *dbEntry, predSQL string, res *ItemResult) {
	text := r.goldText(i, it).score(predSQL)
	res.Metrics.EM, res.Metrics.ESM, res.Metrics.Sim = text.EM, text.ESM, round(text.Sim, 4)
	if it.Spider != nil {
		var h string
		res.Metrics.ESM, h = r.spiderESM(ctx, i, it, e, predSQL)
		if h != "" {
			res.Hardness = h
		}
	}
	if res.Hardness == "" {
		res.Hardness = text.Hardness
	}
}

// compare scores a prediction that ran against the gold results: EX (any gold result
// matching), the subset flag, soft F1, VES for a correct answer, the judge for a wrong one.
func (r *runner) compare(ctx context.Context, it Item, e *dbEntry, golds []goldRun, predRes *sqlexec.Result, predSQL, schema string, res *ItemResult) {
	info := match.Info{GoldSQL: it.Gold, Question: it.Question, Tolerance: r.opts.Tolerance}
	var v match.Verdict
	decided := golds[0]
	subset := false
	for _, g := range golds {
		v = match.Compare(r.opts.Mode, g.res, predRes, info)
		subset = subset || v.Subset
		decided = g
		if v.Match {
			break
		}
	}
	ex, sub := v.Match, v.Match || subset
	res.Metrics.EX = &ex
	if r.opts.Mode == match.Defog {
		res.Metrics.Subset = &sub
	}
	res.GoldResult = excerptResult(decided.res, r.opts.ResultRows)
	f1 := round(SoftF1(decided.res.Rows, predRes.Rows), 4)
	res.Metrics.F1 = &f1
	res.Reason = v.Reason
	if ex {
		res.Status = StatusCorrect
		if r.opts.VESRepeat > 0 {
			reward := VESReward(r.timeRatios(ctx, e, decided.sql, predSQL))
			res.Metrics.VES = &reward
		}
		return
	}
	res.Status, res.ErrorClass = StatusWrong, v.Diff
	if res.ErrorClass == "" {
		res.ErrorClass = match.DiffRows
	}
	res.Metrics.VES = r.vesZero()
	if r.opts.Judge != nil {
		jv, err := r.opts.Judge.Judge(ctx, JudgeInput{Question: it.Question, Schema: schema, Gold: decided.sql, Pred: predSQL,
			GoldResult: renderExcerpt(res.GoldResult), PredResult: renderExcerpt(res.PredResult)})
		if err != nil {
			res.JudgeError = err.Error()
		} else {
			eq := jv.Equivalent
			res.Metrics.Judge, res.JudgeRationale = &eq, jv.Rationale
		}
	}
}

// timeRatios times gold and prediction VESRepeat times each, alternating, and
// returns the gold/pred time ratios (BIRD's iterated_execute_sql).
func (r *runner) timeRatios(ctx context.Context, e *dbEntry, gold, pred string) []float64 {
	var ratios []float64
	for k := 0; k < r.opts.VESRepeat; k++ {
		t0 := time.Now()
		if _, err := e.ex.Query(ctx, match.ExecSQL(r.opts.Mode, pred, r.opts.KeepDistinct), r.opts.Query); err != nil {
			return nil
		}
		t1 := time.Now()
		if _, err := e.ex.Query(ctx, match.ExecSQL(r.opts.Mode, gold, r.opts.KeepDistinct), goldOptions(r.opts.Query)); err != nil {
			return nil
		}
		pt, gt := t1.Sub(t0).Seconds(), time.Since(t1).Seconds()
		if pt > 0 {
			ratios = append(ratios, gt/pt)
		}
	}
	return ratios
}

// vesZero is the VES of an incorrect prediction: 0, or nil when VES is off.
func (r *runner) vesZero() *float64 {
	if r.opts.VESRepeat <= 0 {
		return nil
	}
	z := 0.0
	return &z
}

// finishVerdicts fills the per-metric verdicts from the metrics.
func finishVerdicts(res ItemResult) ItemResult {
	m := res.Metrics
	pb := func(b *bool) string {
		switch {
		case b == nil:
			return NA
		case *b:
			return Pass
		}
		return Fail
	}
	pf := func(f *float64) string {
		switch {
		case f == nil:
			return NA
		case *f >= 1:
			return Pass
		}
		return Fail
	}
	v := res.Verdicts
	v["ex"], v["esm"], v["judge"] = pb(m.EX), pb(m.ESM), pb(m.Judge)
	v["em"], v["valid"] = pb(&m.EM), pb(&m.Valid)
	v["f1"], v["ves"] = pf(m.F1), pf(m.VES)
	if m.Subset != nil {
		v["subset"] = pb(m.Subset)
	}
	return res
}

func dbLabel(it Item) string {
	if it.NoDB {
		return "(context)"
	}
	return it.DB
}

// renderExcerpt prints an excerpt as a small table for the judge.
func renderExcerpt(x *ResultExcerpt) string {
	if x == nil {
		return "(no result)"
	}
	var b strings.Builder
	b.WriteString(strings.Join(x.Columns, " | ") + "\n")
	for _, row := range x.Rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = fmt.Sprint(c)
		}
		b.WriteString(strings.Join(cells, " | ") + "\n")
	}
	if x.Truncated {
		fmt.Fprintf(&b, "... (%d rows in all)\n", x.TotalRows)
	}
	return b.String()
}

func ms(d time.Duration) float64 { return round(float64(d)/float64(time.Millisecond), 1) }
