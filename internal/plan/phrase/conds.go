package phrase

import (
	"strings"

	"github.com/sqlforge/sqlforge/internal/plan"
)

// groups are the plan's breakdowns, less Per (rendered by the per frames).
func (g *gen) groups() []plan.Group { return g.p.GroupBy }

// noun picks one of a dimension's nouns, singular and plural.
func (g *gen) noun(d *dimWords) (string, string) {
	i := g.r.IntN(len(d.sing))
	return d.sing[i], d.plural[i]
}

// gn is the breakdown as a singular noun: "product", "product ID", "country and category".
func (g *gen) gn() string {
	var xs []string
	for _, gr := range g.groups() {
		n, _ := g.noun(g.v.dim(gr.Dim))
		switch gr.Show {
		case "id":
			n += g.pick(" ID", " ID", " id")
		case "both":
			n = g.pick(n+" ID and name", n+" (ID and name)", n+", with its ID,", n+" name and ID")
		}
		xs = append(xs, n)
	}
	return joinAnd(xs, "and")
}

// gns is the breakdown as a plural noun: "products", "products with their IDs",
// "combinations of country and category".
func (g *gen) gns() string {
	gs := g.groups()
	if len(gs) > 1 {
		x := g.gn()
		return g.pick("combinations of "+x, x+" combinations", x+" groups", "groups of "+x)
	}
	if len(gs) == 0 {
		return "groups"
	}
	n, pl := g.noun(g.v.dim(gs[0].Dim))
	switch gs[0].Show {
	case "id":
		return n + g.pick(" IDs", " IDs", " ids")
	case "both":
		return g.pick(pl+" with their IDs", n+" IDs and names", pl+" (ID and name)", pl+", with IDs,")
	}
	return pl
}

// by renders the breakdown: "by category", "per month", "for each year", "month by month".
func (g *gen) by() string {
	gs := g.groups()
	if len(gs) == 1 && gs[0].Show == "" && g.chance(0.75) {
		if s := g.grainBy(g.v.dim(gs[0].Dim)); s != "" {
			return s
		}
	}
	x := g.gn()
	if len(gs) == 1 {
		return g.pick("by ", "by ", "per ", "for each ", "broken down by ", "split by ", "for every ", "grouped by ") + x
	}
	return g.pick("by ", "per ", "for each ", "broken down by ", "split by ", "grouped by ") + x
}

// mods renders filters, segments, the threshold and the window as modifiers, each once, in a
// random order: " for Germany, late shipments only, in 2023".
func (g *gen) mods() string {
	var ms []string
	for _, f := range g.p.Filters {
		ms = append(ms, g.filterMod(f))
	}
	for _, s := range g.p.Segments {
		ms = append(ms, g.segMod(s))
	}
	if g.p.Having != nil && g.done&pHaving == 0 {
		ms = append(ms, g.havingMod())
	}
	if g.p.Time != nil {
		ms = append(ms, g.windowMod(g.p.Time))
	}
	g.r.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
	var b strings.Builder
	for i, m := range ms {
		if i > 0 && g.chance(0.5) {
			b.WriteString(",")
		}
		b.WriteString(" " + m)
	}
	return b.String()
}

// value renders a filter value as written, sometimes lower-cased; calendar values as periods.
func (g *gen) value(d *dimWords, v string) string {
	if s, ok := g.timeValue(d, v); ok {
		return s
	}
	if d.kind != "person" && d.kind != "flag" && g.chance(0.2) {
		return strings.ToLower(v)
	}
	return v
}

func (g *gen) values(d *dimWords, vs []string, conj string) string {
	var xs []string
	for _, v := range vs {
		xs = append(xs, g.value(d, v))
	}
	return joinAnd(xs, conj)
}

// filterMod renders one filter: "in Germany", "for the Beverages category", "excluding
// Beverages", "in France or Brazil", "in 2022".
func (g *gen) filterMod(f plan.Filter) string {
	d := g.v.dim(f.Dim)
	dn, dpl := g.noun(d)
	geo, timed := d.kind == "geography", d.grain != ""
	switch f.Op {
	case plan.OpNotEq:
		v := g.values(d, f.Values, "or")
		xs := []string{"excluding " + v, "other than " + v, "except " + v, "except for " + v, "leaving out " + v,
			"not counting " + v, "apart from " + v}
		if !timed {
			xs = append(xs, "where "+dn+" is not "+v, "for all "+dpl+" except "+v, "with "+dn+" other than "+v)
		}
		if geo {
			xs = append(xs, "outside "+v)
		}
		return g.pick(xs...)
	case plan.OpIn:
		or, and := g.values(d, f.Values, "or"), g.values(d, f.Values, "and")
		xs := []string{"for " + or, "for " + and, "limited to " + and, and + " only", "restricted to " + and,
			"covering " + and}
		if timed {
			xs = append(xs, "in "+or, "during "+and)
		} else {
			xs = append(xs, "where "+dn+" is "+or, "for "+dpl+" "+and, "with "+dn+" in ("+strings.Join(f.Values, ", ")+")")
		}
		if geo {
			xs = append(xs, "in "+or, "in "+or)
		}
		return g.pick(xs...)
	}
	if _, err := plan.ParsePeriod(f.Values[0]); err == nil && timed && g.chance(0.5) {
		return g.singleMod(f.Values[0])
	}
	v := g.value(d, f.Values[0])
	if timed {
		return g.pick("in ", "during ", "for ", "only for ", "limited to ", "restricted to ") + v
	}
	xs := []string{"for " + v, "for " + dn + " " + v, "where the " + dn + " is " + v, "with " + dn + " " + v,
		"limited to " + v, "only for " + v, "restricted to " + dn + " " + v, "where " + dn + " = " + v}
	switch d.kind {
	case "geography":
		xs = append(xs, "in "+v, "in "+v, "in "+v)
	case "category", "product", "organisation":
		xs = append(xs, "for the "+v+" "+dn, "for the "+v+" "+dn)
	}
	return g.pick(xs...)
}

// segMod renders a segment filter: "for late shipments only", "counting only delayed orders".
func (g *gen) segMod(id string) string {
	np := g.pick(g.v.seg(id).nps...)
	return g.pick("for "+np+" only", "only for "+np, "restricted to "+np, "limited to "+np, "counting only "+np,
		"considering only "+np, "looking only at "+np, "among "+np, "just "+np, "for "+np)
}

var opPrep = map[string][]string{
	">":  {"over", "above", "of more than", "greater than", "exceeding", "higher than", "in excess of"},
	">=": {"of at least", "at or above", "no less than", "of at least"},
	"<":  {"below", "under", "of less than", "lower than", "beneath"},
	"<=": {"of at most", "at or below", "no more than", "not exceeding", "up to"},
}

var opVerb = map[string][]string{
	">":  {"exceeds", "is over", "is above", "tops", "is more than", "is greater than"},
	">=": {"is at least", "reaches at least", "is no less than", "is at or above"},
	"<":  {"is below", "is under", "is less than", "falls below", "is lower than"},
	"<=": {"is at most", "does not exceed", "is no more than", "is at or below"},
}

var opAmount = map[string][]string{
	">": {"more than", "over"}, ">=": {"at least"}, "<": {"less than", "under"}, "<=": {"at most", "no more than"},
}

// threshold pieces: the metric, the value and the three ways of saying the comparison.
func (g *gen) threshold() (hm, prep, verb, amt string) {
	h := g.p.Having
	w := g.v.metric(h.Measure)
	hm = g.form(h.Measure)
	val := g.number(h.Value, w.unit)
	prep = hm + " " + g.pick(opPrep[h.Op]...) + " " + val
	verb = hm + " " + g.pick(opVerb[h.Op]...) + " " + val
	amt = prep
	switch {
	case w.count != "" && w.unit == "count":
		amt = g.pick(opAmount[h.Op]...) + " " + val + " " + w.count
	case g.amount(h.Measure, hm):
		amt = g.pick(opAmount[h.Op]...) + " " + val + " in " + hm
	}
	return hm, prep, verb, amt
}

// havingMod renders the threshold as a modifier: "among customers with revenue over 10,000".
func (g *gen) havingMod() string {
	_, prep, verb, amt := g.threshold()
	gs := g.gns()
	return g.pick("among "+gs+" with "+prep, "counting only "+gs+" whose "+verb, "for "+gs+" with "+amt,
		"where "+verb, "with "+prep, "for "+gs+" that had "+prep, "having "+prep, "restricted to "+gs+" with "+prep,
		"keeping only "+gs+" whose "+verb, "limited to "+gs+" with "+amt)
}

// subset renders a share's subset as a noun phrase: "Beverages", "late shipments",
// "categories other than Beverages".
func (g *gen) subset() string {
	sh := g.p.Share
	var xs []string
	for _, f := range sh.Filters {
		d := g.v.dim(f.Dim)
		dn, dpl := g.noun(d)
		switch f.Op {
		case plan.OpNotEq:
			v := g.values(d, f.Values, "or")
			xs = append(xs, g.pick(dpl+" other than "+v, "everything except "+v, "all "+dpl+" except "+v))
		case plan.OpIn:
			xs = append(xs, g.pick(g.values(d, f.Values, "and"), dpl+" "+g.values(d, f.Values, "and"),
				g.values(d, f.Values, "and")+" combined"))
		default:
			v := g.value(d, f.Values[0])
			if d.grain != "" {
				xs = append(xs, v)
				continue
			}
			xs = append(xs, g.pick(v, v, dn+" "+v, "the "+v+" "+dn))
		}
	}
	for _, s := range sh.Segments {
		xs = append(xs, g.pick(g.v.seg(s).nps...))
	}
	if len(xs) > 1 {
		return xs[0] + " within " + joinAnd(xs[1:], "and")
	}
	return xs[0]
}
