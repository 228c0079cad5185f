package link

import (
	"slices"

	"github.com/sqlforge/sqlforge/internal/ontology"
)

// Speed words ask about a duration: "which carrier was slowest", "the fastest rep to ship".
var (
	slowWords = setOf(`slow slower slowest slowly`)
	fastWords = setOf(`fast faster fastest quick quicker quickest quickly speedy speediest`)
)

// findSpeed reads a speed word as the ontology's duration metric (unit days), sorted slowest
// (longest) or fastest (shortest) first: the count of the things timed ("slowest to ship
// orders") gives way to it. Nothing happens where the ontology has no single such metric that
// fits the question's breakdowns.
func (l *Linker) findSpeed(ls *Links, used []bool) {
	for i, t := range ls.toks {
		if used[i] || !slowWords[t.text] && !fastWords[t.text] {
			continue
		}
		if sellingAfter(ls.toks, i) {
			used[i] = true // "the slowest-selling products": the fewest sold
			if !ls.Direction {
				ls.Desc, ls.Direction = fastWords[t.text], true
			}
			continue
		}
		id := l.durationMetric(ls)
		if id == "" {
			return
		}
		used[i] = true
		if !ls.Direction {
			ls.Desc, ls.Direction = slowWords[t.text], true
		}
		for k := range ls.Mentions {
			m := &ls.Mentions[k]
			if m.Kind != KindMetric {
				continue
			}
			if mt := l.ont.MetricByID(m.ID); mt != nil && mt.Unit == "count" {
				m.ID = id // "slowest to get orders out": the orders' time, not their number
				return
			}
			return // a metric of its own is named: the speed word only sorts
		}
		at, _ := slices.BinarySearchFunc(ls.Mentions, i, func(m Mention, i int) int { return m.Start - i })
		ls.Mentions = slices.Insert(ls.Mentions, at, Mention{Kind: KindMetric, ID: id, Start: i, End: i + 1, Text: t.orig})
		return
	}
}

// sellingAfter: a selling word follows token i ("fastest selling", "slowest sellers").
func sellingAfter(toks []token, i int) bool {
	return i+1 < len(toks) && sellWords[toks[i+1].text]
}

// durationMetric is the one metric measured in days that allows every dimension the question
// names ("" when there is none, or more than one).
func (l *Linker) durationMetric(ls *Links) string {
	found := ""
	for _, m := range l.ont.Metrics {
		if m.Descriptive || m.Unit != "days" {
			continue
		}
		fits := true
		for _, x := range ls.Mentions {
			if x.Kind == KindDimension && !slices.Contains(m.Dimensions, x.ID) {
				fits = false
			}
		}
		if !fits {
			continue
		}
		if found != "" {
			return ""
		}
		found = ontology.MetricID(m.Name)
	}
	return found
}

// purchaseWords are the customer's side of a sale.
var purchaseWords = setOf(`bought buy buys buying purchased purchase purchasing`)

// countedBeforeThreshold: the only metric is the count "how many <things>" named, and a
// threshold follows ("how many customers bought more than 30 tracks"): the things after the
// threshold may still be the ones sold.
func countedBeforeThreshold(ls *Links) bool {
	return ls.Having != nil && ls.howManyMetric >= 0 && len(ls.Metrics()) == 1 &&
		ls.Mentions[ls.howManyMetric].End <= ls.thr.from
}

// soldThings: "which customers bought the most tracks" counts tracks sold. Where no metric is
// named and a selling or buying verb is, a thing not broken down by whose "<things> sold" is a
// metric of the ontology is that metric.
func (l *Linker) soldThings(ls *Links) {
	if len(ls.Metrics()) > 0 && !countedBeforeThreshold(ls) {
		return
	}
	verb := selling(ls.toks)
	for _, t := range ls.toks {
		verb = verb || purchaseWords[t.text]
	}
	if !verb {
		return
	}
	for k := range ls.Mentions {
		m := &ls.Mentions[k]
		if m.Kind != KindDimension || m.By || len(ls.Metrics()) > 0 && (ls.Having == nil || m.Start != ls.thr.to) {
			continue
		}
		probe := append(append([]token(nil), ls.toks[m.Start:m.End]...), newToken("sold", 0))
		if n, es := l.lex.lookup(probe, make([]bool, len(probe)), 0, false); n == len(probe) && topKind(es) == KindMetric {
			*m = Mention{Kind: KindMetric, ID: es[0].id, Start: m.Start, End: m.End, Text: m.Text}
			return
		}
	}
}
