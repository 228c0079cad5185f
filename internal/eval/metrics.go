package eval

import (
	"math"
	"strings"

	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// TextMetrics are the metrics computed from the SQL text alone, without a
// database.
type TextMetrics struct {
	// EM: the two queries are equal after sqlparse.Normalize.
	EM bool
	// ESM: Spider's exact-set component match; nil when the gold query cannot
	// be taken apart (the metric does not apply).
	ESM *bool
	// Hardness is Spider's class of the gold query ("" when it does not parse).
	Hardness string
	// Sim is the cosine similarity of the token-count vectors of the two
	// normalised queries, in [0, 1].
	Sim float64
}

// ScoreText computes the text metrics of pred against gold. Its ESM takes
// the queries apart without a schema (sqlparse.Components); Spider data is
// scored by package spider instead, as the official evaluator does.
func ScoreText(gold, pred string) TextMetrics { return newGoldText(gold, true, true).score(pred) }

// goldText is what the text metrics need of a gold query, computed once per
// item for every model: its normal form, token counts, components (when
// ESM is scored here) and hardness (when it is not taken from elsewhere).
type goldText struct {
	norm     string
	vec      tokenVec
	esm      bool // ESM is scored here, and comps parsed
	comps    *sqlparse.Components
	hardness string
}

func newGoldText(gold string, esm, hardness bool) *goldText {
	g := &goldText{norm: sqlparse.Normalize(gold)}
	g.vec = tokenCountsOf(g.norm)
	if esm {
		if c, err := sqlparse.ParseComponents(gold); err == nil {
			g.esm, g.comps = true, c
		}
	}
	if hardness {
		g.hardness, _ = sqlparse.Hardness(gold)
	}
	return g
}

// score computes the text metrics of pred against the gold.
func (g *goldText) score(pred string) TextMetrics {
	m := TextMetrics{Hardness: g.hardness}
	np := sqlparse.Normalize(pred)
	m.EM = g.norm != "" && g.norm == np
	if g.esm {
		ok := false
		if pc, err := sqlparse.ParseComponents(pred); err == nil {
			ok = g.comps.ExactMatch(pc)
		}
		m.ESM = &ok
	}
	m.Sim = g.vec.cosine(tokenCountsOf(np))
	return m
}

// Similarity is the deterministic local similarity of two queries: the cosine
// of their token-count vectors, tokens taken from the normalised text
// (keywords and identifiers in lower case, literals as written). Two empty
// queries are 0 apart from each other: nothing was predicted.
func Similarity(a, b string) float64 {
	return tokenCountsOf(sqlparse.Normalize(a)).cosine(tokenCountsOf(sqlparse.Normalize(b)))
}

// tokenVec is a query's token counts and their Euclidean norm.
type tokenVec struct {
	counts map[string]float64
	norm   float64
}

// cosine is the cosine of the two count vectors, at most 1; 0 when either is
// empty.
func (a tokenVec) cosine(b tokenVec) float64 {
	if a.norm == 0 || b.norm == 0 {
		return 0
	}
	var dot float64
	for t, x := range a.counts {
		dot += x * b.counts[t]
	}
	return math.Min(1, dot/(a.norm*b.norm))
}

// tokenCountsOf counts the tokens of a normalised query, ignoring whitespace
// and comments.
func tokenCountsOf(norm string) tokenVec {
	toks, _ := sqlparse.Tokenize(norm)
	m := make(map[string]float64, len(toks))
	for _, t := range toks {
		s := strings.TrimSpace(t.Text)
		if s == "" || strings.HasPrefix(s, "--") || strings.HasPrefix(s, "/*") {
			continue
		}
		m[strings.ToLower(s)]++
	}
	var ss float64
	for _, x := range m {
		ss += x * x
	}
	return tokenVec{counts: m, norm: math.Sqrt(ss)}
}

// VESReward is BIRD's R-VES reward for one correct prediction
// (mini-dev evaluation_ves.py): the mean gold/predicted time ratio, after
// dropping ratios outside mean ± 3 standard deviations, bucketed into
// 1.25 (≥ 2), 1 (≥ 1), 0.75 (≥ 0.5), 0.5 (≥ 0.25) or 0.25; 0 when there are
// no ratios. BIRD's filter keeps nothing when all ratios are equal (its
// standard deviation is 0) and then fails; here they are all kept.
func VESReward(ratios []float64) float64 {
	r := meanClean(ratios)
	switch {
	case r <= 0 || math.IsNaN(r):
		return 0
	case r >= 2:
		return 1.25
	case r >= 1:
		return 1
	case r >= 0.5:
		return 0.75
	case r >= 0.25:
		return 0.5
	default:
		return 0.25
	}
}

// meanClean is clean_abnormal followed by the mean.
func meanClean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	std := math.Sqrt(ss / float64(len(xs)))
	if std == 0 {
		return mean
	}
	var kept, n float64
	for _, x := range xs {
		if x > mean-3*std && x < mean+3*std {
			kept += x
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return kept / n
}
