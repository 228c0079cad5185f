package link

import (
	"strings"

	"github.com/sqlforge/sqlforge/internal/plan"
)

// Agreement scores how well a plan from any source (a model's decoding, a retrieved plan)
// agrees with what the question explicitly says, in [0, 1]: each piece of evidence the
// linker found (a metric named, a value, a segment, a period, a comparison, a limit, a
// threshold) that the plan respects counts for it; each one it contradicts or leaves out,
// and each value, period or number the plan has that the question never gave, counts
// against it. A plan that agrees with everything scores 1; the linker's links are precise
// where they exist, so a small model's slips (a wrong year, a made-up value, a metric with a
// similar name) cost it.
func Agreement(p *plan.Plan, ls *Links) float64 {
	if p == nil || ls == nil {
		return 0
	}
	var good, bad float64
	tally := func(ok bool) {
		if ok {
			good++
		} else {
			bad++
		}
	}
	measures := append([]string(nil), p.Measures...)
	if p.Having != nil {
		measures = append(measures, p.Having.Measure)
	}
	named := ls.Metrics()
	for _, id := range named {
		tally(contains(measures, id))
	}
	if len(named) > 0 {
		for _, id := range p.Measures {
			if !contains(named, id) {
				bad += 0.5 // a measure nobody asked for
			}
		}
	}
	values := planValues(p)
	for _, m := range ls.Mentions {
		switch m.Kind {
		case KindValue:
			tally(values[strings.ToLower(m.Value)] || anyValue(values, m.vals))
		case KindSegment:
			tally(contains(p.Segments, m.ID) || (p.Share != nil && contains(p.Share.Segments, m.ID)))
		}
	}
	mentioned := map[string]bool{}
	for _, m := range ls.Mentions {
		if m.Kind == KindValue {
			mentioned[strings.ToLower(m.Value)] = true
			for _, v := range m.vals {
				mentioned[strings.ToLower(v)] = true
			}
		}
	}
	for v := range values {
		if !mentioned[v] && !strings.Contains(strings.ToLower(ls.Question), v) {
			bad++ // a value the question never gave
		}
	}
	timeAgreement(p, ls, tally)
	groupAgreement(p, ls, tally, func(w float64) { bad += w })
	share := ls.Share && ls.Compare == nil // "% change" asks for growth, not a share
	for _, cue := range []struct{ asked, has bool }{{share, p.Share != nil}, {ls.Running, p.Running}, {ls.Rank, p.Rank}} {
		if cue.asked || cue.has {
			tally(cue.asked == cue.has) // a share, running total or rank asked for, or added unasked
		}
	}
	if ls.Limit > 0 {
		tally(p.Limit == ls.Limit)
	} else if p.Limit > 0 && !strings.Contains(ls.Question, itoa(p.Limit)) {
		bad += 0.5
	}
	if ls.Having != nil {
		tally(p.Having != nil && p.Having.Value == ls.Having.Value)
	} else if p.Having != nil {
		bad++
	}
	if good+bad == 0 {
		return 0.5
	}
	return good / (good + bad)
}

// groupAgreement: each breakdown the question asks for ("by country", "per year") the plan
// must have; a breakdown the question never mentions counts against it, and so does one it
// mentions only in passing ("the price of products from Japan") when nothing is ranked,
// thresholded or counted. A count of groups or a sort nobody asked for counts against too.
func groupAgreement(p *plan.Plan, ls *Links, tally func(bool), against func(float64)) {
	dims := make([]string, 0, len(p.GroupBy)+1)
	for _, g := range p.GroupBy {
		dims = append(dims, g.Dim)
	}
	if p.Per != "" {
		dims = append(dims, p.Per)
	}
	if p.Share != nil {
		return // a share's breakdown is its denominator's business
	}
	ranked := ls.Limit > 0 || ls.Direction || ls.Having != nil || ls.Rank || ls.Order != nil || ls.HowMany != "" || ls.Running
	for _, m := range ls.Mentions {
		if (m.Kind == KindDimension || m.Kind == KindGrain) && m.By {
			tally(anyDim(dims, func(d string) bool { return ls.sameDim(d, m) }))
		}
	}
	for _, d := range dims {
		mentioned, by := false, false
		for _, m := range ls.Mentions {
			if (m.Kind == KindDimension || m.Kind == KindGrain) && ls.sameDim(d, m) {
				mentioned, by = true, by || m.By
			}
		}
		switch {
		case !mentioned:
			against(1)
		case !by && !ranked:
			against(0.5)
		}
	}
	asked := ls.HowMany != "" || strings.Contains(strings.ToLower(ls.Question), "how many")
	if p.Count && !asked {
		against(1)
	}
	if p.Order != nil && ls.Order == nil && !ls.Direction && ls.Limit == 0 && !ls.Rank {
		against(0.5)
	}
}

// sameDim reports whether plan dimension d is what mention m names: the same id, a sibling
// of a generic word ("country": customer_country or ship_country), or a calendar dimension
// of the grain written.
func (ls *Links) sameDim(d string, m Mention) bool {
	if m.Kind == KindGrain {
		return d == m.ID || m.Grain != "" && ls.dimGrain[d] == m.Grain
	}
	if d == m.ID {
		return true
	}
	last := func(s string) string { return s[strings.LastIndex(s, "_")+1:] }
	return m.End-m.Start == 1 && last(d) == last(m.ID)
}

func anyDim(dims []string, f func(string) bool) bool {
	for _, d := range dims {
		if f(d) {
			return true
		}
	}
	return false
}

func timeAgreement(p *plan.Plan, ls *Links, tally func(bool)) {
	switch {
	case ls.Compare != nil:
		tally(p.Compare != nil && p.Compare.Base == ls.Compare.Base && p.Compare.Current == ls.Compare.Current)
	case ls.Time != nil:
		tally(p.Time != nil && plan.Format(&plan.Plan{Measures: []string{"x"}, Time: p.Time}) ==
			plan.Format(&plan.Plan{Measures: []string{"x"}, Time: ls.Time}))
	default:
		if p.Time != nil || p.Compare != nil {
			tally(false) // a period the question never gave
		}
	}
}

// planValues are the plan's filter values, lower-cased.
func planValues(p *plan.Plan) map[string]bool {
	out := map[string]bool{}
	add := func(fs []plan.Filter) {
		for _, f := range fs {
			for _, v := range f.Values {
				out[strings.ToLower(v)] = true
			}
		}
	}
	add(p.Filters)
	if p.Share != nil {
		add(p.Share.Filters)
	}
	return out
}

func anyValue(values map[string]bool, vals []string) bool {
	for _, v := range vals {
		if values[strings.ToLower(v)] {
			return true
		}
	}
	return false
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
