package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/eval"
	"github.com/sqlforge/sqlforge/internal/match"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

func (a *app) newBenchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure sqlforge's own speed",
	}
	cmd.AddCommand(a.newBenchEvalCmd(), a.newBenchServeCmd(), a.newBenchTrainCmd())
	return cmd
}

// benchResult is what bench eval prints.
type benchResult struct {
	Items        int     `json:"items"`
	Models       int     `json:"models"`
	Rounds       int     `json:"rounds"`
	EvalSeconds  float64 `json:"eval_seconds"`
	RawSeconds   float64 `json:"raw_seconds"`
	ItemsPerSec  float64 `json:"items_per_second"`
	Overhead     float64 `json:"overhead"`
	Workers      int     `json:"workers"`
	TargetWithin float64 `json:"target_within"`
}

func (a *app) newBenchEvalCmd() *cobra.Command {
	var f evalFlags
	var rounds int
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Items per second and the evaluator's overhead over raw SQLite time of the same queries",
		Long: `bench eval evaluates --model (default gold) on --data (default: the built-in Northwind items)
--rounds times, then runs the same gold and predicted queries straight through database/sql, reading every
row, and reports items per second and the ratio of the two times (the target, issue 16: within 3x).
R-VES timing is off unless --ves-repeat is given, since it reruns queries by design.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if rounds < 1 {
				return userErr(fmt.Errorf("--rounds: must be at least 1"))
			}
			mode, err := match.ParseMode(f.mode)
			if err != nil {
				return userErr(fmt.Errorf("--match: %w", err))
			}
			var items []eval.Item
			if f.data != "" {
				items, err = eval.Load(ctx, f.data)
				if err != nil {
					return userErr(err)
				}
			} else if items, err = eval.NorthwindItems(ctx); err != nil {
				return err
			}
			if f.limit > 0 && f.limit < len(items) {
				items = items[:f.limit]
			}
			if len(f.models) == 0 {
				f.models = []string{"gold"}
			}
			var preds []eval.Predictor
			for _, ref := range f.models {
				p, err := openPredictor(ctx, ref, items, f.cacheDir)
				if err != nil {
					return err
				}
				preds = append(preds, p)
			}
			workers := f.workers
			if workers == 0 {
				workers = 1 // like for like with the sequential raw pass
			}
			dbs := eval.NewDatabases(f.db)
			defer dbs.Close()
			opts := eval.Options{Mode: mode, KeepDistinct: f.keepDistinct, Tolerance: f.tolerance, Workers: workers,
				VESRepeat: f.vesRepeat, Query: sqlexec.Options{Timeout: f.timeout, MaxRows: 1_000_000}}
			// Warm up: open databases and page caches once, outside the timings.
			if _, err := eval.Run(ctx, items, preds, dbs, opts); err != nil {
				return err
			}
			if _, err := eval.RawTime(ctx, items, preds, dbs, mode, f.keepDistinct); err != nil {
				return err
			}
			var evalDur, rawDur time.Duration
			for r := 0; r < rounds; r++ {
				start := time.Now()
				if _, err := eval.Run(ctx, items, preds, dbs, opts); err != nil {
					return err
				}
				evalDur += time.Since(start)
				raw, err := eval.RawTime(ctx, items, preds, dbs, mode, f.keepDistinct)
				if err != nil {
					return err
				}
				rawDur += raw
			}
			n := len(items) * len(preds) * rounds
			res := benchResult{Items: len(items), Models: len(preds), Rounds: rounds, EvalSeconds: evalDur.Seconds(),
				RawSeconds: rawDur.Seconds(), ItemsPerSec: float64(n) / evalDur.Seconds(), Workers: workers, TargetWithin: 3}
			if rawDur > 0 {
				res.Overhead = evalDur.Seconds() / rawDur.Seconds()
			}
			if a.jsonOut {
				return a.printJSON(res)
			}
			fmt.Fprintf(a.stdout, "%d items × %d models × %d rounds, %d workers\n", res.Items, res.Models, res.Rounds, workers)
			fmt.Fprintf(a.stdout, "evaluator: %.3fs (%.0f items/s)\nraw SQLite: %.3fs\noverhead: %.2fx (target ≤ %gx)\n",
				res.EvalSeconds, res.ItemsPerSec, res.RawSeconds, res.Overhead, res.TargetWithin)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", "", "dataset (default: the built-in Northwind items)")
	fl.StringArrayVar(&f.models, "model", nil, "model reference (repeatable; default gold): "+evalRefKinds)
	fl.IntVar(&rounds, "rounds", 20, "times the evaluation is repeated")
	addEvalFlags(cmd, &f, 0)
	return cmd
}
