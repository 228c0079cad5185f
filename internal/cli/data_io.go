package cli

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/dataset"
)

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
			recs, sc, err := readWithSchema(ctx, args[0], dbRef)
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
