package datagen

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"time"

	"github.com/sqlforge/sqlforge/internal/dataset"
)

var yearRe = regexp.MustCompile(`\b(19|20)\d\d\b`)

// AugmentYears adds, for each record whose question names exactly one year
// that its SQL uses too, up to per copies with that year replaced — in the
// question and the SQL alike — by another of years (drawn from seed). A copy
// is kept under the generator's own rules (verify.go's query: it runs, has
// rows, no more than MaxRows, and not only NULLs), so every pair stays
// execution-verified. It teaches a small model to copy the year from the
// question instead of memorising one per template. The copies carry Source
// "augment:year", IDs derived from the original's and their own row count;
// ResultHash is left empty (the original's does not apply).
func AugmentYears(ctx context.Context, db *sql.DB, recs []dataset.Record, years []int, per int, seed uint64) ([]dataset.Record, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("augment: %w", err)
	}
	defer conn.Close()
	rng := rand.New(rand.NewPCG(seed, 0xa5a5))
	var out []dataset.Record
	for _, r := range recs {
		found := map[string]bool{}
		for _, y := range yearRe.FindAllString(r.Question, -1) {
			found[y] = true
		}
		if len(found) != 1 {
			continue
		}
		var y string
		for k := range found {
			y = k
		}
		word := regexp.MustCompile(`\b` + y + `\b`)
		if !word.MatchString(r.SQL) {
			continue
		}
		n := 0
		for _, i := range rng.Perm(len(years)) {
			if n == per {
				break
			}
			ny := strconv.Itoa(years[i])
			if ny == y {
				continue
			}
			c := r
			c.Question, c.SQL = word.ReplaceAllString(r.Question, ny), word.ReplaceAllString(r.SQL, ny)
			qctx, cancel := context.WithTimeout(ctx, time.Second)
			rows, err := query(qctx, conn, c.SQL)
			cancel()
			if ctx.Err() != nil {
				return nil, fmt.Errorf("augment: %w", ctx.Err())
			}
			if err != nil || len(rows) == 0 || len(rows) > MaxRows || allNull(rows) {
				continue
			}
			c.ID, c.Source, c.Rows, c.ResultHash = r.ID+"-y"+ny, "augment:year", len(rows), ""
			out = append(out, c)
			n++
		}
	}
	return out, nil
}
