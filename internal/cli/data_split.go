package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/dataset"
)

func (a *app) newDataSplitCmd() *cobra.Command {
	var out, dbRef, formats, generator string
	var seed uint64
	var val, dedupe bool
	var fractions []float64
	cmd := &cobra.Command{
		Use:   "split FILE --out DIR",
		Short: "Split records 80/10/10 into train/test/inference (or val), stratified, with no query in two splits",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if out == "" {
				return userErr(errors.New("--out: required"))
			}
			if err := a.sweepTemps(out, false); err != nil {
				return err
			}
			fs, err := parseFormats(formats)
			if err != nil {
				return err
			}
			recs, err := readRecords(ctx, args[0])
			if err != nil {
				return err
			}
			var drep *dataset.DedupeReport
			if dedupe {
				var r dataset.DedupeReport
				recs, r = dataset.Dedupe(recs, dataset.DedupeOptions{})
				drep = &r
			}
			opts := dataset.SplitOptions{Seed: seed, Fractions: fractions}
			if val {
				opts.Names = []string{dataset.SplitTrain, dataset.SplitTest, dataset.SplitVal}
			}
			parts, err := dataset.Split(recs, opts)
			if err != nil {
				return userErr(err)
			}
			sc, err := schemaContext(ctx, dbRef)
			if err != nil {
				return err
			}
			wo := dataset.WriteOptions{Formats: fs, Export: dataset.ExportOptions{Schema: sc}}
			tc, err := dataset.NewTokenCounter()
			if err != nil {
				return err
			}
			m, err := dataset.NewManifest(parts, tc, wo.Export, dataset.DefaultCostModel, 0)
			if err != nil {
				return err
			}
			m.Seed, m.Generator, m.DB, m.Dedupe = seed, generator, dbRef, drep
			if m, err = dataset.WriteSplits(ctx, out, parts, wo, m); err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(m)
			}
			for _, s := range m.Splits {
				fmt.Fprintf(a.stdout, "%s: %d records, %d groups\n", filepath.Join(out, s.Name+".jsonl"), s.Count, s.Groups)
			}
			_, err = fmt.Fprintf(a.stdout, "%s: %d files\n", filepath.Join(out, "manifest.json"), len(m.Files))
			return err
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output directory")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the split")
	cmd.Flags().BoolVar(&val, "val", false, "name the third split val instead of inference")
	cmd.Flags().Float64SliceVar(&fractions, "fractions", nil, "fractions of the three splits (default 0.8,0.1,0.1)")
	cmd.Flags().StringVar(&formats, "formats", "openai", "extra formats, comma-separated: "+formatNames())
	cmd.Flags().StringVar(&dbRef, "db", "", "database whose CREATE TABLE schema goes into prompts ("+dbRefUsage+"); default: each record's own context")
	cmd.Flags().StringVar(&generator, "generator", "", "generator name and version to record in the manifest")
	cmd.Flags().BoolVar(&dedupe, "dedupe", false, "remove duplicate records before splitting")
	return cmd
}

func formatNames() string {
	var n []string
	for _, f := range dataset.Formats() {
		n = append(n, string(f))
	}
	return strings.Join(n, ", ")
}

func parseFormats(s string) ([]dataset.Format, error) {
	var out []dataset.Format
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		f, err := dataset.ParseFormat(p)
		if err != nil {
			return nil, userErr(fmt.Errorf("--formats: %w", err))
		}
		out = append(out, f)
	}
	return out, nil
}
