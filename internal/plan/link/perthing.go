package link

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
			if id := m.ID + "_per_" + dm.ID; l.metricIDs[id] {
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
