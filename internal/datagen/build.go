package datagen

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

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/prompt"
	"github.com/sqlforge/sqlforge/internal/schema"
)

// BuildOptions configure Build, the whole `sqlforge gen` pipeline.
type BuildOptions struct {
	// DB is the database: a shipped name ("northwind", the default, or "chinook") or a SQLite file.
	DB string
	// Ontology is a shipped ontology name or a YAML/JSON file; "" picks the one that fits the
	// database (ontology.ForDatabase).
	Ontology string
	// Generator is "plans" (every pair from a query plan) or "templates" (the older SQL
	// templates); anything else is an OptionError.
	Generator string
	// Seed drives every random choice: generation, balance and split.
	Seed uint64
	// Size is the number of pairs to generate before dedupe, balance and split.
	Size int
	// Reasoning also writes reasoning variants.
	Reasoning bool
	// Evidence attaches the definitions of the ontology concepts a question mentions.
	Evidence bool
	// Val names the third split val instead of inference.
	Val bool
	// Formats are the export formats written beside the splits.
	Formats []dataset.Format
	// Out is the output directory (created if needed).
	Out string
	// LLM, when set, writes more pairs with a model; they are mixed in before the split.
	LLM LLMStage
	// Progress, when set, is called as pairs are generated.
	Progress func(done, total int)
	// QueryTimeout bounds each verification query (Options.QueryTimeout).
	QueryTimeout time.Duration
}

// LLMStage is a step of Build that writes extra pairs with a model (datagen/llm's Stage). Build
// mixes its records with the generated ones so that pairs with the same result share a split.
type LLMStage interface {
	// Pairs writes pairs with a model, given the generated records as few-shot examples.
	Pairs(ctx context.Context, db *sql.DB, dbName string, ont *ontology.Ontology, sch *schema.Schema,
		examples []dataset.Record, reasoning bool) ([]dataset.Record, error)
	// Version is appended to the manifest's generator ("GENERATOR+VERSION").
	Version() string
	// WriteFiles writes the stage's own files into dir and adds them to m.Files.
	WriteFiles(dir string, m *dataset.Manifest) error
	// Report is written into manifest.json under "llm".
	Report() any
}

// BuildResult says what Build did.
type BuildResult struct {
	// DB and Ontology are the names of the database and the ontology used.
	DB, Ontology string
	// Generated is the number of generated pairs (before the LLM pairs, dedupe and balance).
	Generated int
	// Kept is the number of records written across the splits.
	Kept int
	// Splits are the statistics of each written split.
	Splits []dataset.SplitStats
	// Stats is the generator's report.
	Stats Stats
	// Dedupe and Balance are the reports of those steps.
	Dedupe  dataset.DedupeReport
	Balance dataset.BalanceReport
	// Diversity measures the kept questions' variety.
	Diversity *dataset.Diversity
}

// OptionError is an error in Build's options or inputs that the caller must fix (a missing
// database, an ontology that does not fit it, an unknown generator).
type OptionError struct{ Err error }

func (e *OptionError) Error() string { return e.Err.Error() }
func (e *OptionError) Unwrap() error { return e.Err }

// Build generates execution-verified pairs from the ontology, adds the LLM stage's pairs, removes
// duplicates, balances hardness and shape, splits keeping every phrasing of a query in one split,
// and writes the splits, the export formats and a manifest to o.Out.
func Build(ctx context.Context, o BuildOptions) (BuildResult, error) {
	db, err := database.Open(ctx, o.DB)
	if err != nil {
		return BuildResult{}, &OptionError{err}
	}
	defer db.Close()
	var ont *ontology.Ontology
	if o.Ontology == "" {
		ont, err = ontology.ForDatabase(ctx, db.DB, db.Name, db.Dialect())
	} else if ont, err = ontology.LoadRef(o.Ontology); err == nil {
		ont, err = ont.For(db.Dialect()) // the formulas in the database's SQL
	}
	if err != nil {
		return BuildResult{}, &OptionError{err}
	}
	if errs := ontology.Problems(ontology.Validate(ctx, db.DB, ont)).Errors(); len(errs) > 0 {
		return BuildResult{}, &OptionError{fmt.Errorf("ontology %s does not fit database %s:\n%w", ont.Path, db.Name, errs)}
	}
	generate, version, err := generatorNamed(o.Generator)
	if err != nil {
		return BuildResult{}, err
	}
	if o.Generator == "templates" && db.Dialect() != "sqlite" {
		return BuildResult{}, &OptionError{fmt.Errorf("--generator templates writes SQLite only; use --generator plans on %s", db.Dialect())}
	}
	d, err := DialectFor(db.Dialect())
	if err != nil {
		return BuildResult{}, &OptionError{err}
	}
	recs, st, err := generate(ctx, db.DB, ont, Options{Seed: o.Seed, Size: o.Size, Reasoning: o.Reasoning, DB: db.Name, Dialect: d, Progress: o.Progress, QueryTimeout: o.QueryTimeout})
	if err != nil {
		return BuildResult{}, err
	}
	sch, err := schema.IntrospectDialect(ctx, db.DB, db.Dialect())
	if err != nil {
		return BuildResult{}, fmt.Errorf("read schema: %w", err)
	}
	all := recs
	if o.LLM != nil {
		gen, err := o.LLM.Pairs(ctx, db.DB, db.Name, ont, sch, recs, o.Reasoning)
		if err != nil {
			return BuildResult{}, err
		}
		all = mixLLM(recs, gen)
	}
	if o.Evidence {
		addEvidence(ont, all)
	}
	res := BuildResult{DB: db.Name, Ontology: ont.Name, Generated: len(recs), Stats: st}
	parts, err := res.curate(all, o)
	if err != nil {
		return BuildResult{}, err
	}
	if err := write(ctx, o, parts, sch, version, &res); err != nil {
		return BuildResult{}, err
	}
	return res, nil
}

// generatorNamed is the generator called name and its version, recorded in manifests.
func generatorNamed(name string) (func(context.Context, *sql.DB, *ontology.Ontology, Options) ([]dataset.Record, Stats, error), string, error) {
	switch name {
	case "plans":
		return GeneratePlans, PlanVersion, nil
	case "templates":
		return Generate, Version, nil
	}
	return nil, "", &OptionError{fmt.Errorf("--generator must be plans or templates, not %q", name)}
}

// addEvidence attaches the definitions of the concepts each question mentions, where a record
// has no evidence yet.
func addEvidence(ont *ontology.Ontology, recs []dataset.Record) {
	for i := range recs {
		if recs[i].Evidence == "" {
			recs[i].Evidence = prompt.Evidence(ont, recs[i].Question)
		}
	}
}

// curate removes duplicates, balances the generated records (every verified LLM pair is kept)
// and splits them, recording the reports in res.
func (res *BuildResult) curate(all []dataset.Record, o BuildOptions) ([]dataset.Part, error) {
	kept, drep := dataset.Dedupe(all, dataset.DedupeOptions{})
	// Balance caps template cells only: every verified LLM pair is kept.
	templ, llmKept := bySource(kept)
	kept, brep := dataset.Balance(templ, dataset.BalanceOptions{Seed: o.Seed, CapFactor: 3, ProtectBelow: 0.15})
	kept = append(kept, llmKept...)
	sopts := dataset.SplitOptions{Seed: o.Seed}
	if o.Val {
		sopts.Names = []string{dataset.SplitTrain, dataset.SplitTest, dataset.SplitVal}
	}
	parts, err := dataset.Split(kept, sopts)
	if err != nil {
		return nil, fmt.Errorf("split: %w", err)
	}
	res.Kept, res.Dedupe, res.Balance = len(kept), drep, brep
	for _, p := range parts {
		res.Splits = append(res.Splits, dataset.Stats(p.Name, p.Records))
	}
	return parts, nil
}

// write writes the manifest, the LLM stage's files, the splits and their export formats to o.Out.
func write(ctx context.Context, o BuildOptions, parts []dataset.Part, sch *schema.Schema, version string, res *BuildResult) error {
	eo := dataset.ExportOptions{Schema: schema.CreateTable(sch, schema.CreateOptions{}),
		Prompter: dataset.EnginePrompter(prompt.EngineName(sch.Dialect))}
	var tc *dataset.TokenCounter
	if c, err := dataset.NewTokenCounter(); err == nil {
		tc = c
	}
	m, err := dataset.NewManifest(parts, tc, eo, dataset.DefaultCostModel, dataset.DefaultEpochs)
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	m.Generator, m.Seed, m.DB, m.Dedupe, m.Balance = version, o.Seed, res.DB, &res.Dedupe, &res.Balance
	res.Diversity = m.Diversity
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", o.Out, err)
	}
	if o.LLM != nil {
		m.Generator += "+" + o.LLM.Version()
		if err := o.LLM.WriteFiles(o.Out, m); err != nil {
			return err
		}
	}
	if _, err := dataset.WriteSplits(ctx, o.Out, parts, dataset.WriteOptions{Formats: o.Formats, Export: eo}, m); err != nil {
		return fmt.Errorf("write %s: %w", o.Out, err)
	}
	if o.LLM != nil {
		return writeManifestWithLLM(o.Out, m, o.LLM.Report())
	}
	return nil
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

// writeManifestWithLLM rewrites manifest.json with the LLM stage's report under "llm".
func writeManifestWithLLM(dir string, m *dataset.Manifest, r any) error {
	v := struct {
		*dataset.Manifest
		LLM any `json:"llm"`
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
