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
// is kept only when its SQL runs on db within a second and returns rows:
// every pair stays execution-verified. It teaches a small model to copy the
// year from the question instead of memorising one per template. The copies
// carry Source "augment:year" and IDs derived from the original's.
func AugmentYears(ctx context.Context, db *sql.DB, recs []dataset.Record, years []int, per int, seed uint64) ([]dataset.Record, error) {
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
		if !yearRe.MatchString(r.SQL) || len(regexp.MustCompile(`\b`+y+`\b`).FindAllString(r.SQL, -1)) == 0 {
			continue
		}
		word := regexp.MustCompile(`\b` + y + `\b`)
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
			ok, err := hasRows(ctx, db, c.SQL)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			c.ID, c.Source, c.Rows, c.ResultHash = r.ID+"-y"+ny, "augment:year", 0, ""
			out = append(out, c)
			n++
		}
	}
	return out, nil
}

// hasRows reports whether query returns at least one row within a second;
// a query error is a false, a cancelled ctx an error.
func hasRows(ctx context.Context, db *sql.DB, query string) (bool, error) {
	qctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	rows, err := db.QueryContext(qctx, query)
	if err != nil {
		if ctx.Err() != nil {
			return false, fmt.Errorf("augment: %w", ctx.Err())
		}
		return false, nil
	}
	defer rows.Close()
	return rows.Next(), nil
}
