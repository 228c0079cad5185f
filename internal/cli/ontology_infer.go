package cli

import (
	"bytes"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/schema"
)

func (a *app) newOntologyInferCmd() *cobra.Command {
	var dbRef, out string
	cmd := &cobra.Command{
		Use:   "infer [--db FILE] [--out FILE.yaml]",
		Short: "Derive an ontology from a database's schema and write it as YAML to edit",
		Long: `infer derives the ontology serve and ask use for a database that ships none
(docs/ontology.md, "Ontology from the schema"): joins from foreign keys, a count per table,
totals and averages of numeric columns, dimensions from name-like and low-cardinality text
columns and calendar dimensions over date columns. It writes the YAML format (to stdout
without --out), which --ontology FILE then reads once you have edited it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, err := openDBRef(ctx, dbRef)
			if err != nil {
				return err
			}
			defer db.Close()
			sch, err := schema.Introspect(ctx, db.DB)
			if err != nil {
				return fmt.Errorf("read schema of %s: %w", db.Name, err)
			}
			o, err := ontology.FromSchema(ctx, db.DB, sch)
			if err != nil {
				return userErr(err)
			}
			o.Name = db.Name
			errs := ontology.Problems(ontology.Validate(ctx, db.DB, o)).Errors()
			ref := dbRef
			if ref == "" {
				ref = db.Name
			}
			write := func(w io.Writer) error {
				return ontology.WriteYAML(w, o, fmt.Sprintf("Derived from the schema of %s by `sqlforge ontology infer`; format: docs/ontology.md.", db.Name),
					"Rename metrics and dimensions, add synonyms, formulas and segments, drop what nobody asks about;",
					"then: sqlforge ontology check FILE --db "+ref+" and sqlforge serve --db "+ref+" --ontology FILE.")
			}
			if out == "" {
				var b bytes.Buffer
				if err := write(&b); err != nil {
					return err
				}
				_, err = a.stdout.Write(b.Bytes())
			} else {
				if err := a.sweepTemps(out, true); err != nil {
					return err
				}
				_, err = dataset.WriteFileAtomic(out, write)
			}
			if err != nil {
				return err
			}
			if !a.quiet {
				fmt.Fprintf(a.stderr, "derived %s: %d metrics, %d dimensions, %d entities, %d joins; %d validation errors\n",
					db.Name, len(o.Metrics), len(o.Dimensions), len(o.Entities), len(o.Joins), len(errs))
			}
			if len(errs) > 0 {
				return userErr(fmt.Errorf("the derived ontology does not validate:\n%w", errs))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dbRef, "db", "", "database: northwind (default), chinook or a SQLite file")
	cmd.Flags().StringVar(&out, "out", "", "YAML file to write (default: stdout)")
	return cmd
}
