package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/datagen"
	"github.com/sqlforge/sqlforge/internal/datagen/llm"
	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/prompt"
	"github.com/sqlforge/sqlforge/internal/schema"
)

// genSummary is what `sqlforge gen` prints (as JSON with --json).
type genSummary struct {
	Out       string                `json:"out"`
	DB        string                `json:"db"`
	Ontology  string                `json:"ontology"`
	Seed      uint64                `json:"seed"`
	Generated int                   `json:"generated"`
	Kept      int                   `json:"kept"`
	Splits    []dataset.SplitStats  `json:"splits"`
	Stats     datagen.Stats         `json:"generator"`
	Dedupe    dataset.DedupeReport  `json:"dedupe"`
	Balance   dataset.BalanceReport `json:"balance"`
	Seconds   float64               `json:"seconds"`
	Formats   []dataset.Format      `json:"formats"`
	// LLM reports the LLM-written pairs when --llm was given.
	LLM *genLLMSummary `json:"llm,omitempty"`
	// Diversity measures the kept questions' variety.
	Diversity *dataset.Diversity `json:"diversity,omitempty"`
}

// genLLMSummary is the LLM part of the summary: the manifest's report and what this run sent.
type genLLMSummary struct {
	Report llm.Report   `json:"report"`
	Run    llm.RunStats `json:"run"`
	Cache  string       `json:"cache"`
}

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
			ctx := cmd.Context()
			start := time.Now()
			if out == "" {
				return userErr(fmt.Errorf("--out is required"))
			}
			if err := a.sweepTemps(out, false); err != nil {
				return err
			}
			var (
				fmts []dataset.Format
				err  error
			)
			for _, f := range strings.Split(formats, ",") {
				if f = strings.TrimSpace(f); f == "" {
					continue
				}
				pf, err := dataset.ParseFormat(f)
				if err != nil {
					return userErr(fmt.Errorf("--formats: %w", err))
				}
				fmts = append(fmts, pf)
			}
			var models *genModels
			if lf.model != "" { // credentials and local servers are checked before any work
				if models, err = openGenModels(ctx, lf, model.OSEnv()); err != nil {
					return err
				}
			}
			db, err := database.Open(ctx, dbRef)
			if err != nil {
				return userErr(err)
			}
			defer db.Close()
			ont, err := ontology.LoadRef(ontRef)
			if err != nil {
				return userErr(err)
			}
			if errs := ontology.Problems(ontology.Validate(ctx, db.DB, ont)).Errors(); len(errs) > 0 {
				return userErr(fmt.Errorf("ontology %s does not fit database %s:\n%w", ont.Path, db.Name, errs))
			}
			generate, version := datagen.GeneratePlans, datagen.PlanVersion
			switch generator {
			case "plans":
			case "templates":
				generate, version = datagen.Generate, datagen.Version
			default:
				return userErr(fmt.Errorf("--generator must be plans or templates, not %q", generator))
			}
			progress := a.genProgress(size)
			recs, st, err := generate(ctx, db.DB, ont, datagen.Options{
				Seed: seed, Size: size, Reasoning: reasoning, DB: db.Name, Progress: progress.update})
			progress.finish()
			if err != nil {
				return err
			}
			sch, err := schema.Introspect(ctx, db.DB)
			if err != nil {
				return fmt.Errorf("read schema: %w", err)
			}
			var lres *llm.Result
			all := recs
			if lf.model != "" {
				if lres, err = a.genLLM(ctx, db.DB, db.Name, ont, sch, recs, reasoning, out, lf, models); err != nil {
					return err
				}
				all = mixLLM(recs, lres.Records())
			}
			if evidence {
				for i := range all {
					if all[i].Evidence == "" {
						all[i].Evidence = prompt.Evidence(ont, all[i].Question)
					}
				}
			}
			kept, drep := dataset.Dedupe(all, dataset.DedupeOptions{})
			// Balance caps template cells only: every verified LLM pair is kept.
			templ, llmKept := bySource(kept)
			kept, brep := dataset.Balance(templ, dataset.BalanceOptions{Seed: seed, CapFactor: 3, ProtectBelow: 0.15})
			kept = append(kept, llmKept...)
			sopts := dataset.SplitOptions{Seed: seed}
			if val {
				sopts.Names = []string{dataset.SplitTrain, dataset.SplitTest, dataset.SplitVal}
			}
			parts, err := dataset.Split(kept, sopts)
			if err != nil {
				return fmt.Errorf("split: %w", err)
			}
			eo := dataset.ExportOptions{Schema: schema.CreateTable(sch, schema.CreateOptions{})}
			var tc *dataset.TokenCounter
			if c, err := dataset.NewTokenCounter(); err == nil {
				tc = c
			}
			m, err := dataset.NewManifest(parts, tc, eo, dataset.DefaultCostModel, dataset.DefaultEpochs)
			if err != nil {
				return fmt.Errorf("manifest: %w", err)
			}
			m.Generator, m.Seed, m.DB, m.Dedupe, m.Balance = version, seed, db.Name, &drep, &brep
			if err := os.MkdirAll(out, 0o755); err != nil {
				return fmt.Errorf("create %s: %w", out, err)
			}
			if lres != nil {
				m.Generator += "+" + llm.Version
				if err := writeLLMFiles(out, lres, m); err != nil {
					return err
				}
			}
			if _, err := dataset.WriteSplits(ctx, out, parts, dataset.WriteOptions{Formats: fmts, Export: eo}, m); err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			if lres != nil {
				if err := writeLLMManifest(out, m, &lres.Report); err != nil {
					return err
				}
			}
			sum := genSummary{Out: out, DB: db.Name, Ontology: ont.Name, Seed: seed, Generated: len(recs), Kept: len(kept),
				Stats: st, Dedupe: drep, Balance: brep, Seconds: time.Since(start).Seconds(), Formats: fmts, Diversity: m.Diversity}
			for _, p := range parts {
				sum.Splits = append(sum.Splits, dataset.Stats(p.Name, p.Records))
			}
			if lres != nil {
				sum.LLM = &genLLMSummary{Report: lres.Report, Run: lres.Run, Cache: lf.cache}
			}
			return a.printGenSummary(sum)
		},
	}
	f := c.Flags()
	f.StringVar(&dbRef, "db", "", "database: northwind (default), chinook or a SQLite file")
	f.StringVar(&ontRef, "ontology", "northwind", "ontology: a shipped name or a YAML/JSON file")
	f.StringVar(&generator, "generator", "plans", "plans: every pair from a query plan (plan text and JSON in each record, SQL from the plan compiler); templates: the older SQL templates (entity lookups, EXISTS, set operations), with no plans")
	f.Uint64Var(&seed, "seed", 42, "seed of every random choice")
	f.IntVar(&size, "size", 7500, "pairs to generate before dedupe, balance and split")
	f.BoolVar(&reasoning, "reasoning", false, "also write reasoning variants")
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
	if m.question, err = model.Open(ctx, m.questionRef, env); err != nil {
		return nil, userErr(err)
	}
	m.sql = m.question
	if m.sqlRef != m.questionRef {
		if m.sql, err = model.Open(ctx, m.sqlRef, env); err != nil {
			return nil, userErr(err)
		}
	}
	return m, nil
}

// genLLM runs the LLM pipeline with the template records as few-shot examples.
func (a *app) genLLM(ctx context.Context, db *sql.DB, dbName string, ont *ontology.Ontology, sch *schema.Schema,
	examples []dataset.Record, reasoning bool, out string, lf genLLMFlags, m *genModels) (*llm.Result, error) {
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
	store, err := llm.OpenStore(lf.cache)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	progress := a.llmProgress()
	defer progress.finish()
	res, err := llm.Run(ctx, db, ont, sch, llm.Options{QuestionModel: m.question, SQLModel: m.sql, QuestionModelName: m.questionRef.Name,
		SQLModelName: m.sqlRef.Name, Store: store, Questions: lf.questions, K: lf.k, Reasoning: reasoning, Examples: examples,
		Triplets: lf.triplets, DDL: ddl, DB: dbName, RPM: lf.rpm, Progress: progress.update})
	if err != nil {
		return nil, err
	}
	if r := res.Run; r.Failed > 0 && r.Sent.Requests == 0 && r.CacheHits == 0 {
		return nil, fmt.Errorf("gen --llm: all %d requests to the model failed, nothing was written:%s", r.Failed, failureLines(r.Failures, 3))
	}
	return res, nil
}

// failureLines formats the first n failure reasons, one "\n  COUNT× REASON" line each, and
// how many other reasons there were.
func failureLines(fs []llm.Failure, n int) string {
	var b strings.Builder
	for i, f := range fs {
		if i == n {
			fmt.Fprintf(&b, "\n  (%d more reasons)", len(fs)-n)
			break
		}
		fmt.Fprintf(&b, "\n  %d× %s", f.Count, f.Reason)
	}
	return b.String()
}

// mixLLM appends the LLM records to the template ones, giving an LLM record whose result
// equals a template record's (or an earlier LLM record's) result that record's Group: the
// same rows answer the same query, so the split must keep them together.
func mixLLM(templ, gen []dataset.Record) []dataset.Record {
	groupOf := map[string]string{}
	for _, r := range templ {
		if r.ResultHash != "" && groupOf[r.ResultHash] == "" {
			groupOf[r.ResultHash] = r.Group
		}
	}
	out := append([]dataset.Record(nil), templ...)
	for _, r := range gen {
		if r.ResultHash != "" {
			if g, ok := groupOf[r.ResultHash]; ok {
				r.Group = g
			} else {
				groupOf[r.ResultHash] = r.Group
			}
		}
		out = append(out, r)
	}
	return out
}

// bySource separates template records from the others, keeping order.
func bySource(recs []dataset.Record) (templ, other []dataset.Record) {
	for _, r := range recs {
		if strings.HasPrefix(r.Source, "llm:") {
			other = append(other, r)
		} else {
			templ = append(templ, r)
		}
	}
	return templ, other
}

// writeLLMFiles writes llm_pairs.jsonl (kept pairs with their scores) and rejected.jsonl
// (rejected pairs with their reasons) and adds them to the manifest's files.
func writeLLMFiles(dir string, res *llm.Result, m *dataset.Manifest) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	files := map[string]func(enc *json.Encoder) error{
		"llm_pairs.jsonl": func(enc *json.Encoder) error {
			for i := range res.Pairs {
				if err := enc.Encode(&res.Pairs[i]); err != nil {
					return err
				}
			}
			return nil
		},
		"rejected.jsonl": func(enc *json.Encoder) error {
			for i := range res.Rejected {
				if err := enc.Encode(&res.Rejected[i]); err != nil {
					return err
				}
			}
			return nil
		},
	}
	for name, write := range files {
		sum, err := dataset.WriteFileAtomic(filepath.Join(dir, name), func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetEscapeHTML(false)
			return write(enc)
		})
		if err != nil {
			return err
		}
		m.Files[name] = sum
	}
	return nil
}

// writeLLMManifest rewrites manifest.json with the LLM report under "llm".
func writeLLMManifest(dir string, m *dataset.Manifest, r *llm.Report) error {
	v := struct {
		*dataset.Manifest
		LLM *llm.Report `json:"llm"`
	}{m, r}
	_, err := dataset.WriteFileAtomic(filepath.Join(dir, "manifest.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	})
	if err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

// llmProgress shows one bar per LLM stage on a terminal, a line every 10% otherwise.
type llmProgressT struct {
	a     *app
	stage string
	p     *genProgressT
}

func (a *app) llmProgress() *llmProgressT { return &llmProgressT{a: a} }

func (l *llmProgressT) update(stage string, done, total int) {
	if stage != l.stage {
		l.finish()
		l.stage, l.p = stage, l.a.newProgress(total, "llm "+stage, "llm "+stage, "units")
	}
	l.p.update(done, total)
}

func (l *llmProgressT) finish() {
	if l.p != nil {
		l.p.finish()
	}
}

func (a *app) printGenSummary(s genSummary) error {
	if a.jsonOut {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	fmt.Fprintf(a.stdout, "generated %d pairs (%d queries) from %s on %s, seed %d; %d kept after dedupe and balance\n",
		s.Generated, s.Stats.Queries, s.Ontology, s.DB, s.Seed, s.Kept)
	for _, sp := range s.Splits {
		fmt.Fprintf(a.stdout, "  %-10s %5d  easy %d  medium %d  hard %d  extra %d\n", sp.Name, sp.Count,
			sp.ByHardness["easy"], sp.ByHardness["medium"], sp.ByHardness["hard"], sp.ByHardness["extra"])
	}
	if d := s.Diversity; d != nil {
		fmt.Fprintf(a.stdout, "  diversity: %d distinct word 3-grams (%.2f per question), %d distinct openings\n",
			d.Distinct3Grams, d.PerQuestion, d.Openings)
	}
	if l := s.LLM; l != nil {
		r := l.Report
		fmt.Fprintf(a.stdout, "llm: %d questions kept of %d (invalid %v); %d pairs kept (mean agreement %.2f), rejected %v\n",
			r.Questions.Kept, r.Questions.Generated, r.Questions.Invalid, r.Kept, r.MeanAgreement, r.Rejected)
		for _, st := range []string{llm.StageQuestions, llm.StageSQL, llm.StageBack, llm.StageTriplets} {
			if u, ok := r.Usage[st]; ok {
				fmt.Fprintf(a.stdout, "  %-17s %5d requests  %8d prompt + %7d completion tokens\n", st, u.Requests, u.PromptTokens, u.CompletionTokens)
			}
		}
		fmt.Fprintf(a.stdout, "  cost $%.4f at %s prices", r.CostUSD, r.PricesAsOf)
		if len(r.Unpriced) > 0 {
			fmt.Fprintf(a.stdout, " (unpriced: %s)", strings.Join(r.Unpriced, ", "))
		}
		fmt.Fprintf(a.stdout, "; this run sent %d requests ($%.4f), %d from cache, %d units resumed, %d failed\n",
			l.Run.Sent.Requests, l.Run.CostUSD, l.Run.CacheHits, l.Run.Resumed, l.Run.Failed)
		if len(l.Run.Failures) == 0 {
			fmt.Fprintln(a.stdout, "  failed requests: none")
		} else {
			fmt.Fprintf(a.stdout, "  failed requests by reason:%s\n", failureLines(l.Run.Failures, len(l.Run.Failures)))
		}
	}
	fmt.Fprintf(a.stdout, "wrote %s in %.1fs\n", s.Out, s.Seconds)
	return nil
}

// genProgress reports generation progress: a bar on a terminal, a line every 10% otherwise,
// nothing with --quiet.
type genProgressT struct {
	bar   *progressbar.ProgressBar
	plain func(done, total int)
	last  int
}

func (a *app) genProgress(total int) *genProgressT {
	return a.newProgress(total, "generating", "generated", "pairs")
}

// newProgress reports progress: a bar titled desc on a terminal, "LABEL done/total UNIT"
// lines otherwise.
func (a *app) newProgress(total int, desc, label, unit string) *genProgressT {
	p := &genProgressT{}
	if a.quiet {
		return p
	}
	if a.stderrIsTerminal() {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(a.stderr), progressbar.OptionSetDescription(desc),
			progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
		return p
	}
	p.plain = func(done, total int) {
		if pct := done * 10 / max(total, 1); pct > p.last || done == total {
			p.last = pct
			fmt.Fprintf(a.stderr, "%s %d/%d %s\n", label, done, total, unit)
		}
	}
	return p
}

func (p *genProgressT) update(done, total int) {
	switch {
	case p.bar != nil:
		p.bar.Set(done)
	case p.plain != nil:
		p.plain(done, total)
	}
}

func (p *genProgressT) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
