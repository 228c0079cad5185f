package serve

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
	// Agreement is the share of the model's samples that agree with the chosen one by
	// result (Service.agreementByResult); nil with a single sample.
	Agreement *float64
	// MeanLogprob is the chosen answer's mean token log-probability; nil when not given.
	MeanLogprob *float64
}

// Confidence combines the signals into [0, 1]:
//
//	0                               when the SQL does not parse or the guard refuses it
//	p = exp(mean logprob), else 0.5 the model's own belief, when it reports one
//	× 0.3  when the database does not prepare it
//	× 0.2  when it was executed and failed; × 0.6 when it returned no rows
//	× (0.5 + 0.5 × agreement)       when several samples were drawn
func (s Signals) Confidence() float64 {
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
