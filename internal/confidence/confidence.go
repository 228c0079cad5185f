// Package confidence computes the confidence of a generated SQL query, in [0, 1], from
// documented signals: whether it parses and prepares, whether it executed and returned
// rows, the agreement of several sampled answers, and the model's own belief (its mean
// token log-probability; the knn baseline reports its retrieval confidence that way).
//
// It is the one formula behind both the confidence `sqlforge serve` answers with and the
// confidence the evaluator bins into a calibration table, so the number the server gives
// is the number whose accuracy the evaluation report measures.
package confidence

import (
	"math"

	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// Signals are what the confidence of an answer is computed from.
type Signals struct {
	// Parses: the SQL parses (sqlparse.Parse) or SQLite prepares it.
	Parses bool
	// Refused: the read-only guard refused the SQL.
	Refused bool
	// Prepares: the database prepares the SQL (tables and columns exist).
	Prepares bool
	// Executed: the SQL was run; Executes and NonEmpty say how it went.
	Executed, Executes, NonEmpty bool
	// Agreement is the share of the model's samples that agree with the chosen one
	// (by result in the server); nil with a single sample.
	Agreement *float64
	// MeanLogprob is the chosen answer's mean token log-probability; nil when not given.
	MeanLogprob *float64
}

// Value combines the signals into [0, 1], rounded to 3 decimals:
//
//	0                               when the SQL does not parse or the guard refuses it
//	p = exp(mean logprob), else 0.5 the model's own belief, when it reports one
//	× 0.3  when the database does not prepare it
//	× 0.2  when it was executed and failed; × 0.6 when it returned no rows
//	× (0.5 + 0.5 × agreement)       when several samples were drawn
func (s Signals) Value() float64 {
	if !s.Parses || s.Refused {
		return 0
	}
	c := 0.5
	if s.MeanLogprob != nil {
		c = math.Exp(min(0, *s.MeanLogprob))
	}
	if !s.Prepares {
		c *= 0.3
	}
	switch {
	case s.Executed && !s.Executes:
		c *= 0.2
	case s.Executed && !s.NonEmpty:
		c *= 0.6
	}
	if s.Agreement != nil {
		c *= 0.5 + 0.5*(*s.Agreement)
	}
	return math.Round(min(1, max(0, c))*1000) / 1000
}

// Parses reports whether sqlparse parses sql (the Parses signal before the database has
// been asked to prepare it).
func Parses(sql string) bool {
	_, err := sqlparse.Parse(sql)
	return err == nil
}
