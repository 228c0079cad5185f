package cli

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/pgload"
)

// withDBLoad adds "db load-postgres" and "db load-bigquery" to the db command.
func (a *app) withDBLoad(db *cobra.Command) *cobra.Command {
	db.AddCommand(a.newDBLoadPostgresCmd(), a.newDBLoadBigQueryCmd())
	return db
}

func (a *app) newDBLoadPostgresCmd() *cobra.Command {
	var (
		url, pgSchema, ref string
		replace            bool
	)
	cmd := &cobra.Command{
		Use:   "load-postgres --url URL [--schema S] [--db northwind]",
		Short: "Copy a SQLite database into a PostgreSQL schema (names, types, keys and rows)",
		Long: `Copies every table of a SQLite database into a PostgreSQL schema, keeping table and
column names as they are (CamelCase names must then be double-quoted in queries, as the
postgres dialect does), with INTEGER as bigint, REAL and NUMERIC as double precision, TEXT
and DATE/DATETIME as text, BLOB as bytea, primary keys, and foreign keys added NOT VALID.
Views are not copied. The load runs in one transaction. See docs/postgres.md.`,
		Args: func(cmd *cobra.Command, args []string) error {
			return userErr(cobra.NoArgs(cmd, args))
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if url == "" {
				return userErr(fmt.Errorf("db load-postgres: --url is required"))
			}
			ctx := cmd.Context()
			src, err := openDBRef(ctx, ref)
			if err != nil {
				return err
			}
			defer src.Close()
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				return userErr(fmt.Errorf("db load-postgres: connect: %w", err))
			}
			defer conn.Close(ctx)
			if !cmd.Flags().Changed("schema") {
				pgSchema = pgload.URLSchema(conn.Config().RuntimeParams) // the URL's search_path, as --db reads it
			}
			res, err := pgload.Load(ctx, src.DB, conn, pgload.Options{Schema: pgSchema, Replace: replace})
			if err != nil {
				var pgErr *pgconn.PgError
				if errors.As(err, &pgErr) && pgErr.Code == "42P07" && !replace {
					return userErr(fmt.Errorf("db load-postgres %s: %w (use --replace to drop the existing tables)", src.Name, err))
				}
				return fmt.Errorf("db load-postgres %s: %w", src.Name, err)
			}
			if a.jsonOut {
				return a.dbPrintJSON(res)
			}
			rows := make([]loadedTable, len(res.Tables))
			for i, t := range res.Tables {
				rows[i] = loadedTable{t.Name, t.Rows}
			}
			return a.printLoad(rows, res.Schema, src.Name, "schema "+res.Schema, res.SkippedViews)
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "PostgreSQL connection URL, e.g. postgres://user@host:5432/db")
	cmd.Flags().StringVar(&pgSchema, "schema", "public", "PostgreSQL schema to load into, created when missing (default: the URL's search_path, else public)")
	cmd.Flags().StringVar(&ref, "db", "", dbRefUsage)
	cmd.Flags().BoolVar(&replace, "replace", false, "drop tables of the same names in the schema first")
	return cmd
}

// loadedTable is one table a db load command copied.
type loadedTable struct {
	name string
	rows int64
}

// printLoad prints the tables a load copied (as prefix.TABLE) and, unless quiet, a summary
// of what went where.
func (a *app) printLoad(tables []loadedTable, prefix, from, into string, skippedViews []string) error {
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tROWS")
	var total int64
	for _, t := range tables {
		fmt.Fprintf(tw, "%s.%s\t%d\n", prefix, t.name, t.rows)
		total += t.rows
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !a.quiet {
		fmt.Fprintf(a.stderr, "copied %d tables, %d rows from %s into %s", len(tables), total, from, into)
		if len(skippedViews) > 0 {
			fmt.Fprintf(a.stderr, " (views not copied: %v)", skippedViews)
		}
		fmt.Fprintln(a.stderr)
	}
	return nil
}
