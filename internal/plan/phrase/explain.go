package phrase

import (
	"strconv"
	"strings"

	"github.com/sqlforge/sqlforge/internal/plan"
)

// Explain is a one-line description of p for people, in the ontology's primary names:
// "Revenue by product, 2020-2024, top 5" or "Order count by shipper, late shipments only, 2023".
func Explain(p *plan.Plan, v *Vocab) string {
	var names []string
	for _, id := range p.Measures {
		names = append(names, lowerWords(v.metric(id).name))
	}
	m := joinAnd(names, "and")
	head := m
	switch c, s := p.Compare, p.Share; {
	case p.Count:
		head = "number of " + groupsText(p, v, true)
	case c != nil && c.Growth:
		head = m + " growth from " + c.Base + " to " + c.Current
	case c != nil:
		head = m + ", " + c.Base + " vs " + c.Current
	case s != nil && len(s.Filters)+len(s.Segments) > 0:
		head = shareWord(s) + " of " + m + " from " + condsText(s.Filters, s.Segments, v, " ")
	case s != nil:
		head = m + " " + shareWord(s)
	}
	if len(p.Measures) == 0 {
		head = groupsText(p, v, true)
		if p.Count {
			head = "number of " + head
		}
	}
	parts := []string{capFirst(head)}
	if len(p.GroupBy) > 0 && !p.Count && len(p.Measures) > 0 {
		parts[0] += " by " + groupsText(p, v, false)
	}
	if p.Having != nil {
		h := p.Having
		parts = append(parts, lowerWords(v.metric(h.Measure).name)+" "+h.Op+" "+thousands2(h.Value))
	}
	if len(p.Filters)+len(p.Segments) > 0 {
		parts = append(parts, condsText(p.Filters, p.Segments, v, " only"))
	}
	if w := p.Time; w != nil {
		parts = append(parts, windowText(w))
	}
	parts = append(parts, orderText(p, v)...)
	return strings.Join(parts, ", ")
}

func shareWord(s *plan.Share) string {
	if s.Ratio {
		return "fraction"
	}
	return "share (%)"
}

func groupsText(p *plan.Plan, v *Vocab, plural bool) string {
	var xs []string
	for _, gr := range p.GroupBy {
		d := v.dim(gr.Dim)
		n := d.sing[0]
		if plural && len(p.GroupBy) == 1 && gr.Show == "" {
			n = d.plural[0]
		}
		switch gr.Show {
		case "id":
			n += " ID"
		case "both":
			n += " (ID and name)"
		}
		xs = append(xs, n)
	}
	return joinAnd(xs, "and")
}

// condsText: "category = Seafood, discounted lines only".
func condsText(fs []plan.Filter, segs []string, v *Vocab, segSuffix string) string {
	var xs []string
	for _, f := range fs {
		n := v.dim(f.Dim).sing[0]
		switch f.Op {
		case plan.OpIn:
			xs = append(xs, n+" in "+strings.Join(f.Values, ", "))
		case plan.OpNotEq:
			xs = append(xs, n+" not "+f.Values[0])
		default:
			xs = append(xs, n+" "+f.Values[0])
		}
	}
	for _, s := range segs {
		xs = append(xs, strings.TrimSpace(v.seg(s).name+segSuffix))
	}
	return strings.Join(xs, ", ")
}

func windowText(w *plan.Window) string {
	switch {
	case w.Last > 0:
		if w.Last == 1 {
			return "last " + strings.TrimSuffix(w.Unit, "s")
		}
		return "last " + strconv.Itoa(w.Last) + " " + w.Unit
	case w.To != "":
		sep := "-"
		if strings.Contains(w.From, "-") {
			sep = " to "
		}
		return w.From + sep + w.To
	}
	return w.From
}

func orderText(p *plan.Plan, v *Vocab) []string {
	var xs []string
	if p.Running {
		xs = append(xs, "running total")
	}
	if p.Rank {
		xs = append(xs, "ranked")
	}
	o, k := p.Order, strconv.Itoa(p.Limit)
	switch {
	case o == nil && p.Limit > 0:
		xs = append(xs, "first "+k)
	case o == nil:
	case o.By == plan.ByLabel:
		s := "sorted by label " + map[bool]string{true: "desc", false: "asc"}[o.Desc]
		if p.Limit > 0 {
			s += ", first " + k
		}
		xs = append(xs, s)
	case p.Limit > 0:
		s := map[bool]string{true: "top ", false: "bottom "}[o.Desc] + k
		if o.By != "" && o.By != p.Measures[0] {
			s += " by " + lowerWords(v.metric(o.By).name)
		}
		if p.Per != "" {
			s += " per " + v.dim(p.Per).sing[0]
		}
		xs = append(xs, s)
	default:
		by := p.Measures[0]
		if o.By != "" {
			by = o.By
		}
		xs = append(xs, "sorted by "+lowerWords(v.metric(by).name)+" "+map[bool]string{true: "desc", false: "asc"}[o.Desc])
	}
	if p.Ties {
		xs = append(xs, "ties included")
	}
	return xs
}

func thousands2(f float64) string {
	if f == float64(int64(f)) {
		return thousands(int64(f))
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// Features names the plan features p uses, for statistics: measure, multi_measure, group_by,
// calendar_grain, filter, segment, threshold, list (no measure), time_window, last_n, top_k, bottom_k, order,
// share, comparison, growth, argmax_per_group, running_total, rank, count, ties.
func Features(p *plan.Plan) []string {
	fs := []string{"measure"}
	if len(p.Measures) == 0 {
		fs = []string{"list"}
	}
	add := func(ok bool, name string) {
		if ok {
			fs = append(fs, name)
		}
	}
	add(len(p.Measures) > 1, "multi_measure")
	add(len(p.GroupBy) > 0, "group_by")
	grain := false
	for _, g := range p.GroupBy {
		grain = grain || isCalendar(g.Dim)
	}
	add(grain || isCalendar(p.Per), "calendar_grain")
	add(len(p.Filters) > 0, "filter")
	add(len(p.Segments) > 0, "segment")
	add(p.Having != nil, "threshold")
	add(p.Time != nil && p.Time.Last == 0, "time_window")
	add(p.Time != nil && p.Time.Last > 0, "last_n")
	byMeasure := p.Order != nil && p.Order.By != plan.ByLabel
	add(byMeasure && p.Limit > 0 && p.Order.Desc && p.Per == "", "top_k")
	add(byMeasure && p.Limit > 0 && !p.Order.Desc && p.Per == "", "bottom_k")
	add(p.Order != nil && (!byMeasure || p.Limit == 0), "order")
	add(p.Share != nil, "share")
	add(p.Compare != nil && !p.Compare.Growth, "comparison")
	add(p.Compare != nil && p.Compare.Growth, "growth")
	add(p.Per != "", "argmax_per_group")
	add(p.Running, "running_total")
	add(p.Rank, "rank")
	add(p.Count, "count")
	add(p.Ties, "ties")
	return fs
}

// isCalendar guesses from its id whether a dimension is a calendar grain (Features has no
// ontology): order_year, invoice_month, calendar_quarter.
func isCalendar(dim string) bool {
	for _, w := range []string{"year", "quarter", "month", "week", "date", "day"} {
		if strings.HasSuffix(dim, "_"+w) || dim == w || strings.HasPrefix(dim, "calendar_") {
			return true
		}
	}
	return false
}
