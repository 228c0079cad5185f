package eval

import (
	"math"
	"sort"

	"github.com/sqlforge/sqlforge/internal/dataset"
)

// HardnessOrder lists Spider's hardness classes in increasing order.
var HardnessOrder = []string{"easy", "medium", "hard", "extra"}

// Summarize aggregates item results.
func Summarize(items []ItemResult) Summary {
	s := Summary{Items: len(items), Errors: map[string]int{}}
	var ex, sub, esmN, esm, valid, f1, ves, sim, exj float64
	var vesN int
	var lat []float64
	for _, it := range items {
		m := it.Metrics
		if it.Status == StatusBrokenGold {
			s.BrokenGold++
		}
		if m.EM {
			s.EM++
		}
		if m.ESM != nil {
			esmN++
			if *m.ESM {
				esm++
			}
		}
		if m.Valid {
			valid++
		}
		sim += m.Sim
		if m.EX != nil {
			s.Scored++
			if *m.EX {
				ex++
				exj++
			}
			if m.Subset != nil && *m.Subset {
				sub++
			} else if m.Subset == nil && *m.EX {
				sub++
			}
			if m.F1 != nil {
				f1 += *m.F1
			}
			if m.VES != nil {
				vesN++
				ves += *m.VES
			}
		}
		if m.Judge != nil {
			s.JudgeCalls++
			if *m.Judge {
				s.JudgeEquivalent++
				exj++
			}
		} else if it.JudgeError != "" {
			s.JudgeCalls++
		}
		if it.ErrorClass != "" && it.Status != StatusCorrect {
			s.Errors[it.ErrorClass]++
		}
		if it.LatencyMS > 0 {
			lat = append(lat, it.LatencyMS)
		}
		s.PromptTokens += it.PromptTokens
		s.CompletionTokens += it.CompletionTokens
	}
	n := float64(len(items))
	s.EM = frac(float64(s.EM), n)
	s.Valid = frac(valid, n)
	s.Sim = frac(sim, n)
	s.ESM = frac(esm, esmN)
	sc := float64(s.Scored)
	s.EX, s.Subset, s.F1 = frac(ex, sc), frac(sub, sc), frac(f1, sc)
	if vesN > 0 {
		s.RVES, s.VESItems = round(100*ves/float64(vesN), 2), vesN
	}
	if s.JudgeCalls > 0 {
		s.EXWithJudge = frac(exj, sc)
	}
	s.LatencyMS = latency(lat)
	return s
}

// ByHardness summarises the items of each hardness class present, in
// HardnessOrder, then any other class ("" as "unknown").
func ByHardness(items []ItemResult) []HardnessSummary {
	groups := map[string][]ItemResult{}
	for _, it := range items {
		h := it.Hardness
		if h == "" {
			h = "unknown"
		}
		groups[h] = append(groups[h], it)
	}
	var out []HardnessSummary
	for _, h := range HardnessOrder {
		if g, ok := groups[h]; ok {
			out = append(out, HardnessSummary{Hardness: h, Summary: Summarize(g)})
			delete(groups, h)
		}
	}
	var rest []string
	for h := range groups {
		rest = append(rest, h)
	}
	sort.Strings(rest)
	for _, h := range rest {
		out = append(out, HardnessSummary{Hardness: h, Summary: Summarize(groups[h])})
	}
	return out
}

// ByDifficulty summarises the items of each BIRD difficulty class present,
// in dataset.BIRDDifficulties order; nil when no item has a difficulty.
func ByDifficulty(items []ItemResult) []DifficultySummary {
	groups := map[string][]ItemResult{}
	for _, it := range items {
		if it.Difficulty != "" {
			groups[it.Difficulty] = append(groups[it.Difficulty], it)
		}
	}
	var out []DifficultySummary
	for _, d := range dataset.BIRDDifficulties {
		if g, ok := groups[d]; ok {
			out = append(out, DifficultySummary{Difficulty: d, Summary: Summarize(g)})
		}
	}
	return out
}

func latency(xs []float64) Latency {
	if len(xs) == 0 {
		return Latency{}
	}
	sort.Float64s(xs)
	var sum float64
	for _, x := range xs {
		sum += x
	}
	q := func(p float64) float64 { return xs[int(math.Ceil(p*float64(len(xs))))-1] }
	return Latency{Mean: round(sum/float64(len(xs)), 1), P50: q(0.5), P95: q(0.95), Max: xs[len(xs)-1]}
}

func frac(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return round(a/b, 4)
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}
