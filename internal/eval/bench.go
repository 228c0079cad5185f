package eval

import (
	"context"
	"fmt"
	"time"

	"github.com/sqlforge/sqlforge/internal/match"
)

// RawTime runs, straight through database/sql and with no evaluator around
// it, the queries a run executes once: every item's gold (once) and every
// predictor's prediction, as the mode rewrites them, reading all rows. It
// returns the total time, the yardstick for the evaluator's overhead. Items
// without a SQLite database are skipped.
func RawTime(ctx context.Context, items []Item, preds []Predictor, dbs *Databases, mode match.Mode, keepDistinct bool) (time.Duration, error) {
	var total time.Duration
	for _, it := range items {
		if it.NoDB {
			continue
		}
		db, err := dbs.Raw(ctx, it)
		if err != nil {
			return 0, err
		}
		if db == nil {
			continue
		}
		sqls := []string{it.Gold}
		for _, p := range preds {
			pr, err := p.Predict(ctx, it, it.Context)
			if err == nil && pr.SQL != "" {
				sqls = append(sqls, pr.SQL)
			}
		}
		for _, s := range sqls {
			q := match.ExecSQL(mode, s, keepDistinct)
			start := time.Now()
			rows, err := db.QueryContext(ctx, q)
			if err != nil {
				total += time.Since(start)
				continue
			}
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					break
				}
			}
			rows.Close()
			total += time.Since(start)
		}
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("raw timing: %w", err)
	}
	return total, nil
}
