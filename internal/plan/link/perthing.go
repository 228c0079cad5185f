package link

import (
	"strings"

	"github.com/sqlforge/sqlforge/internal/ontology"
)

// averageWords introduce "the average <thing>" ("what does the average customer spend").
var averageWords = setOf(`average avg typical mean`)

// perThing reads "the average <thing> <metric>" as the metric per thing where the ontology has
// one named so: "what does the average Canadian customer spend" is revenue per customer, "the
// typical employee's revenue" revenue per employee. Values and determiners may stand between
// the average word and the thing; the thing's mention is folded into the metric.
func (l *Linker) perThing(ls *Links, used []bool) {
	for d := range ls.Mentions {
		dm := ls.Mentions[d]
		if dm.Kind != KindDimension || dm.By {
			continue
		}
		at := l.averageBefore(ls, dm.Start)
		if at < 0 {
			continue
		}
		for k := range ls.Mentions {
			m := &ls.Mentions[k]
			if m.Kind != KindMetric {
				continue
			}
			if id := l.perMetric(m.ID, dm.ID); id != "" {
				m.ID = id
				used[at] = true
				ls.Mentions = append(ls.Mentions[:d], ls.Mentions[d+1:]...)
				return
			}
		}
	}
}

// averageBefore returns the token of an average word before token i, over determiners and
// the words of value mentions ("the average Canadian customer"), or -1.
func (l *Linker) averageBefore(ls *Links, i int) int {
	for j := i - 1; j >= 0; j-- {
		t := ls.toks[j].text
		switch {
		case averageWords[t]:
			return j
		case skipWords[t] || t == "a" || t == "an" || inValue(ls, j):
			continue
		}
		return -1
	}
	return -1
}

// inValue reports token j inside a value mention.
func inValue(ls *Links, j int) bool {
	for _, m := range ls.Mentions {
		if m.Kind == KindValue && m.Start <= j && j < m.End {
			return true
		}
	}
	return false
}

// perMetric is the metric of the amount per thing ("revenue" per "customer": revenue per
// customer; "order count" per "customer": orders per customer), "" when there is none.
func (l *Linker) perMetric(metric, dim string) string {
	if id := metric + "_per_" + dim; l.metricIDs[id] {
		return id
	}
	return l.perOf[[2]string{metric, dim}]
}

// perMetrics maps (metric, dimension) to each "A per B" metric whose A names the metric and
// B the dimension ("Orders per Customer": order count, customer).
func perMetrics(ont *ontology.Ontology, lx *lexicon) map[[2]string]string {
	out := map[[2]string]string{}
	for _, m := range ont.Metrics {
		a, b, ok := strings.Cut(strings.ToLower(m.Name), " per ")
		if !ok {
			continue
		}
		var metric, dim string
		for _, e := range lx.phrases[stems(a)] {
			if e.kind == KindMetric && metric == "" {
				metric = e.id
			}
		}
		for _, e := range lx.phrases[stems(b)] {
			if e.kind == KindDimension && dim == "" {
				dim = e.id
			}
		}
		if metric != "" && dim != "" {
			out[[2]string{metric, dim}] = ontology.MetricID(m.Name)
		}
	}
	return out
}
