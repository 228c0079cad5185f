package cli

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/sampledb"
	"github.com/sqlforge/sqlforge/ontologies"
)

func (a *app) newOntologyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ontology",
		Short: "Check and show business ontologies (metrics, dimensions, entities, joins)",
		Long: `An ontology is a business vocabulary over a database (docs/ontology.md). FILE is a path
(sqlforge YAML, or the seed's analytic_graph.json / analytic_graph_v1.json) or the name of a
shipped ontology: ` + strings.Join(ontologies.Names(), ", ") + `.`,
	}
	cmd.AddCommand(a.newOntologyCheckCmd(), a.newOntologyShowCmd(), a.newOntologyInferCmd())
	return cmd
}

// loadOntology loads ref, printing a load failure's problems one a line as the error.
func loadOntology(ref string) (*ontology.Ontology, error) {
	o, err := ontology.LoadRef(ref)
	if err != nil {
		return nil, userErr(err)
	}
	return o, nil
}

func (a *app) newOntologyCheckCmd() *cobra.Command {
	var dbRef string
	cmd := &cobra.Command{
		Use:   "check [FILE...]",
		Short: "Validate ontologies against a database: tables, columns, joins, formulas",
		Long: `check loads each ontology and validates it against the database: every table and column
exists, joins compile and connect each metric's tables, and every formula prepares in
SELECT <formula> FROM <its tables joined>, alone and grouped by each of its dimensions.
Warnings are printed and tolerated (exit 0); any error exits 2, one line per problem.
Without --db, an ontology named like an embedded database (chinook) is checked against it,
any other against northwind.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{ontologies.Default}
			}
			type result struct {
				Path     string             `json:"path"`
				Format   string             `json:"format"`
				Database string             `json:"database"`
				Counts   map[string]int     `json:"counts"`
				Problems []ontology.Problem `json:"problems"`
			}
			var results []result
			nErr := 0
			for _, ref := range args {
				o, err := loadOntology(ref)
				if err != nil {
					var ps ontology.Problems
					if !errors.As(err, &ps) || len(ps) == 0 {
						return err
					}
					nErr += len(ps)
					if a.jsonOut {
						results = append(results, result{Path: ps[0].Path, Problems: ps})
						continue
					}
					for _, p := range ps {
						fmt.Fprintln(a.stderr, p)
					}
					fmt.Fprintf(a.stdout, "%s: FAILED to load\n", ps[0].Path)
					continue
				}
				ref := dbRef
				if ref == "" {
					ref = sampledb.Default
					if sampledb.Has(o.Name) {
						ref = o.Name
					}
				}
				db, err := openDBRef(cmd.Context(), ref)
				if err != nil {
					return err
				}
				if r, _ := o.For(db.Dialect()); r != nil { // render problems are in r.Notes
					o = r
				}
				ps := ontology.Validate(cmd.Context(), db.DB, o)
				db.Close()
				errs := ontology.Problems(ps).Errors()
				nErr += len(errs)
				results = append(results, result{Path: o.Path, Format: o.Format, Database: db.Name, Counts: counts(o), Problems: ps})
				if a.jsonOut {
					continue
				}
				for _, p := range ps {
					fmt.Fprintln(a.stderr, p)
				}
				status := "ok"
				if len(errs) > 0 {
					status = "FAILED"
				}
				c := counts(o)
				fmt.Fprintf(a.stdout, "%s: %s on %s (%d metrics, %d dimensions, %d entities, %d joins; %d errors, %d warnings)\n",
					o.Path, status, db.Name, c["metrics"], c["dimensions"], c["entities"], c["joins"], len(errs), len(ps)-len(errs))
			}
			if a.jsonOut {
				if err := a.dbPrintJSON(results); err != nil {
					return err
				}
			}
			if nErr > 0 {
				return userErr(fmt.Errorf("ontology check: %d errors", nErr))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dbRef, "db", "", "database to check against: northwind, chinook or a SQLite file")
	return cmd
}

func counts(o *ontology.Ontology) map[string]int {
	return map[string]int{"metrics": len(o.Metrics), "dimensions": len(o.Dimensions), "entities": len(o.Entities),
		"joins": len(o.Joins), "tables": len(o.Tables)}
}

func (a *app) newOntologyShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show [FILE]",
		Short: "Print an ontology's metrics, dimensions, entities and joins",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref := ontologies.Default
			if len(args) == 1 {
				ref = args[0]
			}
			o, err := loadOntology(ref)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.dbPrintJSON(o)
			}
			return writeOntology(a.stdout, o)
		},
	}
}

// writeOntology prints a readable summary of o.
func writeOntology(w io.Writer, o *ontology.Ontology) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s, %s dialect, dates %s)\n", o.Name, o.Format, o.Dialect, o.DateFormat)
	if o.Description != "" {
		fmt.Fprintf(&b, "%s\n", o.Description)
	}
	fmt.Fprintf(&b, "\nMetrics (%d)\n", len(o.Metrics))
	for _, m := range o.Metrics {
		unit := m.Unit
		if unit == "" {
			unit = "-"
		}
		flags := ""
		if m.Descriptive {
			flags = " [descriptive]"
		}
		if m.TimeDependent {
			flags += " [by " + m.TimeColumn + "]"
		}
		fmt.Fprintf(&b, "  %s (%s)%s\n    = %s\n    from %s", m.Name, unit, flags, strings.Join(strings.Fields(m.Formula), " "), strings.Join(m.Tables, ", "))
		if len(m.Dimensions) > 0 {
			fmt.Fprintf(&b, "; by %s", strings.Join(m.Dimensions, ", "))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\nDimensions (%d)\n", len(o.Dimensions))
	for _, d := range o.Dimensions {
		fmt.Fprintf(&b, "  %-18s %s (%s)", d.Name, d.SQL(), d.Kind)
		if len(d.Synonyms) > 0 {
			fmt.Fprintf(&b, "  aka %s", strings.Join(d.Synonyms, ", "))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\nEntities (%d)\n", len(o.Entities))
	for _, e := range o.Entities {
		fmt.Fprintf(&b, "  %s: %s [%s]\n", e.Name, strings.Join(e.Tables, ", "), strings.Join(e.Columns, ", "))
	}
	fmt.Fprintf(&b, "\nJoins (%d)\n", len(o.Joins))
	for _, j := range o.Joins {
		typ := strings.ToUpper(j.Type)
		if typ == "" {
			typ = "INNER"
		}
		fmt.Fprintf(&b, "  %s %s %s ON %s\n", j.Left, typ, j.Right, j.On)
	}
	if len(o.Tables) > 0 {
		names := make([]string, 0, len(o.Tables))
		for n := range o.Tables {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(&b, "\nTables (%d)\n", len(names))
		for _, n := range names {
			fmt.Fprintf(&b, "  %-20s %s\n", n, o.Tables[n].Description)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
