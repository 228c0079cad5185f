package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/bqdb"
	"github.com/sqlforge/sqlforge/internal/bqload"
)

func (a *app) newDBLoadBigQueryCmd() *cobra.Command {
	var (
		url, ref string
		replace  bool
		batch    int
	)
	cmd := &cobra.Command{
		Use:   "load-bigquery --url bigquery://HOST:PORT/PROJECT/DATASET [--db northwind]",
		Short: "Copy a SQLite database into a BigQuery dataset (names, types, keys and rows)",
		Long: `Copies every table of a SQLite database into a BigQuery dataset, created when missing:
names as they are, INTEGER as INT64, REAL and NUMERIC as FLOAT64, TEXT and DATE/DATETIME as
STRING ('YYYY-MM-DD', as stored), BLOB as BYTES, NOT NULL and key columns REQUIRED, primary
and foreign keys as (unenforced) table constraints. Rows go through the streaming insert
API in batches of --batch rows. Views are not copied. BigQuery has no transaction across
tables: after a failure, load again with --replace.

The URL names a server (bigquery://127.0.0.1:9050/PROJECT/DATASET: goccy/bigquery-emulator,
see .ci/bqemulator.sh) or the real service (bigquery:///PROJECT/DATASET, with the credentials
the Google client library finds in the environment). See docs/bigquery.md.`,
		Args: func(cmd *cobra.Command, args []string) error {
			return userErr(cobra.NoArgs(cmd, args))
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if url == "" {
				return userErr(fmt.Errorf("db load-bigquery: --url is required"))
			}
			r, err := bqdb.ParseURL(url)
			if err != nil {
				return userErr(fmt.Errorf("db load-bigquery: %w", err))
			}
			ctx := cmd.Context()
			src, err := openDBRef(ctx, ref)
			if err != nil {
				return err
			}
			defer src.Close()
			if src.Dialect() != "sqlite" {
				return userErr(fmt.Errorf("db load-bigquery: --db must be a SQLite database, not %s", src.Dialect()))
			}
			c, err := bqdb.NewClient(ctx, r)
			if err != nil {
				return userErr(fmt.Errorf("db load-bigquery: %w", err))
			}
			d := &bqdb.Dataset{Client: c, Ref: r}
			defer d.Close()
			res, err := bqload.Load(ctx, src.DB, d, bqload.Options{Replace: replace, BatchRows: batch})
			if err != nil {
				if errors.Is(err, bqload.ErrExists) {
					return userErr(fmt.Errorf("db load-bigquery %s: %w (use --replace to replace the existing tables)", src.Name, err))
				}
				return fmt.Errorf("db load-bigquery %s: %w", src.Name, err)
			}
			if a.jsonOut {
				return a.dbPrintJSON(res)
			}
			rows := make([]loadedTable, len(res.Tables))
			for i, t := range res.Tables {
				rows[i] = loadedTable{t.Name, t.Rows}
			}
			return a.printLoad(rows, res.Dataset, src.Name, fmt.Sprint(r), res.SkippedViews)
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "BigQuery dataset, bigquery://HOST:PORT/PROJECT/DATASET (or bigquery:///PROJECT/DATASET for the service)")
	cmd.Flags().StringVar(&ref, "db", "", dbRefUsage)
	cmd.Flags().BoolVar(&replace, "replace", false, "delete tables of the same names in the dataset first")
	cmd.Flags().IntVar(&batch, "batch", 500, "rows a streaming insert request carries")
	return cmd
}
