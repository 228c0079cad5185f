package link

import (
	"strings"

	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
)

// choice is one way of reading a question's links: the measures, which dimension each
// ambiguous value belongs to, and which mentions are left out.
type choice struct {
	metrics   []string
	defaulted bool         // no metric was named; these are guesses
	dimOf     map[int]int  // value mention → index in its Dims
	drop      map[int]bool // mentions left out
	inner     []int        // mentions a metric was found inside ("late orders")
}

// build assembles the plan for one choice. used lists the mentions the plan accounts for; lost
// counts the structure words it could not place.
func (l *Linker) build(ls *Links, ch choice) (p *plan.Plan, used map[int]bool, lost int) {
	p = &plan.Plan{Measures: append([]string(nil), ch.metrics...)}
	used = map[int]bool{}
	for k, m := range ls.Mentions {
		if m.Kind == KindMetric && (contains(ch.metrics, m.ID) || m.Threshold && ls.Having != nil || l.twinIn(m.ID, ch.metrics) || contains(ls.absorbed, m.ID)) {
			used[k] = true
		}
	}
	singular := l.groups(ls, ch, p, used)
	lost += l.conds(ls, ch, p, used)
	versusBreakdown(ls, p)
	lost += l.shape(ls, p, singular)
	if p.Count && ls.howManyMetric >= 0 {
		used[ls.howManyMetric] = true
	}
	for _, k := range ch.inner {
		used[k] = true
	}
	return p, used, lost
}

// groups sets the breakdowns and the per-group partition; it reports whether the thing
// ranked was written in the singular ("which product").
func (l *Linker) groups(ls *Links, ch choice, p *plan.Plan, used map[int]bool) bool {
	var by []int
	for k, m := range ls.Mentions {
		if (m.Kind == KindDimension || m.Kind == KindGrain) && m.By && !ch.drop[k] && !absorbed(ls, k) {
			by = append(by, k)
		}
	}
	if len(by) == 0 && (ls.Limit > 0 || ls.Direction || ls.Having != nil || ls.Rank || ls.Order != nil || ls.HowMany != "") {
		for k, m := range ls.Mentions {
			if (m.Kind == KindDimension || m.Kind == KindGrain) && !ch.drop[k] && !absorbed(ls, k) {
				by = append(by, k)
				break
			}
		}
	}
	if len(by) == 0 && ls.whoDim != "" && (ls.Limit > 0 || ls.Direction || ls.Having != nil) {
		by = append(by, -3) // "who sold the most units"
	}
	if ls.HowMany != "" && ls.Having != nil && ls.howManyMetric >= 0 {
		by = append([]int{-2}, by...) // "how many customers have revenue over 10k"
	}
	if ls.Running && len(by) == 0 {
		by = append(by, -1) // cumulative: by month unless a grain is named
	}
	per := -1
	if (ls.Limit > 0 || ls.Direction) && len(by) >= 2 {
		per = by[len(by)-1]
		for _, k := range by {
			if k >= 0 && ls.Mentions[k].Each {
				per = k
				break
			}
		}
	}
	singular := false
	first := true
	for _, k := range by {
		dim := l.groupDim(ls, k, p)
		if dim == "" || hasGroup(p, dim) {
			continue
		}
		if k >= 0 {
			used[k] = true
		}
		if k == per {
			p.Per = dim
			continue
		}
		if first && k >= 0 {
			singular = !ls.Mentions[k].Plural
			first = false
		}
		if first && k == -3 {
			singular, first = true, false // "who sold the most": one person
		}
		p.GroupBy = append(p.GroupBy, plan.Group{Dim: dim})
	}
	if p.Per != "" && len(p.GroupBy) == 0 {
		p.GroupBy, p.Per = []plan.Group{{Dim: p.Per}}, ""
	}
	return singular
}

func hasGroup(p *plan.Plan, dim string) bool {
	for _, g := range p.GroupBy {
		if g.Dim == dim {
			return true
		}
	}
	return p.Per == dim
}

// groupDim is the dimension a breakdown mention stands for; a calendar grain becomes the
// dimension of that grain over the first measure's time column. k < 0 is "by month".
func (l *Linker) groupDim(ls *Links, k int, p *plan.Plan) string {
	if k >= 0 && ls.Mentions[k].Kind == KindDimension {
		m := ls.Mentions[k]
		if m.End-m.Start == 1 {
			return l.allowedSibling(m.ID, p.Measures) // "cities by freight": the city freight has
		}
		return m.ID
	}
	if k == -2 {
		return ls.HowMany
	}
	if k == -3 {
		return l.allowedSibling(ls.whoDim, p.Measures)
	}
	grain, id := ontology.GrainYearMonth, ""
	if k >= 0 {
		grain, id = ls.Mentions[k].Grain, ls.Mentions[k].ID
	}
	return l.grainDim(grain, id, p.Measures)
}

func (l *Linker) grainDim(grain, id string, measures []string) string {
	col := ""
	if len(measures) > 0 {
		if m := l.ont.MetricByID(measures[0]); m != nil {
			col = m.TimeColumn
		}
	}
	if d := l.dims[id]; d != nil && strings.EqualFold(d.Column, col) {
		return id
	}
	fallback := id
	for _, d := range l.ont.Dimensions {
		if d.Grain != grain {
			continue
		}
		if strings.EqualFold(d.Column, col) {
			return d.Name
		}
		if fallback == "" {
			fallback = d.Name
		}
	}
	return fallback
}

// absorbed: a dimension word written next to one of its own values ("the Beverages
// category", "shipper Speedy Express") names the value's kind, not a breakdown.
func absorbed(ls *Links, k int) bool {
	d := ls.Mentions[k]
	if p := d.Start - 1; p >= 0 && (ls.toks[p].text == "by" || ls.toks[p].text == "per" || ls.toks[p].text == "each") {
		return false // "by category excluding Seafood" breaks down by category
	}
	for _, v := range ls.Mentions {
		if v.Kind == KindValue && v.ID == d.ID && (v.Start-d.End <= 1 && v.Start >= d.End || d.Start-v.End <= 1 && d.Start >= v.End) {
			return true
		}
	}
	return false
}

// cond is a filter or segment with where it was written.
type cond struct {
	f     *plan.Filter
	seg   string
	start int
}

// conds places values and segments as filters, or as the subset of a share.
func (l *Linker) conds(ls *Links, ch choice, p *plan.Plan, used map[int]bool) (lost int) {
	var cs []cond
	byDim := map[string]int{} // dim + negation → index in cs
	for k, m := range ls.Mentions {
		if ch.drop[k] || m.Kind != KindValue && m.Kind != KindSegment {
			continue
		}
		used[k] = true
		if m.Kind == KindSegment {
			cs = append(cs, cond{seg: m.ID, start: m.Start})
			continue
		}
		i := ch.dimOf[k]
		dim, val := m.Dims[i], m.vals[i]
		markCue(ls, k, dim, used)
		key := dim + "\x00" + map[bool]string{true: "!="}[m.Negated]
		if j, ok := byDim[key]; ok && !m.Negated {
			cs[j].f.Op = plan.OpIn
			cs[j].f.Values = append(cs[j].f.Values, val)
			cs[j].start = m.Start
			continue
		}
		op := plan.OpEq
		if m.Negated {
			op = plan.OpNotEq
		}
		byDim[key] = len(cs)
		cs = append(cs, cond{f: &plan.Filter{Dim: dim, Op: op, Values: []string{val}}, start: m.Start})
	}
	if ls.Share && ls.Compare == nil { // "% change" asks for growth, not a share
		subset := -1
		for j, c := range cs {
			if subset < 0 || c.start > cs[subset].start {
				subset = j
			}
		}
		if subset >= 0 || len(p.GroupBy) > 0 {
			p.Share = &plan.Share{Ratio: ls.Ratio}
		} else {
			lost++
		}
		if subset >= 0 {
			addCond(&p.Share.Filters, &p.Share.Segments, cs[subset])
			cs = append(cs[:subset], cs[subset+1:]...)
		}
	}
	for _, c := range cs {
		addCond(&p.Filters, &p.Segments, c)
	}
	return lost
}

func addCond(fs *[]plan.Filter, segs *[]string, c cond) {
	if c.f != nil {
		*fs = append(*fs, *c.f)
	} else if !contains(*segs, c.seg) {
		*segs = append(*segs, c.seg)
	}
}

// markCue counts a dimension word just before a value as part of it when it names the value's
// dimension ("customers in Germany" → customer_country).
func markCue(ls *Links, k int, dim string, used map[int]bool) {
	v := ls.Mentions[k]
	for j, m := range ls.Mentions {
		near := m.End <= v.Start && v.Start-m.End <= 3 || m.Start >= v.End && m.Start-v.End <= 1
		if m.Kind == KindDimension && near && !m.By &&
			(m.ID == dim || strings.HasPrefix(dim, m.ID+"_") || strings.HasSuffix(dim, "_"+m.ID)) {
			used[j] = true
		}
	}
}

// shape sets the threshold, count, period, running total, rank, order and limit.
func (l *Linker) shape(ls *Links, p *plan.Plan, singular bool) (lost int) {
	grouped := len(p.GroupBy) > 0
	if h := ls.Having; h != nil {
		if grouped {
			m := h.Measure
			if m == "" {
				m = p.Measures[0]
			}
			p.Having = &plan.Threshold{Measure: m, Op: h.Op, Value: h.Value}
		} else {
			lost++
		}
	}
	if ls.HowMany != "" && hasGroup(p, ls.HowMany) && (p.Having != nil || ls.howManyMetric < 0) && p.Per == "" {
		p.Count = true
		if p.Having != nil {
			p.Measures = []string{p.Having.Measure}
		}
	}
	p.Time, p.Compare = ls.Time, ls.Compare
	if ls.Running {
		if len(p.GroupBy) == 1 && l.dims[p.GroupBy[0].Dim] != nil && l.dims[p.GroupBy[0].Dim].Grain != "" && !p.Count {
			p.Running = true
		} else {
			lost++
		}
	}
	p.Rank = ls.Rank && grouped && !p.Count && !p.Running && p.Compare == nil
	lost += l.order(ls, p, singular)
	return lost
}

// order sets the sort and the limit: an explicit top-k, a superlative (the top one, or ten
// for a plural), or a sort asked for in words.
func (l *Linker) order(ls *Links, p *plan.Plan, singular bool) (lost int) {
	limit := ls.Limit
	if limit == 0 && ls.Direction && ls.Order == nil && !p.Rank {
		limit = 10
		if singular || p.Per != "" {
			limit = 1
		}
	}
	if p.Per != "" && limit == 0 {
		limit = 1
	}
	if len(p.GroupBy) == 0 || p.Count {
		if ls.Limit > 0 {
			lost++
		}
		return lost
	}
	if limit > 0 {
		p.Limit = limit
		p.Order = &plan.Order{Desc: !ls.Direction || ls.Desc}
		p.Ties = ls.Ties
	}
	if o := ls.Order; o != nil {
		oo := *o
		for _, m := range ls.Mentions {
			if m.Kind == KindMetric && m.Start == ls.orderAt && m.ID != p.Measures[0] && contains(p.Measures, m.ID) {
				oo.By = m.ID
			}
		}
		p.Order = &oo
	}
	return lost
}

// versusBreakdown: values set against each other ("Seafood vs Beverages") are compared, so
// the plan also breaks down by their dimension.
// apartWords ask for listed values one by one: "revenue split between Speedy Express, United
// Package and Federal Shipping", "Germany and France separately".
var apartWords = setOf(`split splits respectively separately individually`)

func versusBreakdown(ls *Links, p *plan.Plan) {
	versus := false
	for _, t := range ls.toks {
		versus = versus || t.text == "vs" || t.text == "versus" || t.text == "against" || t.text == "compare" ||
			t.text == "compared" || t.text == "comparing" || t.text == "comparison" || apartWords[t.text]
	}
	if !versus || p.Compare != nil || p.Share != nil {
		return
	}
	for _, f := range p.Filters {
		if f.Op == plan.OpIn && len(f.Values) >= 2 && !hasGroup(p, f.Dim) {
			p.GroupBy = append(p.GroupBy, plan.Group{Dim: f.Dim})
		}
	}
}

// twinIn reports whether metric id was swapped for its timed twin in ids (customer_count →
// active_customers for "customers in 2021"): the mention is accounted for.
func (l *Linker) twinIn(id string, ids []string) bool {
	m := l.ont.MetricByID(id)
	if m == nil || contains(ids, id) {
		return false
	}
	for _, x := range ids {
		if o := l.ont.MetricByID(x); o != nil && o.Unit == m.Unit && sharesNameWord(m, o) {
			return true // swapped for a twin that takes the period or breakdown asked
		}
	}
	return false
}

// allowedSibling is dim, or when the first measure cannot be broken down by it, the one
// sibling dimension (same last name part: customer_city, ship_city) it can.
func (l *Linker) allowedSibling(dim string, measures []string) string {
	d := l.dims[dim]
	if d == nil || len(measures) == 0 {
		return dim
	}
	m := l.ont.MetricByID(measures[0])
	if m == nil || l.c.DimensionAllowed(m, d) {
		return dim
	}
	last := dim[strings.LastIndex(dim, "_")+1:]
	found := ""
	for i := range l.ont.Dimensions {
		o := &l.ont.Dimensions[i]
		if o.Name != dim && o.Grain == "" && (o.Name == last || strings.HasSuffix(o.Name, "_"+last)) && l.c.DimensionAllowed(m, o) {
			if found != "" {
				return dim // two candidates: no guess
			}
			found = o.Name
		}
	}
	if found == "" {
		return dim
	}
	return found
}
