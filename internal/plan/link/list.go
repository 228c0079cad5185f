package link

import (
	"strings"

	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
)

// listReading is the reading of a question that asks for things, not amounts: "Which suppliers
// are in Japan?", "List the discontinued products", "How many shippers do we have?". It applies
// when the question names no metric, no selling verb, no period and nothing ranked by an
// amount; the things are the first dimension written, and the values and segments filter them.
func (l *Linker) listReading(ls *Links) (Candidate, bool) {
	if !l.listAsked(ls) {
		return Candidate{}, false
	}
	thing := -1
	for k, m := range ls.Mentions {
		if m.Kind == KindDimension && (thing < 0 || m.By && !ls.Mentions[thing].By) {
			thing = k
		}
	}
	dim := ""
	if thing >= 0 {
		dim = ls.Mentions[thing].ID
	} else if thing, dim = l.thingInSegment(ls); thing < 0 {
		return Candidate{}, false
	}
	if ls.HowMany != "" && ls.HowMany != dim && ls.howManyAt != ls.Mentions[thing].Start {
		return Candidate{}, false // "number of customers by country": customers counted per country
	}
	p := &plan.Plan{GroupBy: []plan.Group{{Dim: dim}}}
	used := map[int]bool{thing: true}
	for k, m := range ls.Mentions {
		if m.Kind == KindDimension && k != thing && l.sameTable(m.ID, dim) {
			used[k] = true // "which countries are our suppliers in": the suppliers' country
		}
	}
	ch := choice{dimOf: map[int]int{}, drop: map[int]bool{}}
	lost := l.conds(ls, ch, p, used)
	for _, f := range p.Filters {
		if f.Dim == dim {
			return Candidate{}, false // "customers in Germany" read as a customer named Germany
		}
	}
	if ls.HowMany == dim || ls.HowMany != "" && ls.howManyAt == ls.Mentions[thing].Start {
		p.Count = true
	}
	if o := ls.Order; o != nil && o.By == plan.ByLabel {
		p.Order = &plan.Order{By: plan.ByLabel, Desc: o.Desc}
	}
	if ls.Limit > 0 && !ls.Direction {
		p.Limit = ls.Limit
		if p.Order == nil {
			p.Order = &plan.Order{By: plan.ByLabel}
		}
	}
	sql, err := l.c.Compile(p)
	if err != nil {
		return Candidate{}, false
	}
	return l.candidate(ls, ch, p, sql, used, lost, 0), true
}

// listAsked: no amount is asked for. A named metric, a selling verb, a period, a threshold, a
// share, a comparison, a running total, a rank or a superlative all ask for one.
func (l *Linker) listAsked(ls *Links) bool {
	if len(ls.Metrics()) > 0 || ls.Time != nil || ls.Compare != nil || ls.Having != nil || ls.Share ||
		ls.Running || ls.Rank || ls.Direction || selling(ls.toks) || ls.howManyMetric >= 0 {
		return false
	}
	if o := ls.Order; o != nil && o.By != plan.ByLabel {
		return false
	}
	for _, m := range ls.Mentions {
		if m.split && !l.segmentsOn(ls, m.ID) {
			return false // "long tracks by genre": amounts per genre
		}
	}
	return ls.HowMany != "" || !l.countAsked(ls) // "how many late orders": a count of orders
}

// sameTable says whether two dimensions read the same table (an entity and its attribute).
func (l *Linker) sameTable(a, b string) bool {
	da, db := l.dims[a], l.dims[b]
	if da == nil || db == nil || da.Grain != "" || db.Grain != "" {
		return false
	}
	ta, _ := ontology.SplitColumn(da.Column)
	tb, _ := ontology.SplitColumn(db.Column)
	return ta != "" && strings.EqualFold(ta, tb)
}

// segmentsOn reports that every segment of the question filters dim's own table: "every product
// that's been discontinued" lists products, where "long tracks by genre" counts tracks per genre.
func (l *Linker) segmentsOn(ls *Links, dim string) bool {
	d := l.dims[dim]
	if d == nil || d.Grain != "" {
		return false
	}
	table, _ := ontology.SplitColumn(d.Column)
	seen := false
	for _, m := range ls.Mentions {
		if m.Kind != KindSegment {
			continue
		}
		seg := l.ont.Segment(m.ID)
		if seg == nil || !containsFold(seg.Tables, table) {
			return false
		}
		seen = true
	}
	return seen
}

// thingInSegment finds the things a segment phrase ends with ("the discontinued products"):
// the segment mention and the dimension its last word names, or -1.
func (l *Linker) thingInSegment(ls *Links) (int, string) {
	for k, m := range ls.Mentions {
		if m.Kind != KindSegment || m.End-m.Start < 2 {
			continue
		}
		last := ls.toks[m.End-1 : m.End]
		n, es := l.lex.lookup(last, make([]bool, 1), 0, true)
		if n != 1 || topKind(es) != KindDimension {
			continue
		}
		for _, e := range es {
			if e.kind == KindDimension && l.segmentsOn(ls, e.id) {
				return k, e.id
			}
		}
	}
	return -1, ""
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
