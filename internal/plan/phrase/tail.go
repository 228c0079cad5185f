package phrase

import (
	"strings"

	"github.com/sqlforge/sqlforge/internal/plan"
)

// rest is what every frame ends with: the modifiers, then the parts the frame did not render.
func (g *gen) rest() string { return g.mods() + g.tail() + g.also() }

// tail renders the order, limit, ties, rank and running parts a frame left out.
func (g *gen) tail() string {
	p := g.p
	var b strings.Builder
	if p.Rank && g.done&pRank == 0 {
		b.WriteString(g.pick(", with their rank", " and rank them", ", including a rank column", ", with rank numbers",
			", along with each one's rank", ", plus their ranking", ", with a ranking"))
	}
	if p.Running && g.done&pRunning == 0 {
		b.WriteString(g.pick(", with a running total", ", plus a cumulative total", " and the running total",
			", with the cumulative sum", ", with a cumulative column", " and a running sum"))
	}
	if g.done&pOrder == 0 || g.done&pLimit == 0 {
		b.WriteString(g.orderTail())
	}
	if p.Ties && g.done&pTies == 0 {
		b.WriteString(g.ties())
	}
	return b.String()
}

func (g *gen) ties() string {
	return g.pick(", including ties", " (ties included)", ", with ties", ", keeping ties", ", ties included",
		", counting ties", " and include any ties", ", with ties kept")
}

// orderTail renders the sort and the limit: ", sorted alphabetically", ", top 5 by revenue",
// ", first 10 rows".
func (g *gen) orderTail() string {
	o, k := g.p.Order, g.p.Limit
	switch {
	case o == nil && k == 0:
		return ""
	case o == nil:
		n := g.num(k)
		return g.pick(", first "+n+" rows", ", limited to "+n+" rows", " ("+n+" rows)", ", just "+n+" rows",
			", showing only "+n+" rows", ", limit "+n, ", "+n+" rows max", ", returning "+n+" rows")
	case o.By == plan.ByLabel:
		s := ", " + g.labelOrder(o.Desc)
		if k > 0 {
			n := g.num(k)
			s += g.pick(", first "+n+" only", ", just the first "+n, ", limited to "+n+" rows", " (first "+n+")",
				", showing "+n+" rows", ", only the first "+n)
		}
		return s
	}
	subj := g.orderSubject()
	if k > 0 {
		n := g.num(k)
		if o.Desc {
			return ", " + g.pick("top "+n+" by "+subj, "only the "+n+" highest by "+subj, "keeping the top "+n+" by "+subj,
				"limited to the "+n+" highest "+subj, "showing the "+n+" largest by "+subj, "just the top "+n+" by "+subj,
				"the "+n+" with the highest "+subj, "highest "+n+" by "+subj)
		}
		return ", " + g.pick("bottom "+n+" by "+subj, "only the "+n+" lowest by "+subj, "keeping the bottom "+n+" by "+subj,
			"limited to the "+n+" lowest "+subj, "showing the "+n+" smallest by "+subj, "just the bottom "+n+" by "+subj,
			"the "+n+" with the lowest "+subj, "lowest "+n+" by "+subj)
	}
	if o.Desc {
		return ", " + g.pick("sorted by "+subj+" descending", "highest "+subj+" first", "from highest to lowest "+subj,
			"in descending order of "+subj, "ordered by "+subj+", largest first", "sorted by "+subj+" from high to low",
			"with the highest "+subj+" at the top", "largest "+subj+" first")
	}
	return ", " + g.pick("sorted by "+subj+" ascending", "lowest "+subj+" first", "from lowest to highest "+subj,
		"in ascending order of "+subj, "ordered by "+subj+", smallest first", "sorted by "+subj+" from low to high",
		"with the lowest "+subj+" at the top", "smallest "+subj+" first")
}

// orderSubject is what a measure order sorts by: the measure, its share, its growth or its
// value in the current period of a comparison.
func (g *gen) orderSubject() string {
	id := g.p.Measures[0]
	if o := g.p.Order; o != nil && o.By != "" && o.By != plan.ByLabel {
		id = o.By
	}
	f := g.form(id)
	switch c := g.p.Compare; {
	case g.p.Share != nil:
		return g.pick("share", "percentage", "share of "+f, f+" share")
	case c != nil && c.Growth:
		return g.pick("growth", f+" growth", "% change in "+f, "growth in "+f)
	case c != nil:
		return f + " in " + g.periodNP(c.Current)
	}
	return f
}

// labelOrder sorts by the group labels: "in alphabetical order", "oldest first".
func (g *gen) labelOrder(desc bool) string {
	var d *dimWords
	if gs := g.groups(); len(gs) > 0 {
		d = g.v.dim(gs[0].Dim)
	} else {
		d = &dimWords{sing: []string{"label"}, plural: []string{"labels"}}
	}
	n, _ := g.noun(d)
	if d.grain != "" {
		if desc {
			return g.pick("most recent first", "latest first", "newest first", "in reverse chronological order",
				"from latest to earliest", "sorted by "+n+" descending")
		}
		return g.pick("in chronological order", "oldest first", "earliest first", "in time order",
			"from earliest to latest", "sorted by "+n)
	}
	if desc {
		return g.pick("in reverse alphabetical order", "Z to A", "sorted by "+n+" descending", "ordered by "+n+", Z-A",
			"reverse-sorted by "+n, "sorted by "+n+" in descending order")
	}
	return g.pick("sorted alphabetically", "in alphabetical order", "ordered by "+n, "A to Z",
		"alphabetically by "+n, "sorted by "+n+", A-Z", "in order of "+n, "sorted by "+n)
}
