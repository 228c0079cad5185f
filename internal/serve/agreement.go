package serve

import (
	"context"

	"github.com/sqlforge/sqlforge/internal/match"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// agreementByResult is the share of the model's samples whose result equals the chosen
// sample's, compared as the evaluator's Spider mode does (same rows in any order unless
// the chosen SQL orders them): two queries written differently that return the same rows
// agree. Each sample runs read-only, guarded, with the row cap and query timeout; one
// that is empty, refused, fails or is cut at the row cap does not agree (unless its SQL
// normalises to the chosen one's). When the chosen SQL itself cannot run, it falls back
// to agreement by normalised SQL. nil with fewer than two samples.
func (s *Service) agreementByResult(ctx context.Context, sqls []string, chosen int, maxRows int) *float64 {
	if len(sqls) < 2 {
		return nil
	}
	run := func(sql string) (*sqlexec.Result, bool) {
		if sql == "" || sqlexec.Guard(sql) != nil {
			return nil, false
		}
		res, err := s.cfg.Executor.Query(ctx, sql, s.options(maxRows))
		if err != nil || res.Truncated {
			return nil, false
		}
		return res, true
	}
	want, ok := run(sqls[chosen])
	if !ok {
		return agreement(sqls, chosen)
	}
	norm := sqlparse.Normalize(sqls[chosen])
	n := 0
	for i, sql := range sqls {
		switch {
		case i == chosen || (sql != "" && sqlparse.Normalize(sql) == norm):
			n++
		default:
			if got, ok := run(sql); ok && match.Compare(match.Spider, want, got, match.Info{GoldSQL: sqls[chosen]}).Match {
				n++
			}
		}
	}
	a := float64(n) / float64(len(sqls))
	return &a
}

// agreement is the share of sqls equal to sqls[chosen] after normalisation; nil for one.
// It is agreementByResult's fallback when the chosen SQL cannot be run.
func agreement(sqls []string, chosen int) *float64 {
	if len(sqls) < 2 {
		return nil
	}
	want := sqlparse.Normalize(sqls[chosen])
	n := 0
	for _, s := range sqls {
		if s != "" && sqlparse.Normalize(s) == want {
			n++
		}
	}
	a := float64(n) / float64(len(sqls))
	return &a
}
