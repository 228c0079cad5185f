package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/datagen"
	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/ontology"
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
}

func (a *app) newGenCmd() *cobra.Command {
	var (
		dbRef, ontRef, formats, out string
		seed                        uint64
		size                        int
		reasoning, val              bool
	)
	c := &cobra.Command{
		Use:   "gen --out DIR",
		Short: "Generate execution-verified question/SQL training data from an ontology",
		Long: `gen composes questions and SQL from the ontology's metrics, dimensions and entities,
runs every query on the database (kept only if it runs, returns rows and is deterministic),
removes duplicates, balances hardness and shape, splits 80/10/10 keeping every phrasing of a
query in one split, and writes the splits, the export formats and a manifest to --out.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			start := time.Now()
			if out == "" {
				return userErr(fmt.Errorf("--out is required"))
			}
			var fmts []dataset.Format
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
			progress := a.genProgress(size)
			recs, st, err := datagen.Generate(ctx, db.DB, ont, datagen.Options{
				Seed: seed, Size: size, Reasoning: reasoning, DB: db.Name, Progress: progress.update})
			progress.finish()
			if err != nil {
				return err
			}
			kept, drep := dataset.Dedupe(recs, dataset.DedupeOptions{})
			kept, brep := dataset.Balance(kept, dataset.BalanceOptions{Seed: seed, CapFactor: 3, ProtectBelow: 0.15})
			sopts := dataset.SplitOptions{Seed: seed}
			if val {
				sopts.Names = []string{dataset.SplitTrain, dataset.SplitTest, dataset.SplitVal}
			}
			parts, err := dataset.Split(kept, sopts)
			if err != nil {
				return fmt.Errorf("split: %w", err)
			}
			sch, err := schema.Introspect(ctx, db.DB)
			if err != nil {
				return fmt.Errorf("read schema: %w", err)
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
			m.Generator, m.Seed, m.DB, m.Dedupe, m.Balance = datagen.Version, seed, db.Name, &drep, &brep
			if err := os.MkdirAll(out, 0o755); err != nil {
				return fmt.Errorf("create %s: %w", out, err)
			}
			if _, err := dataset.WriteSplits(ctx, out, parts, dataset.WriteOptions{Formats: fmts, Export: eo}, m); err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			sum := genSummary{Out: out, DB: db.Name, Ontology: ont.Name, Seed: seed, Generated: len(recs), Kept: len(kept),
				Stats: st, Dedupe: drep, Balance: brep, Seconds: time.Since(start).Seconds(), Formats: fmts}
			for _, p := range parts {
				sum.Splits = append(sum.Splits, dataset.Stats(p.Name, p.Records))
			}
			return a.printGenSummary(sum)
		},
	}
	f := c.Flags()
	f.StringVar(&dbRef, "db", "", "database: northwind (default), chinook or a SQLite file")
	f.StringVar(&ontRef, "ontology", "northwind", "ontology: a shipped name or a YAML/JSON file")
	f.Uint64Var(&seed, "seed", 42, "seed of every random choice")
	f.IntVar(&size, "size", 7500, "pairs to generate before dedupe, balance and split")
	f.BoolVar(&reasoning, "reasoning", false, "also write reasoning variants")
	f.StringVar(&formats, "formats", "openai,openai_reasoning,trl,alpaca,sharegpt,sql-create-context", "export formats, comma-separated")
	f.BoolVar(&val, "val", false, "name the third split val instead of inference")
	f.StringVar(&out, "out", "", "output directory (required)")
	return c
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
	p := &genProgressT{}
	if a.quiet {
		return p
	}
	if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(a.stderr), progressbar.OptionSetDescription("generating"),
			progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
		return p
	}
	p.plain = func(done, total int) {
		if pct := done * 10 / max(total, 1); pct > p.last || done == total {
			p.last = pct
			fmt.Fprintf(a.stderr, "generated %d/%d pairs\n", done, total)
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
