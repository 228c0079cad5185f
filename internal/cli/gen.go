package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/datagen"
	"github.com/sqlforge/sqlforge/internal/datagen/llm"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/backend"
)

// genLLMFlags are gen's LLM options.
type genLLMFlags struct {
	model, sqlModel, cache, ddl string
	k, questions, triplets      int
	rpm                         float64
}

func (a *app) newGenCmd() *cobra.Command {
	var (
		dbRef, ontRef, formats, out string
		seed                        uint64
		size                        int
		reasoning, val, evidence    bool
		lf                          genLLMFlags
		generator                   string
		queryTimeout                time.Duration
	)
	c := &cobra.Command{
		Use:   "gen --out DIR",
		Short: "Generate execution-verified question/SQL training data from an ontology",
		Long: `gen composes questions and SQL from the ontology's metrics, dimensions and segments: it
samples query plans feature by feature (docs/plans.md), compiles each to SQL, runs every query on
the database (kept only if it runs, returns rows and is deterministic),
removes duplicates, balances hardness and shape, splits 80/10/10 keeping every phrasing of a
query in one split, and writes the splits, the export formats and a manifest to --out.

With --llm MODEL, a model also writes questions per ontology concept and combination, and
--sql-model (default the same) writes their SQL, --k samples each; a pair is kept when it runs,
returns rows, a majority of the samples agree by result, and the SQL written back as a question
matches the original. --triplets N adds (question, CREATE TABLE context, SQL) triplets. Kept pairs
are merged with the deterministic pairs (Source "llm:MODEL" / "plan") before the split; rejected
pairs go to rejected.jsonl with the reason. Responses are cached and finished work journaled in
--cache, so a re-run costs nothing and a killed run resumes. See docs/datagen-llm.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return userErr(fmt.Errorf("--out is required"))
			}
			fmts, err := parseFormats(formats)
			if err != nil {
				return err
			}
			sum, err := a.genData(cmd.Context(), datagen.BuildOptions{DB: dbRef, Ontology: ontRef, Generator: generator, Seed: seed,
				Size: size, Reasoning: reasoning, Evidence: evidence, Val: val, Formats: fmts, Out: out, QueryTimeout: queryTimeout}, lf)
			if err != nil {
				return err
			}
			return a.printGenSummary(a.stdout, sum)
		},
	}
	f := c.Flags()
	f.StringVar(&dbRef, "db", "", "database: northwind (default), chinook, a SQLite file or a postgres:// URL (add ?search_path=SCHEMA for a schema other than public)")
	f.StringVar(&ontRef, "ontology", "", "ontology: a shipped name or a YAML/JSON file (default: the shipped one of an embedded --db or the first that fits it, else derived from the schema)")
	f.StringVar(&generator, "generator", "plans", "plans: every pair from a query plan (plan text and JSON in each record, SQL from the plan compiler); templates: the older SQL templates (entity lookups, EXISTS, set operations), with no plans")
	f.Uint64Var(&seed, "seed", 42, "seed of every random choice")
	f.IntVar(&size, "size", 7500, "pairs to generate before dedupe, balance and split")
	f.BoolVar(&reasoning, "reasoning", false, "also write reasoning variants")
	f.DurationVar(&queryTimeout, "query-timeout", datagen.DefaultQueryTimeout, "longest a gold query may run when verified; a slower one is dropped, and 5 in a row stop gen (the database no longer answers)")
	f.BoolVar(&evidence, "evidence", false, "attach the definitions of the ontology concepts each question mentions as its evidence (BIRD-style; prompts then carry them)")
	f.StringVar(&formats, "formats", "openai,openai_reasoning,trl,alpaca,sharegpt,sql-create-context", "export formats, comma-separated")
	f.BoolVar(&val, "val", false, "name the third split val instead of inference")
	f.StringVar(&out, "out", "", "output directory (required)")
	f.StringVar(&lf.model, "llm", "", "model that writes questions (and SQL): openai:MODEL, azure:DEPLOYMENT, ollama:MODEL, http://HOST/v1#MODEL")
	f.StringVar(&lf.sqlModel, "sql-model", "", "model that writes the SQL (default: --llm)")
	f.IntVar(&lf.k, "k", 3, "SQL samples per question; a pair is kept when more than half agree by result")
	f.IntVar(&lf.questions, "llm-questions", 200, "questions to ask the --llm model for")
	f.IntVar(&lf.triplets, "triplets", 0, "(question, CREATE TABLE context, SQL) triplets to ask for")
	f.StringVar(&lf.ddl, "ddl", "", "file of CREATE TABLE statements every triplet must use (default: the model writes one)")
	f.StringVar(&lf.cache, "cache", "", "response cache and work journal directory (default OUT/.llm-cache)")
	f.Float64Var(&lf.rpm, "rpm", 0, "most requests per minute to each model (0: no limit)")
	return c
}

// genModels are gen's opened --llm and --sql-model backends.
type genModels struct {
	question, sql       model.Backend
	questionRef, sqlRef model.Ref
}

// openGenModels checks --llm and --sql-model before any work: the references parse, env holds
// their credentials, and a local server (ollama:, http://) answers. Every failure is an
// input error (exit status 2) naming the variable or the URL.
func openGenModels(ctx context.Context, lf genLLMFlags, env model.Env) (*genModels, error) {
	if lf.k < 1 {
		return nil, userErr(fmt.Errorf("--k must be at least 1"))
	}
	if lf.sqlModel == "" {
		lf.sqlModel = lf.model
	}
	m := &genModels{}
	var err error
	if m.questionRef, err = model.ParseRef(lf.model); err != nil {
		return nil, userErr(fmt.Errorf("--llm: %w", err))
	}
	if m.sqlRef, err = model.ParseRef(lf.sqlModel); err != nil {
		return nil, userErr(fmt.Errorf("--sql-model: %w", err))
	}
	refs := []model.Ref{m.questionRef}
	if m.sqlRef != m.questionRef {
		refs = append(refs, m.sqlRef)
	}
	for _, ref := range refs {
		if err := model.Check(ref, env); err != nil {
			return nil, userErr(err)
		}
		if err := model.Probe(ctx, ref, env, 0); err != nil {
			return nil, userErr(err)
		}
	}
	if m.question, err = backend.Open(ctx, m.questionRef, env); err != nil {
		return nil, userErr(err)
	}
	m.sql = m.question
	if m.sqlRef != m.questionRef {
		if m.sql, err = backend.Open(ctx, m.sqlRef, env); err != nil {
			return nil, userErr(err)
		}
	}
	return m, nil
}

// genData runs `sqlforge gen` (also the first step of `sqlforge run`): it checks the --llm
// models, then datagen.Build writes the data set to o.Out, with progress on stderr.
func (a *app) genData(ctx context.Context, o datagen.BuildOptions, lf genLLMFlags) (genSummary, error) {
	start := time.Now()
	if err := a.sweepTemps(o.Out, false); err != nil {
		return genSummary{}, err
	}
	var stage *llm.Stage
	if lf.model != "" { // credentials and local servers are checked before any work
		models, err := openGenModels(ctx, lf, model.OSEnv())
		if err != nil {
			return genSummary{}, err
		}
		if stage, err = newLLMStage(lf, models, o.Out); err != nil {
			return genSummary{}, err
		}
		o.LLM = stage
	}
	progress := a.genProgress(o.Size)
	o.Progress = progress.update
	var lp *llmProgressT
	if stage != nil {
		lp = a.llmProgress(progress)
		stage.Options.Progress = lp.update
	}
	res, err := datagen.Build(ctx, o)
	progress.finish()
	if lp != nil {
		lp.finish()
	}
	var oe *datagen.OptionError
	if errors.As(err, &oe) {
		return genSummary{}, userErr(err)
	}
	if err != nil {
		return genSummary{}, err
	}
	sum := genSummary{Out: o.Out, DB: res.DB, Ontology: res.Ontology, Seed: o.Seed, Generated: res.Generated, Kept: res.Kept,
		Splits: res.Splits, Stats: res.Stats, Dedupe: res.Dedupe, Balance: res.Balance, Seconds: time.Since(start).Seconds(),
		Formats: o.Formats, Diversity: res.Diversity}
	if stage != nil {
		sum.LLM = &genLLMSummary{Report: stage.Result.Report, Run: stage.Result.Run, Cache: stage.Cache}
	}
	return sum, nil
}

// newLLMStage is the LLM stage of --llm: the opened models, the sizes and limits, the --ddl
// file's statements and the cache (default OUT/.llm-cache).
func newLLMStage(lf genLLMFlags, m *genModels, out string) (*llm.Stage, error) {
	var ddl string
	if lf.ddl != "" {
		b, err := os.ReadFile(lf.ddl)
		if err != nil {
			return nil, userErr(fmt.Errorf("--ddl: %w", err))
		}
		ddl = string(b)
	}
	if lf.cache == "" {
		lf.cache = filepath.Join(out, ".llm-cache")
	}
	return &llm.Stage{Cache: lf.cache, Options: llm.Options{QuestionModel: m.question, SQLModel: m.sql,
		QuestionModelName: m.questionRef.Name, SQLModelName: m.sqlRef.Name, Questions: lf.questions, K: lf.k,
		Triplets: lf.triplets, DDL: ddl, RPM: lf.rpm}}, nil
}
