package link

import (
	"strings"

	"github.com/sqlforge/sqlforge/internal/ontology"
)

// adjectiveMeasures are superlatives that name what they measure: a price ("the cheapest
// tracks") or a length ("the longest tracks"), each lowest or highest first.
var adjectiveMeasures = map[string]struct {
	name string // a word of the measured metric's name
	desc bool
}{
	"cheapest": {"price", false}, "cheaper": {"price", false}, "cheap": {"price", false},
	"priciest": {"price", true}, "pricier": {"price", true}, "pricey": {"price", true},
	"dearest": {"price", true}, "costliest": {"price", true},
	"longest": {"length", true}, "shortest": {"length", false},
}

// measureCue is a superlative that names a measure, found in the question.
type measureCue struct {
	at   int    // its token
	name string // the word of the metric's name it asks for
	desc bool
}

// adjectiveWords reads "the cheapest tracks", "the most expensive products", "whose tracks are
// the longest" as the price or length metric, lowest or highest first, where no other metric
// is named: the ontology's metric with that word in its name that allows the breakdowns asked
// and whose names mention the thing measured ("tracks": average track price), else the first
// such metric. The thing's mention becomes the metric's.
func (l *Linker) adjectiveWords(ls *Links, used []bool) {
	cue, ok := findMeasureCue(ls, used)
	if !ok {
		return
	}
	if id, _ := l.cueMetric(ls, cue); id == "" {
		return
	}
	l.nounAsThing(ls, cue)
	named := ls.Metrics()
	if len(named) > 0 && !l.nameHas(named[0], cue.name) {
		return
	}
	id, thing := l.cueMetric(ls, cue)
	used[cue.at] = true
	if !ls.Direction || descWords[ls.toks[cue.at].text] || ascWords[ls.toks[cue.at].text] {
		ls.Desc, ls.Direction = cue.desc, true
	}
	if len(named) > 0 {
		return // "least expensive categories by average list price": the metric named
	}
	if thing >= 0 {
		m := ls.Mentions[thing]
		ls.Mentions[thing] = Mention{Kind: KindMetric, ID: id, Start: m.Start, End: m.End, Text: m.Text}
		return
	}
	ls.Mentions = append(ls.Mentions, Mention{Kind: KindMetric, ID: id, Start: cue.at, End: cue.at + 1, Text: ls.toks[cue.at].orig})
}

// findMeasureCue finds a measure superlative; "longest" may already have been read as a
// direction word, the others must be unread.
func findMeasureCue(ls *Links, used []bool) (measureCue, bool) {
	for i, t := range ls.toks {
		if a, ok := adjectiveMeasures[t.text]; ok && (!used[i] || a.name == "length") {
			return measureCue{at: i, name: a.name, desc: a.desc}, true
		}
		if t.text != "expensive" || used[i] {
			continue
		}
		c := measureCue{at: i, name: "price", desc: true}
		if i > 0 && (ls.toks[i-1].text == "least" || ls.toks[i-1].text == "less") {
			c.desc = false
		}
		if i > 0 && countWords[ls.toks[i-1].text] {
			used[i-1] = true
		}
		return c, true
	}
	return measureCue{}, false
}

// cueMetric picks the metric a cue asks for that allows the breakdowns asked, and the
// mention of the thing measured just after the cue (-1 when none names the metric).
func (l *Linker) cueMetric(ls *Links, cue measureCue) (string, int) {
	var by []*ontology.Dimension
	for _, dm := range ls.Mentions {
		if dm.By && dm.Kind == KindDimension && l.dims[dm.ID] != nil {
			by = append(by, l.dims[dm.ID])
		}
	}
	first := ""
	for i := range l.ont.Metrics {
		m := l.ont.Metrics[i]
		if !nameHasWord(m, cue.name) || !l.allows(&m, by) {
			continue // "the cheapest shipper" is no price of a shipper's
		}
		id := ontology.MetricID(m.Name)
		if first == "" {
			first = id
		}
		for k, dm := range ls.Mentions {
			if dm.Kind == KindDimension && !dm.By && near(dm, cue.at) && l.namesThing(m, dm.ID) {
				return id, k
			}
		}
	}
	return first, -1
}

// nameHas: the metric of that id has the word in its name.
func (l *Linker) nameHas(id, word string) bool {
	m := l.ont.MetricByID(id)
	return m != nil && nameHasWord(*m, word)
}

// nameHasWord: the metric's name holds the word ("Average Track Price": price).
func nameHasWord(m ontology.Metric, word string) bool {
	return strings.Contains(strings.ToLower(m.Name), word)
}

// namesThing: one of the metric's names holds a word of the dimension's names.
func (l *Linker) namesThing(m ontology.Metric, dim string) bool {
	for _, p := range append([]string{m.Name}, m.Synonyms...) {
		for _, w := range strings.Fields(stems(p)) {
			if w != "price" && w != "length" && w != "average" && l.nameWords[dim][w] {
				return true
			}
		}
	}
	return false
}

// near: the mention is the thing a cue at token at measures: just after it ("the cheapest
// tracks") or just before it ("tracks are the longest").
func near(m Mention, at int) bool {
	return m.Start > at && m.Start <= at+2 || m.End <= at && m.End >= at-3
}

// nounAsThing turns a count metric named by a bare noun next to the cue ("the shortest
// songs": songs, a name of the track count) back into the thing measured.
func (l *Linker) nounAsThing(ls *Links, cue measureCue) {
	for k, m := range ls.Mentions {
		if m.Kind != KindMetric || m.End-m.Start != 1 || !near(m, cue.at) {
			continue
		}
		if mm := l.ont.MetricByID(m.ID); mm == nil || mm.Unit != "count" {
			continue
		}
		for _, d := range l.ont.Dimensions {
			if l.nameWords[d.Name][ls.toks[m.Start].stem] && d.Grain == "" {
				ls.Mentions[k] = Mention{Kind: KindDimension, ID: d.Name, Start: m.Start, End: m.End, Text: m.Text}
				return
			}
		}
	}
}
