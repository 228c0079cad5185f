package link

import (
	"slices"

	"github.com/sqlforge/sqlforge/internal/plan"
)

// Fill adapts a skeleton plan (say, the plan of the most similar training question) to this
// question's links: its measures, breakdowns, filters, threshold, period and limit become what
// the question mentions, while its shape (share, compare, per, running, rank, count) stays.
// It returns nil when the skeleton does not fit: the question lacks a breakdown, a threshold or
// two periods the shape needs, asks for a comparison the skeleton lacks, or the result does not
// compile.
func (l *Linker) Fill(sk *plan.Plan, ls *Links) *plan.Plan {
	if sk == nil || ls == nil || len(sk.Measures) == 0 {
		return nil
	}
	metrics, defaulted, inner := l.mainMetrics(ls)
	if defaulted {
		metrics = slices.Clone(sk.Measures)
	}
	q := l.fillReading(ls, choice{metrics: metrics, dimOf: map[int]int{}, inner: inner})
	p := &plan.Plan{Measures: q.Measures, Filters: q.Filters, Segments: q.Segments, Time: q.Time,
		Count: sk.Count, Running: sk.Running, Rank: sk.Rank}
	if !l.fillGroups(sk, ls, q, p) || !fillShare(sk, q, p) || !fillHaving(sk, ls, p) || !fillCompare(sk, q, p) {
		return nil
	}
	fillOrder(sk, ls, q, p)
	if _, err := l.c.Compile(p); err != nil {
		return nil
	}
	return p
}

// fillReading builds the question's own reading for a skeleton to take its parts from. A count
// of one table filtered to one member of that table ("albums by Iron Maiden" as album = 'Iron
// Maiden') counts one thing, so a value that may belong to another dimension is read there,
// as the linker's own readings rank it.
func (l *Linker) fillReading(ls *Links, ch choice) *plan.Plan {
	q, _, _ := l.build(ls, ch)
	if !l.selfFiltered(q) {
		return q
	}
	for k, m := range ls.Mentions {
		if m.Kind != KindValue || len(m.Dims) < 2 {
			continue
		}
		alt := ch
		alt.dimOf = map[int]int{k: 1}
		if r, _, _ := l.build(ls, alt); !l.selfFiltered(r) {
			return r
		}
	}
	return q
}

// fillGroups takes as many breakdowns as the skeleton has (its Per last), from the question's
// breakdowns and then its other dimension words.
func (l *Linker) fillGroups(sk *plan.Plan, ls *Links, q, p *plan.Plan) bool {
	var dims []string
	for _, g := range q.GroupBy {
		dims = append(dims, g.Dim)
	}
	perDim := q.Per
	if perDim != "" {
		dims = append(dims, perDim)
	}
	need := len(sk.GroupBy)
	if sk.Per != "" {
		need++
	}
	for k, m := range ls.Mentions {
		if len(dims) >= need {
			break
		}
		if (m.Kind == KindDimension || m.Kind == KindGrain) && !absorbed(ls, k) {
			if d := l.groupDim(ls, k, p); d != "" && !contains(dims, d) {
				dims = append(dims, d)
			}
		}
	}
	if len(dims) < need {
		return false
	}
	dims = dims[:need]
	if sk.Per != "" {
		if perDim == "" || !contains(dims, perDim) {
			perDim = dims[len(dims)-1]
		}
		p.Per = perDim
		dims = slices.DeleteFunc(dims, func(d string) bool { return d == perDim })
	}
	for i, d := range dims {
		p.GroupBy = append(p.GroupBy, plan.Group{Dim: d, Show: sk.GroupBy[i].Show})
	}
	return true
}

// fillShare keeps the skeleton's share: of a subset (the question's last condition) or of
// each group.
func fillShare(sk *plan.Plan, q, p *plan.Plan) bool {
	if sk.Share == nil {
		return true
	}
	p.Share = &plan.Share{Ratio: sk.Share.Ratio}
	if len(sk.Share.Filters)+len(sk.Share.Segments) == 0 {
		if q.Share != nil {
			p.Filters = append(slices.Clone(p.Filters), q.Share.Filters...)
			p.Segments = append(slices.Clone(p.Segments), q.Share.Segments...)
		}
		return len(p.GroupBy) > 0
	}
	switch {
	case q.Share != nil && len(q.Share.Filters)+len(q.Share.Segments) > 0:
		p.Share.Filters, p.Share.Segments = q.Share.Filters, q.Share.Segments
	case len(p.Segments) > 0:
		p.Share.Segments = p.Segments[len(p.Segments)-1:]
		p.Segments = p.Segments[:len(p.Segments)-1]
	case len(p.Filters) > 0:
		p.Share.Filters = p.Filters[len(p.Filters)-1:]
		p.Filters = p.Filters[:len(p.Filters)-1]
	default:
		return false
	}
	return true
}

// fillHaving takes the question's threshold where the skeleton has one.
func fillHaving(sk *plan.Plan, ls *Links, p *plan.Plan) bool {
	if sk.Having == nil {
		return true
	}
	if ls.Having == nil {
		return false
	}
	m := ls.Having.Measure
	if m == "" {
		m = p.Measures[0]
	}
	p.Having = &plan.Threshold{Measure: m, Op: ls.Having.Op, Value: ls.Having.Value}
	if sk.Count {
		p.Measures = []string{m}
	}
	return true
}

// fillCompare takes the question's two periods (or a range of two) where the skeleton
// compares, and refuses a question that compares when the skeleton does not.
func fillCompare(sk *plan.Plan, q, p *plan.Plan) bool {
	if sk.Compare == nil {
		return q.Compare == nil
	}
	c := q.Compare
	if c == nil && q.Time != nil && q.Time.To != "" {
		c = &plan.Compare{Base: q.Time.From, Current: q.Time.To}
		p.Time = nil
	}
	if c == nil {
		return false
	}
	p.Compare = &plan.Compare{Base: c.Base, Current: c.Current, Growth: sk.Compare.Growth}
	return true
}

// fillOrder takes the question's top-k and sort (q is the question's own reading, whose
// limit a superlative implies: "which shipper ... the most" is a top 1), else the skeleton's.
func fillOrder(sk *plan.Plan, ls *Links, q, p *plan.Plan) {
	if p.Count || len(p.GroupBy) == 0 {
		return
	}
	switch {
	case ls.Limit > 0:
		p.Limit = ls.Limit
		p.Order = &plan.Order{Desc: !ls.Direction || ls.Desc}
	case ls.Direction && q.Limit > 0:
		p.Limit = q.Limit
		p.Order = &plan.Order{Desc: ls.Desc}
	case sk.Limit > 0:
		p.Limit = sk.Limit
		desc := sk.Order == nil || sk.Order.Desc
		if ls.Direction {
			desc = ls.Desc
		}
		p.Order = &plan.Order{Desc: desc}
	}
	o := ls.Order
	if o == nil && !ls.Direction && sk.Order != nil && (sk.Limit == 0 || sk.Order.By != "") {
		o = sk.Order
	}
	if o != nil {
		oo := *o
		if oo.By != "" && oo.By != plan.ByLabel {
			oo.By = measureAt(sk, p, oo.By)
		}
		p.Order = &oo
	}
	p.Ties = sk.Ties && p.Limit > 0
}

// measureAt maps a skeleton measure to the filled plan's measure in the same position.
func measureAt(sk, p *plan.Plan, id string) string {
	i := slices.Index(sk.Measures, id)
	if i <= 0 || i >= len(p.Measures) {
		return ""
	}
	return p.Measures[i]
}
