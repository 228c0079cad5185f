package knn

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sqlforge/sqlforge/internal/prompt"
)

// rankCandidates orders tried candidates: executing with rows first, then empty results,
// then failures; within each, fewer stale and unused values first, then retrieval rank.
func rankCandidates(tried []candidate) []candidate {
	out := append([]candidate(nil), tried...)
	class := func(c candidate) int {
		switch c.outcome {
		case "rows":
			return 0
		case "empty":
			return 1
		}
		return 2
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if class(a) != class(b) {
			return class(a) < class(b)
		}
		if pa, pb := a.adapted.stale+a.adapted.unused, b.adapted.stale+b.adapted.unused; pa != pb {
			return pa < pb
		}
		return a.rank < b.rank
	})
	return out
}

// confidence is the knn's confidence in c, in (0, 1):
//
//	0.35 + 0.45 × margin, where margin = (s₁ − s₂) / s₁ of the two best BM25 scores (1 with one hit)
//	× 1 when it returned rows, 0.5 when empty, 0.1 when it failed
//	× 0.6 per stale or unused value (a value of one question the other does not match)
//	× 0.8 when c is not the best-scored candidate
//
// and clamped to [0.01, 0.99].
func confidence(c candidate, hits []prompt.Hit) float64 {
	margin := 1.0
	if len(hits) > 1 && hits[0].Score > 0 {
		margin = (hits[0].Score - hits[1].Score) / hits[0].Score
	}
	conf := 0.35 + 0.45*margin
	switch {
	case c.outcome == "empty":
		conf *= 0.5
	case c.outcome != "rows":
		conf *= 0.1
	}
	for i := 0; i < c.adapted.stale+c.adapted.unused; i++ {
		conf *= 0.6
	}
	if c.rank > 0 {
		conf *= 0.8
	}
	return min(0.99, max(0.01, conf))
}

// answer writes c in the seed's format: reasoning, "###final_sql_query:", SQL.
func answer(c candidate, conf float64) string {
	var b strings.Builder
	if c.hit.Pos < 0 {
		fmt.Fprintf(&b, "Refined the previous query %q", c.hit.Example.Question)
	} else {
		fmt.Fprintf(&b, "Nearest training question: %q (BM25 %.2f)", c.hit.Example.Question, c.hit.Score)
	}
	if len(c.adapted.subs) > 0 {
		parts := make([]string, len(c.adapted.subs))
		for i, s := range c.adapted.subs {
			parts[i] = s.Old + " → " + s.New
		}
		fmt.Fprintf(&b, "; substituted %s", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, "; check: %s; confidence %.2f.", c.outcome, conf)
	return prompt.Assistant(prompt.Example{SQL: c.adapted.sql, Reasoning: b.String()}, true)
}
