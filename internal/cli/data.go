package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/schema"
)

func (a *app) newDataCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "data",
		Short: "Inspect, validate, split, export and import training datasets",
	}
	cmd.AddCommand(a.newDataStatsCmd(), a.newDataValidateCmd(), a.newDataSplitCmd(), a.newDataExportCmd(), a.newDataImportCmd())
	return cmd
}

// readRecords reads a records JSONL file; bad lines and missing files are input errors.
func readRecords(ctx context.Context, path string) ([]dataset.Record, error) {
	recs, _, err := dataset.ReadFile(ctx, path, dataset.ReadOptions{})
	if err != nil {
		return nil, userErr(err)
	}
	return recs, nil
}

// readWithSchema reads a records file and renders the CREATE TABLE context of the database
// ref ("" gives "").
func readWithSchema(ctx context.Context, path, ref string) ([]dataset.Record, string, error) {
	recs, err := readRecords(ctx, path)
	if err != nil {
		return nil, "", err
	}
	sc, err := schemaContext(ctx, ref)
	if err != nil {
		return nil, "", err
	}
	return recs, sc, nil
}

// schemaContext renders the CREATE TABLE context of the database ref ("" gives "").
func schemaContext(ctx context.Context, ref string) (string, error) {
	if ref == "" {
		return "", nil
	}
	db, err := openDBRef(ctx, ref)
	if err != nil {
		return "", err
	}
	defer db.Close()
	s, err := schema.Introspect(ctx, db.DB)
	if err != nil {
		return "", fmt.Errorf("read schema of %s: %w", ref, err)
	}
	return schema.CreateTable(s, schema.CreateOptions{}), nil
}

func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func (a *app) newDataStatsCmd() *cobra.Command {
	var model, dbRef string
	var epochs int
	var reasoning bool
	cmd := &cobra.Command{
		Use:   "stats FILE",
		Short: "Count records by split, hardness, shape and source, with token counts and a fine-tuning cost estimate",
		Long: `stats counts the records of FILE and prices fine-tuning on them as they will be uploaded: the
OpenAI chat export (openai/train.jsonl, or openai_reasoning with --reasoning), system prompt and
schema included, with the price table, token counter and epoch rule of "finetune check", so the
two agree. The schema is each record's database's (embedded by name), or --db's.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if _, ok := dataset.PriceOf(model); !ok {
				return userErr(fmt.Errorf("--price-model: no price for %q (known: %s)", model, strings.Join(dataset.PricedModels(), ", ")))
			}
			recs, err := readRecords(ctx, args[0])
			if err != nil {
				return err
			}
			eo, err := a.exportOptions(ctx, recs, dbRef)
			if err != nil {
				return err
			}
			tc, err := dataset.NewTokenCounter()
			if err != nil {
				return err
			}
			m, err := dataset.NewManifest(dataset.PartsBySplit(recs), tc, eo, "", 0)
			if err != nil {
				return err
			}
			// Price the train split when there is one, else everything.
			priced := dataset.SplitStats{Count: m.Total}
			for _, s := range m.Splits {
				priced.Tokens += s.Tokens
				priced.ReasoningTokens += s.ReasoningTokens
			}
			for _, s := range m.Splits {
				if s.Name == dataset.SplitTrain {
					priced = s
				}
			}
			c, _ := priced.Cost(model, epochs, reasoning)
			m.Cost = &c
			m.Files = nil
			if a.jsonOut {
				return a.printJSON(m)
			}
			return printStats(a.stdout, m)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&model, "price-model", dataset.DefaultCostModel, "base model whose fine-tuning price the estimate uses: "+strings.Join(dataset.PricedModels(), ", "))
	aliasFlag(fl, "model", "price-model")
	fl.IntVar(&epochs, "epochs", 0, "training epochs in the cost estimate (0: OpenAI's auto rule, as finetune check)")
	fl.BoolVar(&reasoning, "reasoning", false, "price the reasoning export (openai_reasoning) instead of openai")
	fl.StringVar(&dbRef, "db", "", "database whose schema goes into the system prompt ("+dbRefUsage+"); default: each record's own database")
	return cmd
}

// exportOptions gives the schema context records are exported with: --db's schema for
// every record when dbRef is set, else each record's database's (the embedded ones by name;
// a database that cannot be opened is noted on stderr and priced without a schema).
func (a *app) exportOptions(ctx context.Context, recs []dataset.Record, dbRef string) (dataset.ExportOptions, error) {
	if dbRef != "" {
		sc, err := schemaContext(ctx, dbRef)
		return dataset.ExportOptions{Schema: sc}, err
	}
	eo := dataset.ExportOptions{SchemaByDB: map[string]string{}}
	for i := range recs {
		name := recs[i].DB
		if _, done := eo.SchemaByDB[name]; done || name == "" || recs[i].Context != "" {
			continue
		}
		sc, err := schemaContext(ctx, name)
		if err != nil {
			fmt.Fprintf(a.stderr, "note: no schema for database %q (%v); its records are priced without one (use --db)\n", name, err)
		}
		eo.SchemaByDB[name] = sc
	}
	return eo, nil
}

func printStats(w io.Writer, m *dataset.Manifest) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "split\trecords\tgroups\ttokens\treasoning tokens\n")
	for _, s := range m.Splits {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", s.Name, s.Count, s.Groups, s.Tokens, s.ReasoningTokens)
	}
	fmt.Fprintf(tw, "total\t%d\t\t\t\n", m.Total)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range m.Splits {
		fmt.Fprintf(w, "\n%s\n", s.Name)
		for _, dim := range []struct {
			name string
			m    map[string]int
		}{{"hardness", s.ByHardness}, {"shape", s.ByShape}, {"source", s.BySource}} {
			keys := make([]string, 0, len(dim.m))
			for k := range dim.m {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			var parts []string
			for _, k := range keys {
				parts = append(parts, fmt.Sprintf("%s=%d", k, dim.m[k]))
			}
			fmt.Fprintf(w, "  %-9s %s\n", dim.name+":", strings.Join(parts, " "))
		}
	}
	c := m.Cost
	_, err := fmt.Fprintf(w, "\nestimated fine-tuning cost: $%.2f (%d tokens x %d epochs on %s at $%.2f/1M, prices of %s)\n",
		c.USD, c.TrainingTokens, c.Epochs, c.Model, c.PricePerMTok, c.PricesAsOf)
	return err
}
