package datagen

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
)

// listPlan lists the things of one dimension ("Which suppliers are in Japan?"): filtered by a
// dimension or segment of their own tables or ones near them (never a fact table, where the
// filter would mean "things that had some activity"), sometimes counted, sometimes sorted by
// name and cut.
func (w *planWorld) listPlan(_ context.Context, r *rand.Rand, pm *pmetric) *plan.Plan {
	var things []*ontology.Dimension
	for _, d := range pm.groups {
		if d.Grain == "" && d.Kind != "flag" && !w.onFacts(d) {
			things = append(things, d)
		}
	}
	d := pickDim(r, things)
	if d == nil {
		return nil
	}
	p := &plan.Plan{GroupBy: []plan.Group{{Dim: d.Name}}}
	var near []*ontology.Dimension
	for _, f := range pm.filters {
		if f != d && f.Grain == "" && !w.onFacts(f) && w.nearby(d, f) {
			near = append(near, f)
		}
	}
	switch k := r.IntN(10); {
	case k < 6 && len(near) > 0:
		f := pickDim(r, near)
		vals := w.values[f.Name]
		if len(vals) == 0 {
			return nil
		}
		op := plan.OpEq
		if r.IntN(5) == 0 {
			op = plan.OpNotEq
		}
		p.Filters = []plan.Filter{{Dim: f.Name, Op: op, Values: []string{vals[r.IntN(min(len(vals), 8))]}}}
	case k < 8:
		var segs []string
		own := dimTables(d)
		for _, s := range pm.segs {
			if subsetFold(s.Tables, own) {
				segs = append(segs, s.Name)
			}
		}
		if len(segs) == 0 {
			return nil
		}
		p.Segments = []string{segs[r.IntN(len(segs))]}
	}
	switch r.IntN(8) {
	case 0:
		p.Count = true
	case 1:
		p.Order, p.Limit = &plan.Order{By: plan.ByLabel, Desc: r.IntN(3) == 0}, 3+r.IntN(8)
	}
	return p
}

// onFacts says whether d reads a table of a timed metric (orders, invoices): a list filtered
// there would be about activity, not about the things themselves.
func (w *planWorld) onFacts(d *ontology.Dimension) bool {
	for _, m := range w.ont.Metrics {
		if m.TimeColumn == "" {
			continue
		}
		for _, t := range dimTables(d) {
			if containsFoldStr(m.Tables, t) {
				return true
			}
		}
	}
	return false
}

// nearby says whether f's tables join d's without passing through a fact table: suppliers by
// their country, products by their category, not categories by the shipper of some order.
func (w *planWorld) nearby(d, f *ontology.Dimension) bool {
	from, err := w.ont.FromClause(append(dimTables(d), dimTables(f)...))
	if err != nil {
		return false
	}
	words := strings.FieldsFunc(from, func(r rune) bool { return r == ' ' || r == '.' || r == '(' || r == ')' || r == '"' })
	for _, m := range w.ont.Metrics {
		if m.TimeColumn == "" {
			continue
		}
		for _, t := range m.Tables {
			if containsFoldStr(words, t) {
				return false
			}
		}
	}
	return true
}

func dimTables(d *ontology.Dimension) []string {
	var out []string
	for _, col := range append([]string{d.Column, d.ID}, d.Labels...) {
		if t, _ := ontology.SplitColumn(col); t != "" && !containsFoldStr(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func subsetFold(xs, of []string) bool {
	for _, x := range xs {
		if !containsFoldStr(of, x) {
			return false
		}
	}
	return true
}

func containsFoldStr(xs []string, s string) bool {
	return slices.ContainsFunc(xs, func(x string) bool { return strings.EqualFold(x, s) })
}
