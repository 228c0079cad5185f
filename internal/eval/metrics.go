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
func ScoreText(gold, pred string) TextMetrics { return scoreText(gold, pred, true) }

// scoreText is ScoreText, leaving ESM out when esm is false.
func scoreText(gold, pred string, esm bool) TextMetrics {
	var m TextMetrics
	ng, np := sqlparse.Normalize(gold), sqlparse.Normalize(pred)
	m.EM = ng != "" && ng == np
	if !esm {
		// scored elsewhere
	} else if gc, err := sqlparse.ParseComponents(gold); err == nil {
		ok := false
		if pc, err := sqlparse.ParseComponents(pred); err == nil {
			ok = gc.ExactMatch(pc)
		}
		m.ESM = &ok
	}
	if h, err := sqlparse.Hardness(gold); err == nil {
		m.Hardness = h
	}
	m.Sim = Similarity(gold, pred)
	return m
}

// Similarity is the deterministic local similarity of two queries: the cosine
// of their token-count vectors, tokens taken from the normalised text
// (keywords and identifiers in lower case, literals as written). Two empty
// queries are 0 apart from each other: nothing was predicted.
func Similarity(a, b string) float64 {
	va, vb := tokenCounts(a), tokenCounts(b)
	var dot, na, nb float64
	for t, x := range va {
		na += x * x
		dot += x * vb[t]
	}
	for _, y := range vb {
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	s := dot / (math.Sqrt(na) * math.Sqrt(nb))
	return math.Min(1, s)
}

// tokenCounts counts the tokens of the normalised query, ignoring whitespace
// and comments.
func tokenCounts(sql string) map[string]float64 {
	toks, _ := sqlparse.Tokenize(sqlparse.Normalize(sql))
	m := make(map[string]float64, len(toks))
	for _, t := range toks {
		s := strings.TrimSpace(t.Text)
		if s == "" || strings.HasPrefix(s, "--") || strings.HasPrefix(s, "/*") {
			continue
		}
		m[strings.ToLower(s)]++
	}
	return m
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
