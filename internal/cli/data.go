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
	cmd := &cobra.Command{
		Use:   "stats FILE",
		Short: "Count records by split, hardness, shape and source, with token counts and a fine-tuning cost estimate",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if _, ok := dataset.TrainingPricePerMTok[model]; !ok {
				return userErr(fmt.Errorf("--model: no price for %q (known: %s)", model, strings.Join(dataset.PricedModels(), ", ")))
			}
			recs, sc, err := readWithSchema(ctx, args[0], dbRef)
			if err != nil {
				return err
			}
			parts := dataset.PartsBySplit(recs)
			tc, err := dataset.NewTokenCounter()
			if err != nil {
				return err
			}
			m, err := dataset.NewManifest(parts, tc, dataset.ExportOptions{Schema: sc}, model, epochs)
			if err != nil {
				return err
			}
			// Price the train split when there is one, else everything.
			tokens := 0
			for _, s := range m.Splits {
				if s.Name == dataset.SplitTrain || len(m.Splits) == 1 {
					tokens = max(s.Tokens, s.ReasoningTokens)
				}
			}
			c, _ := dataset.EstimateCost(model, tokens, epochs)
			m.Cost = &c
			m.Files = nil
			if a.jsonOut {
				return a.printJSON(m)
			}
			return printStats(a.stdout, m)
		},
	}
	cmd.Flags().StringVar(&model, "model", dataset.DefaultCostModel, "base model priced in the cost estimate")
	cmd.Flags().IntVar(&epochs, "epochs", dataset.DefaultEpochs, "training epochs in the cost estimate")
	cmd.Flags().StringVar(&dbRef, "db", "", "database whose schema goes into the system prompt when counting tokens ("+dbRefUsage+"); default: none")
	return cmd
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
