package dataset

import (
	"context"
	"fmt"
)

// PreprocessOptions tune Preprocess. The zero value normalises SQL whitespace, validates
// nothing, dedupes with the seed's threshold and does not balance.
type PreprocessOptions struct {
	// Normalize rewrites each SQL (NormalizeSQL when nil); inject sqlparse.Normalize or a
	// formatter here.
	Normalize func(sql string) string
	// Validate checks each SQL (e.g. prepares it on the database); records it rejects are
	// dropped and counted. Nil skips validation.
	Validate func(ctx context.Context, sql string) error
	// Dedupe tunes duplicate removal.
	Dedupe DedupeOptions
	// Balance caps over-represented (hardness, shape) cells when not nil.
	Balance *BalanceOptions
}

// PreprocessReport says what Preprocess did.
type PreprocessReport struct {
	In      int            `json:"in"`
	Invalid int            `json:"invalid"`
	Errors  []string       `json:"errors,omitempty"` // the first 20 validation errors
	Dedupe  DedupeReport   `json:"dedupe"`
	Balance *BalanceReport `json:"balance,omitempty"`
	Out     int            `json:"out"`
}

// Preprocess normalises SQL, fills missing IDs, drops records whose SQL fails Validate,
// removes duplicates and optionally balances. Input records are not modified.
func Preprocess(ctx context.Context, recs []Record, opts PreprocessOptions) ([]Record, PreprocessReport, error) {
	norm := opts.Normalize
	if norm == nil {
		norm = NormalizeSQL
	}
	rep := PreprocessReport{In: len(recs)}
	out := make([]Record, 0, len(recs))
	for i := range recs {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, rep, err
			}
		}
		r := recs[i]
		r.SQL = norm(r.SQL)
		if r.ID == "" {
			r.ID = RecordID(r.Question, r.SQL)
		}
		if opts.Validate != nil {
			if err := opts.Validate(ctx, r.SQL); err != nil {
				if ctx.Err() != nil {
					return nil, rep, ctx.Err()
				}
				rep.Invalid++
				if len(rep.Errors) < 20 {
					rep.Errors = append(rep.Errors, fmt.Sprintf("record %d (%s): %v", i+1, r.ID, err))
				}
				continue
			}
		}
		out = append(out, r)
	}
	out, rep.Dedupe = Dedupe(out, opts.Dedupe)
	if opts.Balance != nil {
		var br BalanceReport
		out, br = Balance(out, *opts.Balance)
		rep.Balance = &br
	}
	rep.Out = len(out)
	return out, rep, nil
}
