package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/sqlforge/sqlforge/internal/database"
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
			recs, err := readRecords(ctx, args[0])
			if err != nil {
				return err
			}
			sc, err := schemaContext(ctx, dbRef)
			if err != nil {
				return err
			}
			parts := partsBySplit(recs)
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

// partsBySplit groups records by their Split field (unsplit records under "all"), in the
// order train, test, inference, val, then others sorted.
func partsBySplit(recs []dataset.Record) []dataset.Part {
	by := map[string][]dataset.Record{}
	for _, r := range recs {
		name := r.Split
		if name == "" {
			name = "all"
		}
		by[name] = append(by[name], r)
	}
	order := []string{dataset.SplitTrain, dataset.SplitTest, dataset.SplitInference, dataset.SplitVal}
	var rest []string
	for n := range by {
		if !slices.Contains(order, n) {
			rest = append(rest, n)
		}
	}
	slices.Sort(rest)
	var parts []dataset.Part
	for _, n := range append(order, rest...) {
		if r, ok := by[n]; ok {
			parts = append(parts, dataset.Part{Name: n, Records: r})
		}
	}
	return parts
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

func (a *app) newDataValidateCmd() *cobra.Command {
	var dbRef string
	cmd := &cobra.Command{
		Use:   "validate FILE",
		Short: "Check every record: valid JSON, required fields, and (with --db) that the SQL prepares",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			path := args[0]
			f, err := os.Open(path)
			if err != nil {
				return userErr(fmt.Errorf("validate: %w", err))
			}
			defer f.Close()
			recs, rep, err := dataset.ReadJSONL(ctx, f, path, dataset.ReadOptions{SkipBad: true})
			if err != nil {
				return userErr(err)
			}
			var db *database.DB
			if dbRef != "" {
				if db, err = openDBRef(ctx, dbRef); err != nil {
					return err
				}
				defer db.Close()
			}
			// Re-read line numbers: ReadJSONL skips blank lines, so track them by position.
			lines, err := recordLines(path)
			if err != nil {
				return userErr(err)
			}
			var sqlErrs []string
			for i, r := range recs {
				if db == nil {
					break
				}
				if err := prepare(ctx, db, r.SQL); err != nil {
					sqlErrs = append(sqlErrs, fmt.Sprintf("%s:%d: field sql: %v", path, lines[i], err))
				}
			}
			bad := rep.Bad + len(sqlErrs)
			if a.jsonOut {
				if err := a.printJSON(map[string]any{"file": path, "records": rep.Lines, "valid": rep.Lines - bad,
					"bad_lines": rep.Bad, "sql_errors": len(sqlErrs), "errors": append(rep.Errors, sqlErrs...)}); err != nil {
					return err
				}
			} else {
				for _, e := range append(rep.Errors, sqlErrs...) {
					fmt.Fprintln(a.stdout, e)
				}
				fmt.Fprintf(a.stdout, "%s: %d records, %d valid, %d bad lines, %d SQL errors\n", path, rep.Lines, rep.Lines-bad, rep.Bad, len(sqlErrs))
			}
			if bad > 0 {
				first := append(rep.Errors, sqlErrs...)[0]
				return userErr(fmt.Errorf("%d invalid records; first: %s", bad, first))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dbRef, "db", "", "prepare every SQL on this database ("+dbRefUsage+")")
	return cmd
}

// recordLines returns the 1-based line numbers of the valid records of a JSONL file, in
// order, so SQL errors can name their line.
func recordLines(path string) ([]int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []int
	for i, l := range strings.Split(string(b), "\n") {
		var r dataset.Record
		if strings.TrimSpace(l) == "" || json.Unmarshal([]byte(l), &r) != nil {
			continue
		}
		if _, err := r.Check(); err == nil {
			out = append(out, i+1)
		}
	}
	return out, nil
}

// prepare compiles sql on db without running it.
func prepare(ctx context.Context, db *database.DB, sql string) error {
	st, err := db.PrepareContext(ctx, sql)
	if err != nil {
		return err
	}
	return st.Close()
}

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

func (a *app) newDataExportCmd() *cobra.Command {
	var format, out, dbRef string
	cmd := &cobra.Command{
		Use:   "export FILE --format F --out PATH",
		Short: "Write records in a fine-tuning format: " + formatNames(),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			f, err := dataset.ParseFormat(format)
			if err != nil {
				return userErr(fmt.Errorf("--format: %w", err))
			}
			if out == "" {
				return userErr(errors.New("--out: required"))
			}
			if err := a.sweepTemps(out, true); err != nil {
				return err
			}
			recs, err := readRecords(ctx, args[0])
			if err != nil {
				return err
			}
			sc, err := schemaContext(ctx, dbRef)
			if err != nil {
				return err
			}
			if _, err := dataset.WriteFileAtomic(out, func(w io.Writer) error {
				return dataset.Export(w, recs, f, dataset.ExportOptions{Schema: sc})
			}); err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(map[string]any{"out": out, "format": f, "records": len(recs)})
			}
			_, err = fmt.Fprintf(a.stdout, "%s: %d records as %s\n", out, len(recs), f)
			return err
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "output format: "+formatNames())
	cmd.Flags().StringVar(&out, "out", "", "output file")
	cmd.Flags().StringVar(&dbRef, "db", "", "database whose CREATE TABLE schema goes into prompts ("+dbRefUsage+"); default: each record's own context")
	return cmd
}

func (a *app) newDataImportCmd() *cobra.Command {
	var from, out string
	var skipBad, replaceUTF8 bool
	cmd := &cobra.Command{
		Use:   "import --from SOURCE PATH --out FILE",
		Short: "Convert another dataset into sqlforge records: " + strings.Join(dataset.ImportSources(), ", "),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if out == "" {
				return userErr(errors.New("--out: required"))
			}
			if !slices.Contains(dataset.ImportSources(), from) {
				return userErr(fmt.Errorf("--from: unknown source %q (want one of %s)", from, strings.Join(dataset.ImportSources(), ", ")))
			}
			if err := a.sweepTemps(out, true); err != nil {
				return err
			}
			recs, rep, err := dataset.ImportFile(ctx, from, args[0], dataset.ReadOptions{SkipBad: skipBad, ReplaceInvalidUTF8: replaceUTF8})
			if err != nil {
				return userErr(err)
			}
			if _, err := dataset.WriteRecordsFile(out, recs); err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(map[string]any{"out": out, "records": len(recs), "read": rep})
			}
			_, err = fmt.Fprintf(a.stdout, "%s: %d records imported from %s (%d bad lines skipped, %d invalid UTF-8 sequences replaced)\n", out, len(recs), from, rep.Bad, rep.Replaced)
			return err
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "source format: "+strings.Join(dataset.ImportSources(), ", "))
	cmd.Flags().StringVar(&out, "out", "", "output records JSONL file")
	cmd.Flags().BoolVar(&skipBad, "skip-bad", false, "skip and count bad lines instead of stopping at the first")
	cmd.Flags().BoolVar(&replaceUTF8, "replace-invalid-utf8", false, "replace bytes that are not UTF-8 with U+FFFD instead of stopping at them")
	return cmd
}
