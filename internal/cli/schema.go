package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/sqlforge/sqlforge/internal/schema"
)

func (a *app) newSchemaCmd() *cobra.Command {
	var (
		ref, format, tables string
		samples, views      bool
	)
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print a database's schema as CREATE TABLE statements, compact lines or JSON",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if a.jsonOut {
				format = "json"
			}
			if format != "create" && format != "compact" && format != "json" {
				return userErr(fmt.Errorf("--format %q: want create, compact or json", format))
			}
			ctx := cmd.Context()
			db, err := openDBRef(ctx, ref)
			if err != nil {
				return err
			}
			defer db.Close()
			opts := schema.Options{}
			if format == "compact" || (format == "create" && !samples) {
				opts.Samples = -1
			}
			s, err := schema.IntrospectDialectWith(ctx, db.DB, db.Dialect(), opts)
			if err != nil {
				return err
			}
			if tables != "" {
				if s, err = s.Select(strings.Split(tables, ",")); err != nil {
					return userErr(fmt.Errorf("--tables: %w", err))
				}
			}
			switch format {
			case "create":
				_, err = fmt.Fprint(a.stdout, schema.CreateTable(s, schema.CreateOptions{Samples: samples, Views: views}))
			case "compact":
				_, err = fmt.Fprint(a.stdout, schema.Compact(s))
			default:
				var b []byte
				if b, err = schema.JSON(s); err == nil {
					_, err = a.stdout.Write(b)
				}
			}
			return err
		},
	}
	cmd.Flags().StringVar(&ref, "db", "", dbRefUsage)
	cmd.Flags().StringVar(&format, "format", "create", "create (CREATE TABLE statements), compact (one line per table) or json")
	cmd.Flags().StringVar(&tables, "tables", "", "comma-separated tables to show (default all)")
	cmd.Flags().BoolVar(&samples, "samples", false, "with --format create: sample values as comments")
	cmd.Flags().BoolVar(&views, "views", false, "with --format create: include views")
	return cmd
}
