package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/dataset"
)

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
