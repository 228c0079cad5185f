package link

import (
	"strings"

	"github.com/sqlforge/sqlforge/internal/ontology"
)

// cheapWords and dearWords are price superlatives: the lowest or highest price.
var (
	cheapWords = setOf(`cheapest cheaper cheap`)
	dearWords  = setOf(`priciest pricier pricey dearest costliest`)
)

// priceWords reads "the cheapest tracks", "the most expensive products" as a price metric,
// lowest or highest first, where no metric is named: the ontology's price metric whose names
// mention the thing priced ("tracks": average track price), else its first price metric. The
// thing's mention becomes the metric's.
func (l *Linker) priceWords(ls *Links, used []bool) {
	named := ls.Metrics()
	if len(named) > 0 && !l.priceNamed(named[0]) {
		return
	}
	at, desc := priceCue(ls, used)
	if at < 0 {
		return
	}
	id, thing := l.priceMetric(ls, at)
	if id == "" {
		return
	}
	used[at] = true
	if !ls.Direction {
		ls.Desc, ls.Direction = desc, true
	}
	if len(named) > 0 {
		return // "least expensive categories by average list price": the metric named
	}
	if thing >= 0 {
		m := ls.Mentions[thing]
		ls.Mentions[thing] = Mention{Kind: KindMetric, ID: id, Start: m.Start, End: m.End, Text: m.Text}
		return
	}
	ls.Mentions = append(ls.Mentions, Mention{Kind: KindMetric, ID: id, Start: at, End: at + 1, Text: ls.toks[at].orig})
}

// priceCue finds a price superlative's token and its direction (-1 when there is none).
func priceCue(ls *Links, used []bool) (int, bool) {
	for i, t := range ls.toks {
		switch {
		case used[i]:
		case cheapWords[t.text]:
			return i, false
		case dearWords[t.text]:
			return i, true
		case t.text == "expensive" && i > 0 && (ls.toks[i-1].text == "least" || ls.toks[i-1].text == "less"):
			used[i-1] = true
			return i, false
		case t.text == "expensive":
			if i > 0 && (ls.toks[i-1].text == "most" || ls.toks[i-1].text == "more") {
				used[i-1] = true
			}
			return i, true
		}
	}
	return -1, false
}

// priceMetric picks the price metric for a cue at token at that allows the breakdowns asked,
// and the mention of the thing priced just after it (-1 when none names a price metric).
func (l *Linker) priceMetric(ls *Links, at int) (string, int) {
	var by []*ontology.Dimension
	for _, dm := range ls.Mentions {
		if dm.By && dm.Kind == KindDimension && l.dims[dm.ID] != nil {
			by = append(by, l.dims[dm.ID])
		}
	}
	first := ""
	for i := range l.ont.Metrics {
		m := l.ont.Metrics[i]
		if !priceName(m) || !l.allows(&m, by) {
			continue // "the cheapest shipper" is no price of a shipper's
		}
		id := ontology.MetricID(m.Name)
		if first == "" {
			first = id
		}
		for k, dm := range ls.Mentions {
			if dm.Kind == KindDimension && !dm.By && dm.Start > at && dm.Start <= at+2 && l.namesThing(m, dm.ID) {
				return id, k
			}
		}
	}
	return first, -1
}

// priceNamed: the metric of that id is a price metric.
func (l *Linker) priceNamed(id string) bool {
	for _, m := range l.ont.Metrics {
		if ontology.MetricID(m.Name) == id {
			return priceName(m)
		}
	}
	return false
}

// priceName: a metric named or also called a price ("Average Track Price").
func priceName(m ontology.Metric) bool {
	return strings.Contains(strings.ToLower(m.Name), "price")
}

// namesThing: one of the metric's names holds a word of the dimension's names.
func (l *Linker) namesThing(m ontology.Metric, dim string) bool {
	for _, p := range append([]string{m.Name}, m.Synonyms...) {
		for _, w := range strings.Fields(stems(p)) {
			if w != "price" && w != "average" && l.nameWords[dim][w] {
				return true
			}
		}
	}
	return false
}
