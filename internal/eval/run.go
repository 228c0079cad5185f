package eval

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/sqlforge/sqlforge/internal/match"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// Options configure a run.
type Options struct {
	// Mode is the comparison mode for EX (match.Default when empty).
	Mode         match.Mode
	KeepDistinct bool
	// WithValues makes Spider's exact-set match compare condition values
	// (Spider's "exact match with values"); by default they are ignored, as
	// the official evaluator does.
	WithValues bool
	Tolerance  float64
	// Query bounds each query (timeout, row cap).
	Query sqlexec.Options
	// Workers is the size of the worker pool (runtime.NumCPU when 0).
	Workers int
	// VESRepeat is how many times a correct prediction and its gold are
	// timed for R-VES (BIRD times them BIRDVESRepeat times); 0 leaves VES out.
	VESRepeat int
	// Judge, when set, is asked about every deterministic mismatch.
	Judge Judge
	// JudgeName names the judge in the report.
	JudgeName string
	// ResultRows caps the rows of each result kept in the report (20 when 0).
	ResultRows int
	// Progress, when set, is called after each item of each model.
	Progress func(done, total int)
	// Similarity, when set, replaces the local token-vector sim of every
	// item with the cosine of embeddings of the gold and predicted SQL.
	Similarity *EmbeddingSimilarity
	// Data and DB are recorded in the report.
	Data, DB string
}

// BIRDVESRepeat is how many times BIRD's evaluation_ves.py times each query
// pair for R-VES (iterate_num = 100).
const BIRDVESRepeat = 100

// goldOptions are the options of a dataset's gold query: trusted, so the statement
// guard is skipped (the executor's authorizer and limits still apply).
func goldOptions(o sqlexec.Options) sqlexec.Options {
	o.Trusted = true
	return o
}

// runner holds a run's shared state.
type runner struct {
	opts  Options
	dbs   *Databases
	golds []goldCache
	esm   []esmGold
	texts []textCache
}

// textCache is an item's gold text metrics inputs, computed once for all models.
type textCache struct {
	once sync.Once
	g    *goldText
}

// goldText returns item i's gold as the text metrics need it. Spider items
// take ESM and hardness from package spider (goldText's hardness only when
// the official parse fails, see spiderESM).
func (r *runner) goldText(i int, it Item) *goldText {
	c := &r.texts[i]
	c.once.Do(func() { c.g = newGoldText(it.Gold, it.Spider == nil, it.Spider == nil) })
	return c.g
}

// goldCache is an item's gold results, computed once for all models.
type goldCache struct {
	once sync.Once
	runs []goldRun
	err  error
}

// goldRun is one gold alternative (defog) or the gold query (other modes).
type goldRun struct {
	sql string
	res *sqlexec.Result
	dur time.Duration
}

// Run evaluates every predictor on every item and returns the report, models
// in the order given and items in dataset order. Databases are opened first,
// so an unknown database fails the run before any work; everything that goes
// wrong with one item is recorded on the item.
func Run(ctx context.Context, items []Item, preds []Predictor, dbs *Databases, opts Options) (*Report, error) {
	if len(preds) == 0 {
		return nil, errors.New("evaluate: no models")
	}
	if opts.Mode == "" {
		opts.Mode = match.Default
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.ResultRows <= 0 {
		opts.ResultRows = 20
	}
	// predictions are never trusted: they pass the statement guard (gold queries run
	// with goldOptions)
	opts.Query.Trusted = false
	if err := dbs.openAll(ctx, items, opts.Workers); err != nil {
		return nil, err
	}
	r := &runner{opts: opts, dbs: dbs, golds: make([]goldCache, len(items)),
		esm: make([]esmGold, len(items)), texts: make([]textCache, len(items))}
	results := make([][]ItemResult, len(preds))
	timings := make([][]Timing, len(preds))
	for i := range preds {
		results[i] = make([]ItemResult, len(items))
		timings[i] = make([]Timing, len(items))
	}

	type job struct{ item, pred int }
	jobs := make(chan job)
	total := len(items) * len(preds)
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for w := 0; w < opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				res, tm := r.score(ctx, j.item, items[j.item], preds[j.pred])
				results[j.pred][j.item] = res
				timings[j.pred][j.item] = tm
				if opts.Progress != nil {
					mu.Lock()
					done++
					opts.Progress(done, total)
					mu.Unlock()
				}
			}
		}()
	}
feed:
	for i := range items { // item-major, so each gold runs once while models share it
		for p := range preds {
			select {
			case jobs <- job{i, p}:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	var simName string
	if opts.Similarity != nil {
		if err := opts.Similarity.apply(ctx, results); err != nil {
			return nil, fmt.Errorf("evaluate: %w", err)
		}
		simName = opts.Similarity.Name()
	}

	rep := &Report{Version: ReportVersion, Data: opts.Data, DB: opts.DB, Mode: string(opts.Mode),
		KeepDistinct: opts.KeepDistinct, WithValues: opts.WithValues, Tolerance: opts.Tolerance, VESRepeat: opts.VESRepeat,
		Judge: opts.JudgeName, Similarity: simName, Items: len(items)}
	for p, pr := range preds {
		mr := ModelReport{Model: pr.Name(), Items: results[p]}
		for _, t := range timings[p] {
			mr.Timing.GoldSeconds += t.GoldSeconds
			mr.Timing.PredSeconds += t.PredSeconds
		}
		mr.Summary = Summarize(mr.Items)
		mr.ByHardness = ByHardness(mr.Items)
		mr.ByDifficulty = ByDifficulty(mr.Items)
		mr.Calibration = Calibrate(mr.Items, CalibrationBins)
		rep.Models = append(rep.Models, mr)
	}
	return rep, nil
}

// gold returns item i's gold results, running them on first use.
func (r *runner) gold(ctx context.Context, i int, it Item, e *dbEntry) ([]goldRun, error) {
	g := &r.golds[i]
	g.once.Do(func() {
		sqls := []string{it.Gold}
		if r.opts.Mode == match.Defog {
			sqls = match.DefogAlternatives(it.Gold)
			if len(sqls) == 0 {
				g.err = errors.New("gold query is empty")
				return
			}
		}
		for _, s := range sqls {
			start := time.Now()
			res, err := e.ex.Query(ctx, match.ExecSQL(r.opts.Mode, s, r.opts.KeepDistinct), goldOptions(r.opts.Query))
			if err != nil {
				g.err = fmt.Errorf("run gold: %w", err)
				return
			}
			g.runs = append(g.runs, goldRun{sql: s, res: res, dur: time.Since(start)})
		}
	})
	return g.runs, g.err
}
