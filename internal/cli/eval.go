package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/eval"
	"github.com/sqlforge/sqlforge/internal/match"
	"github.com/sqlforge/sqlforge/internal/report"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// evalFlags are the settings shared by eval and bench eval.
type evalFlags struct {
	data, db, mode, reportDir, judge, cacheDir string
	ontology                                   string
	similarity                                 string
	models                                     []string
	keepDistinct, constrain, withValues        bool
	tolerance                                  float64
	limit, sample, workers, vesRepeat          int
	timeout                                    time.Duration
	cpuProfile                                 string
}

func (a *app) newEvalCmd() *cobra.Command {
	var f evalFlags
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Evaluate models on a dataset: execution accuracy and more, with JSON, Markdown and HTML reports",
		Long: `eval runs every --model on the items of --data and scores each prediction: execution accuracy
under --match (spider, bird, defog, seed), exact match, Spider exact-set match and hardness, validity,
BIRD soft-F1, similarity, error class, and an optional LLM --judge on mismatches. BIRD's R-VES
(timing every correct prediction against its gold) is measured only when asked: --ves times each
pair 100 times, as BIRD does, --ves=N N times; the reports say how many (n/a when not measured).

Data: FILE (records JSONL), seed:FILE, spider:DIR, bird:DIR, sql-create-context:FILE.
Models: gold, file:PATH (JSONL {"index"|"id","sql"} or Spider pred.txt), knn:DATASET,
local:PATH[+ADAPTER], openai:MODEL, azure:DEPLOYMENT, ollama:MODEL, http://HOST/v1#MODEL, and
plan:knn:DATASET, plan:local:PATH or plan:<chat model> (answers through query plans over the
--db's ontology, docs/plans.md).
Similarity: tokens (a local vector of SQL token counts, the default) or embeddings:REF, the
cosine of an OpenAI-compatible embedding model's vectors (openai:text-embedding-3-small,
azure:DEPLOYMENT, ollama:MODEL, http://HOST/v1#MODEL).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.reportDir == "" {
				return userErr(fmt.Errorf("--report: required"))
			}
			if err := a.sweepTemps(f.reportDir, false); err != nil {
				return err
			}
			relaxGC()
			if f.cpuProfile != "" {
				stop, err := startCPUProfile(f.cpuProfile)
				if err != nil {
					return err
				}
				defer stop()
			}
			rep, _, err := a.runEval(cmd.Context(), f)
			if err != nil {
				return err
			}
			if err := report.WriteDir(f.reportDir, rep); err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(rep)
			}
			for _, m := range rep.Models {
				s := m.Summary
				fmt.Fprintf(a.stdout, "%-30s EX %5.1f%%  EM %5.1f%%  ESM %5.1f%%  valid %5.1f%%  F1 %5.1f%%  broken gold %d\n",
					m.Model, 100*s.EX, 100*s.EM, 100*s.ESM, 100*s.Valid, 100*s.F1, s.BrokenGold)
			}
			fmt.Fprintf(a.stdout, "report: %s\n", filepath.Join(f.reportDir, report.HTMLFile))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", "", "dataset: FILE, seed:FILE, spider:DIR, bird:DIR or sql-create-context:FILE")
	fl.StringVar(&f.similarity, "similarity", simTokens, "sim metric: tokens, or embeddings:REF for an embedding model's cosine")
	fl.StringArrayVar(&f.models, "model", nil, "model reference (repeatable): "+evalRefKinds)
	fl.StringVar(&f.reportDir, "report", "", "directory for report.json, report.md and report.html")
	addEvalFlags(cmd, &f, 0)
	cmd.AddCommand(a.newEvalCompareCmd())
	return cmd
}

// addEvalFlags declares the flags eval and bench eval share.
func addEvalFlags(cmd *cobra.Command, f *evalFlags, vesDefault int) {
	fl := cmd.Flags()
	fl.StringVar(&f.db, "db", "northwind", "database for items that name none: northwind, chinook, a SQLite path or a postgres:// URL")
	fl.StringVar(&f.mode, "match", string(match.Default), "comparison mode: spider, bird, defog or seed")
	fl.BoolVar(&f.keepDistinct, "keep-distinct", false, "keep DISTINCT in spider mode")
	fl.BoolVar(&f.withValues, "with-values", false, "Spider data: exact-set match compares values (Spider's exact match with values)")
	fl.Float64Var(&f.tolerance, "tolerance", 0, "relative tolerance for comparing numbers")
	fl.IntVar(&f.limit, "limit", 0, "evaluate only the first N items (0: all)")
	fl.IntVar(&f.sample, "sample", 0, "evaluate a seeded sample of N items, in their order (0: all; not with --limit)")
	fl.IntVar(&f.workers, "workers", 0, "parallel workers (0: one per CPU)")
	fl.IntVar(&f.vesRepeat, "ves", vesDefault, "measure BIRD's R-VES: --ves times each correct prediction and its gold 100 times, as BIRD does; --ves=N N times (0: no R-VES)")
	fl.Lookup("ves").NoOptDefVal = strconv.Itoa(eval.BIRDVESRepeat)
	fl.IntVar(&f.vesRepeat, "ves-repeat", vesDefault, "times each correct prediction is timed for R-VES (0: no R-VES); --ves=N is the same")
	fl.DurationVar(&f.timeout, "timeout", 30*time.Second, "limit on each query")
	fl.StringVar(&f.judge, "judge", "", "LLM judge model reference, asked about deterministic mismatches")
	fl.StringVar(&f.cacheDir, "cache", "", "prediction cache directory (default: the user cache directory)")
	fl.BoolVar(&f.constrain, "constrain", false, "local models decode under schema-constrained decoding over --db's tables and columns; plan:local models under the plan grammar")
	fl.StringVar(&f.ontology, "ontology", "", "ontology of plan: models (default: the shipped one of an embedded --db)")
	fl.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
}

// relaxGC lets the heap grow to 5x the live data before collecting (GOGC=400)
// under a 1 GiB soft limit, unless GOGC or GOMEMLIMIT say otherwise: an
// evaluation allocates many short-lived rows and results, and with the
// default the collector took about a tenth of the CPU time of a Spider dev
// run (docs/evaluation.md, Speed).
func relaxGC() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(400)
		debug.SetMemoryLimit(1 << 30)
	}
}

// startCPUProfile starts a CPU profile written to path and returns the
// function that stops it.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, userErr(fmt.Errorf("--cpuprofile: %w", err))
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("start CPU profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// runEval loads data and models and runs the evaluation; it also returns the
// items evaluated.
func (a *app) runEval(ctx context.Context, f evalFlags) (*eval.Report, []eval.Item, error) {
	if f.data == "" {
		return nil, nil, userErr(fmt.Errorf("--data: required"))
	}
	if len(f.models) == 0 {
		return nil, nil, userErr(fmt.Errorf("--model: at least one required"))
	}
	mode, err := match.ParseMode(f.mode)
	if err != nil {
		return nil, nil, userErr(fmt.Errorf("--match: %w", err))
	}
	if f.limit < 0 || f.sample < 0 || f.workers < 0 || f.vesRepeat < 0 || f.tolerance < 0 {
		return nil, nil, userErr(fmt.Errorf("--limit, --sample, --workers, --ves-repeat and --tolerance must not be negative"))
	}
	if f.limit > 0 && f.sample > 0 {
		return nil, nil, userErr(fmt.Errorf("--limit (the first N items) and --sample (a seeded sample of N) exclude each other"))
	}
	items, err := eval.Load(ctx, f.data)
	if err != nil {
		return nil, nil, userErr(err)
	}
	cacheDir := f.cacheDir
	if cacheDir == "" {
		if d, err := os.UserCacheDir(); err == nil {
			cacheDir = filepath.Join(d, "sqlforge", "predictions")
		}
	}
	preds, closePreds, err := openPredictors(ctx, f, items, cacheDir)
	if err != nil {
		return nil, nil, err
	}
	defer closePreds()
	if f.limit > 0 && f.limit < len(items) {
		items = items[:f.limit]
	}
	items = sampleItems(items, f.sample)
	opts := eval.Options{Mode: mode, KeepDistinct: f.keepDistinct, WithValues: f.withValues, Tolerance: f.tolerance, Workers: f.workers,
		VESRepeat: f.vesRepeat, Query: sqlexec.Options{Timeout: f.timeout, MaxRows: 1_000_000, MaxResultBytes: 256 << 20}, Data: f.data, DB: f.db}
	if f.judge != "" {
		b, err := openBackend(ctx, f.judge)
		if err != nil {
			return nil, nil, err
		}
		opts.Judge, opts.JudgeName = eval.NewModelJudge(b), b.Name()
	}
	if opts.Similarity, err = openSimilarity(ctx, f.similarity); err != nil {
		return nil, nil, err
	}
	done := a.evalProgress(len(items) * len(preds))
	opts.Progress = done
	dbs := eval.NewDatabases(f.db)
	defer dbs.Close()
	rep, err := eval.Run(ctx, items, preds, dbs, opts)
	if err != nil {
		if strings.Contains(err.Error(), "open database") {
			return nil, nil, userErr(err)
		}
		return nil, nil, err
	}
	return rep, items, nil
}

// evalProgress returns a callback drawing a progress bar on a terminal stderr,
// or nil with --quiet or when stderr is not a terminal.
func (a *app) evalProgress(total int) func(done, total int) {
	if a.quiet || !a.stderrIsTerminal() || total == 0 {
		return nil
	}
	bar := progressbar.NewOptions(total, progressbar.OptionSetWriter(a.stderr), progressbar.OptionSetDescription("evaluating"),
		progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	return func(done, _ int) { _ = bar.Set(done) }
}

func (a *app) newEvalCompareCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "compare A.json B.json",
		Short: "Show the items fixed and broken between two evaluation reports",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ra, err := report.ReadJSON(args[0])
			if err != nil {
				return userErr(err)
			}
			rb, err := report.ReadJSON(args[1])
			if err != nil {
				return userErr(err)
			}
			diffs, err := report.Compare(ra, rb)
			if err != nil {
				return userErr(err)
			}
			if a.jsonOut {
				return a.printJSON(diffs)
			}
			return report.WriteCompare(a.stdout, diffs)
		},
	}
}
