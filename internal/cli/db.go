package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/sampledb"
	"github.com/sqlforge/sqlforge/internal/schema"
)

// dbRefUsage documents the --db flag shared by commands that read a database.
const dbRefUsage = `database: "northwind" (default) or "chinook" (embedded), the path of a SQLite file (opened read-only), or a postgres:// or bigquery://HOST:PORT/PROJECT/DATASET URL`

func (a *app) newDBCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "List, inspect, export and rebuild the databases sqlforge works on",
	}
	cmd.AddCommand(a.newDBListCmd(), a.newDBInfoCmd(), a.newDBExportCmd(), a.newDBBuildCmd())
	return cmd
}

// openDBRef opens a database reference; failures are input errors.
func openDBRef(ctx context.Context, ref string) (*database.DB, error) {
	db, err := database.Open(ctx, ref)
	if err != nil {
		return nil, userErr(err)
	}
	return db, nil
}

// dbPrintJSON writes v as indented JSON.
func (a *app) dbPrintJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (a *app) newDBListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the embedded databases",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			type entry struct {
				Name  string `json:"name"`
				Bytes int    `json:"bytes"`
			}
			var list []entry
			for _, n := range sampledb.Names() {
				b, err := sampledb.Bytes(n)
				if err != nil {
					return err
				}
				list = append(list, entry{n, len(b)})
			}
			if a.jsonOut {
				return a.dbPrintJSON(list)
			}
			w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			for _, e := range list {
				def := ""
				if e.Name == sampledb.Default {
					def = "(default)"
				}
				fmt.Fprintf(w, "%s\t%.1f MB\t%s\n", e.Name, float64(e.Bytes)/1e6, def)
			}
			return w.Flush()
		},
	}
}

func (a *app) newDBInfoCmd() *cobra.Command {
	var ref string
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Show a database's tables and row counts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := openDBRef(ctx, ref)
			if err != nil {
				return err
			}
			defer db.Close()
			s, err := schema.IntrospectDialectWith(ctx, db.DB, db.Dialect(), schema.Options{Samples: -1})
			if err != nil {
				return err
			}
			type table struct {
				Name string `json:"name"`
				Kind string `json:"kind"`
				Rows int64  `json:"rows"`
			}
			info := struct {
				Name     string  `json:"name"`
				Path     string  `json:"path"`
				Dialect  string  `json:"dialect"`
				Embedded bool    `json:"embedded"`
				Hash     string  `json:"schema_hash"`
				Tables   []table `json:"tables"`
			}{db.Name, db.Path, db.Dialect(), db.Embedded, s.Hash(), nil}
			for _, t := range s.Tables {
				info.Tables = append(info.Tables, table{t.Name, t.Kind, t.RowCount})
			}
			if a.jsonOut {
				return a.dbPrintJSON(info)
			}
			fmt.Fprintf(a.stdout, "database %s (%s, %s)\n", info.Name, info.Dialect, info.Path)
			for _, t := range info.Tables {
				rows := fmt.Sprint(t.Rows)
				if t.Kind == "view" {
					rows = "view"
				}
				fmt.Fprintf(a.stdout, "  %-28s %9s\n", t.Name, rows)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&ref, "db", "", dbRefUsage)
	return cmd
}

func (a *app) newDBExportCmd() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "export PATH",
		Short: "Write an embedded database to a SQLite file any tool can open",
		Args: func(cmd *cobra.Command, args []string) error {
			return userErr(cobra.ExactArgs(1)(cmd, args))
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if !sampledb.Has(name) {
				_, err := sampledb.Bytes(name)
				return userErr(err)
			}
			if err := database.Export(cmd.Context(), name, args[0]); err != nil {
				return userErr(err)
			}
			if a.jsonOut {
				return a.dbPrintJSON(map[string]string{"name": name, "path": args[0]})
			}
			if !a.quiet {
				fmt.Fprintf(a.stderr, "wrote %s to %s\n", name, args[0])
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "db", sampledb.Default, "embedded database to export: northwind or chinook")
	aliasFlag(cmd.Flags(), "name", "db")
	return cmd
}

func (a *app) newDBBuildCmd() *cobra.Command {
	var (
		out, script string
		opts        sampledb.NorthwindOptions
	)
	cmd := &cobra.Command{
		Use:   "build --out PATH",
		Short: "Rebuild the Northwind database from the classic script (as go generate does)",
		Long: `Rebuild the Northwind database: the classic script runs into memory, reference tables are copied
into the ontology's schema, and orders for 2020-2024 are generated from the classic distributions
with a seeded random generator. The default seed and order count give the embedded database.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return userErr(errors.New("db build: --out is required"))
			}
			b, err := os.ReadFile(script)
			if err != nil {
				return userErr(fmt.Errorf("read northwind script: %w", err))
			}
			if opts.Orders < 0 {
				return userErr(fmt.Errorf("--orders must be positive, got %d", opts.Orders))
			}
			if err := sampledb.BuildNorthwind(cmd.Context(), string(b), out, opts); err != nil {
				return userErr(fmt.Errorf("build northwind: %w", err))
			}
			if a.jsonOut {
				return a.dbPrintJSON(map[string]any{"path": out, "seed": opts.Seed, "orders": max(opts.Orders, 0)})
			}
			if !a.quiet {
				fmt.Fprintf(a.stderr, "wrote %s\n", out)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "SQLite file to write (replaced atomically)")
	cmd.Flags().StringVar(&script, "script", "data/northwind/northwind.sql", "the classic Northwind SQLite script")
	cmd.Flags().Uint64Var(&opts.Seed, "seed", sampledb.DefaultSeed, "random seed")
	cmd.Flags().IntVar(&opts.Orders, "orders", sampledb.DefaultOrders, "number of orders to generate")
	return cmd
}
