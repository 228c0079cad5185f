package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/serve"
)

func (a *app) newAskCmd() *cobra.Command {
	var (
		sf      serveFlags
		noExec  bool
		showMax int
	)
	c := &cobra.Command{
		Use:   `ask "QUESTION" [--db REF] [--model REF] [--ontology FILE]`,
		Short: "Answer one question: print the SQL, its confidence and the result table",
		Long: `ask answers a question through the same code as POST /generate-sql: the same prompt,
model, read-only guard, executor and confidence. Without --ontology, a database that ships none
(your own SQLite file) is answered through an ontology derived from its schema.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			sf.maxRows = min(sf.maxRows, showMax)
			svc, closeAll, err := sf.setup(ctx, log)
			if err != nil {
				return userErr(err)
			}
			defer closeAll()
			resp, err := svc.Generate(ctx, serve.GenerateRequest{Question: args[0], Execute: !noExec})
			if err != nil {
				return err
			}
			if a.jsonOut {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(resp)
			}
			printAnswer(a.stdout, resp)
			return nil
		},
	}
	sf.register(c)
	c.Flags().BoolVar(&noExec, "no-exec", false, "print the SQL without running it")
	c.Flags().IntVar(&showMax, "rows", 20, "rows to print")
	return c
}

// printAnswer writes the SQL, the confidence, the warnings and the result table.
func printAnswer(w io.Writer, r *serve.GenerateResponse) {
	if r.Explanation != "" {
		fmt.Fprintf(w, "%s\nplan: %s\n\n", r.Explanation, r.PlanText)
	}
	fmt.Fprintf(w, "%s\n\nconfidence %.2f  model %s  %.1f ms\n", r.SQL, r.Confidence, r.Model, r.LatencyMS)
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	if len(r.Columns) == 0 {
		return
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(r.Columns, "\t"))
	for _, row := range r.Rows {
		cells := make([]string, len(row))
		for i, v := range row {
			if v == nil {
				cells[i] = "NULL"
			} else {
				cells[i] = fmt.Sprint(v)
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
	if r.Truncated {
		fmt.Fprintln(w, "(more rows not shown)")
	}
}
