package knn

import (
	"math"
	"math/bits"
	"regexp"
	"sort"

	"github.com/sqlforge/sqlforge/internal/prompt"
)

// cues are the shape a question asks for, read from its wording: a single value, a value
// per group, the top N, a series by month or year, a change, a comparison with a threshold
// or the mean, bands, shares, and which kinds of values (years, dates, months, quarters,
// numbers) it states. BM25 matches words and weighs rare ones (a country, a metric's
// name) far above the small words that say the shape ("how many", "by", "top"), so it
// often returns the right metric in the wrong shape; cues rerank its hits.
type cues uint32

const (
	cueGrouped cues = 1 << iota
	cueTop
	cueBottom
	cueMonthly
	cueQuarterly
	cueYearly
	cueChange
	cueThreshold
	cueMean
	cueBand
	cueShare
	cueRank
	cueCount
	cueList
	cueYear
	cueDate
	cueMonth
	cueQuarter
	cueNumber
	cueBetweenYears
)

var cueREs = []struct {
	cue cues
	re  *regexp.Regexp
}{
	{cueGrouped, regexp.MustCompile(`(?i)\b(by|per|each|every|grouped|breakdown|break down|split)\b`)},
	{cueTop, regexp.MustCompile(`(?i)\b(top|most|highest|best|leading|largest|biggest|greatest)\b`)},
	{cueBottom, regexp.MustCompile(`(?i)\b(least|lowest|worst|weakest|smallest|bottom|fewest)\b`)},
	{cueMonthly, regexp.MustCompile(`(?i)\b(month|monthly|months)\b`)},
	{cueQuarterly, regexp.MustCompile(`(?i)\b(quarterly|each quarter|per quarter|by quarter)\b`)},
	{cueYearly, regexp.MustCompile(`(?i)\b(yearly|annually|each year|per year|by year|year by year|every year|year over year)\b`)},
	{cueChange, regexp.MustCompile(`(?i)\b(change|changed|move|moved|growth|grow|grew|trend|previous|compared?|versus|vs)\b`)},
	{cueThreshold, regexp.MustCompile(`(?i)\b(more than|less than|over|under|above|below|at least|at most|exceed\w*|greater than|fewer than)\s+\$?\d`)},
	{cueMean, regexp.MustCompile(`(?i)\b(above|below) (the )?(mean|average)\b|\b(above|below)[- ]average\b`)},
	{cueBand, regexp.MustCompile(`(?i)\bbands?\b`)},
	{cueShare, regexp.MustCompile(`(?i)\b(share|percentage of|percent of|proportion|contribution)\b`)},
	{cueRank, regexp.MustCompile(`(?i)\b(rank|ranked|ranking)\b`)},
	{cueCount, regexp.MustCompile(`(?i)\b(how many|number of|count)\b`)},
	{cueList, regexp.MustCompile(`(?i)^\s*(list|show|which|what are|give me the list)\b`)},
	{cueBetweenYears, regexp.MustCompile(`\b(19|20)\d{2}\b.*\b(and|to|through|vs|versus)\b.*\b(19|20)\d{2}\b`)},
}

// shapeCues reads the cues of question.
func shapeCues(question string) cues {
	var c cues
	for _, r := range cueREs {
		if r.re.MatchString(question) {
			c |= r.cue
		}
	}
	v := extractValues(question)
	for _, k := range []struct {
		vals []string
		cue  cues
	}{{v.years, cueYear}, {v.dates, cueDate}, {v.months, cueMonth}, {v.quarters, cueQuarter}, {v.numbers, cueNumber}} {
		if len(k.vals) > 0 {
			c |= k.cue
		}
	}
	return c
}

// cueWeights are the costs of a mismatch of each cue in the shape distance: the cues that
// change the query's structure (grouping, series, a year filter) weigh most.
var cueWeights = map[cues]float64{
	cueGrouped: 1, cueTop: 0.6, cueBottom: 0.6, cueMonthly: 1, cueQuarterly: 1, cueYearly: 1, cueChange: 0.8,
	cueThreshold: 0.8, cueMean: 1, cueBand: 1, cueShare: 0.6, cueRank: 0.6, cueCount: 0.4, cueList: 0.2,
	cueYear: 1, cueDate: 0.8, cueMonth: 0.8, cueQuarter: 0.8, cueNumber: 0.3, cueBetweenYears: 0.8,
}

// shapeDistance is the weighted number of cues one of a and b has and the other lacks.
func shapeDistance(a, b cues) float64 {
	d := 0.0
	for x := a ^ b; x != 0; x &= x - 1 {
		d += cueWeights[cues(1)<<bits.TrailingZeros32(uint32(x))]
	}
	return d
}

// shapePenalty is how much each unit of shape distance discounts a BM25 score.
const shapePenalty = 0.8

// rerank orders hits by BM25 score × exp(−shapePenalty × shape distance between their
// question and question), sets each Score to that product, and keeps the best k. known
// holds the cues of the indexed questions by position.
func rerank(question string, hits []prompt.Hit, known []cues, k int) []prompt.Hit {
	want := shapeCues(question)
	out := append([]prompt.Hit(nil), hits...)
	for i := range out {
		var c cues
		if p := out[i].Pos; p >= 0 && p < len(known) {
			c = known[p]
		} else {
			c = shapeCues(out[i].Example.Question)
		}
		out[i].Score *= math.Exp(-shapePenalty * shapeDistance(want, c))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(out) > k {
		out = out[:k]
	}
	return out
}
