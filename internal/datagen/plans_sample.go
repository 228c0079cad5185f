package datagen

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
)

// planFeature builds a plan that shows one plan feature, or nil when the metric drawn cannot.
type planFeature struct {
	name   string
	weight int
	build  func(ctx context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan
}

// planFeatures are the shapes of the plan generator; every one appears in a default run.
var planFeatures = []planFeature{
	{"single", 6, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		p := measure(pm)
		w.maybeWindow(r, pm, p, 0.7)
		w.maybeFilter(r, pm, p, 0.3)
		return p
	}},
	{"group", 8, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		d := pickDim(r, pm.groups)
		if d == nil {
			return nil
		}
		p := measure(pm)
		p.GroupBy = []plan.Group{{Dim: d.Name}}
		if d.ID != "" && r.IntN(12) == 0 {
			p.GroupBy[0].Show = []string{"id", "both"}[r.IntN(2)]
		}
		w.maybeWindow(r, pm, p, 0.4)
		w.maybeFilter(r, pm, p, 0.2, d)
		if r.IntN(3) == 0 {
			p.Order = &plan.Order{Desc: r.IntN(3) > 0}
		}
		return p
	}},
	{"grain", 6, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		d := pickDim(r, pm.grains)
		if d == nil {
			return nil
		}
		p := measure(pm)
		p.GroupBy = []plan.Group{{Dim: d.Name}}
		if d.Grain != ontology.GrainYear {
			w.window(r, p, []string{"year", "years", "half", "last"}[r.IntN(4)])
		}
		w.maybeFilter(r, pm, p, 0.3)
		return p
	}},
	{"filter", 6, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		p := measure(pm)
		if g := pickDim(r, pm.groups); g != nil && r.IntN(2) == 0 {
			p.GroupBy = []plan.Group{{Dim: g.Name}}
			if !w.filter(r, pm, p, []string{plan.OpEq, plan.OpIn, plan.OpNotEq}[r.IntN(3)], g) {
				return nil
			}
		} else if !w.filter(r, pm, p, []string{plan.OpEq, plan.OpEq, plan.OpIn, plan.OpNotEq}[r.IntN(4)]) {
			return nil
		}
		w.maybeWindow(r, pm, p, 0.4)
		return p
	}},
	{"segment", 5, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		if len(pm.segs) == 0 {
			return nil
		}
		p := measure(pm)
		p.Segments = []string{pm.segs[r.IntN(len(pm.segs))].Name}
		if g := pickDim(r, pm.groups); g != nil && r.IntN(2) == 0 {
			p.GroupBy = []plan.Group{{Dim: g.Name}}
		}
		w.maybeWindow(r, pm, p, 0.4)
		return p
	}},
	{"list", 4, func(ctx context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		return w.listPlan(ctx, r, pm)
	}},
	{"threshold", 4, func(ctx context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		return w.thresholdPlan(ctx, r, pm, false)
	}},
	{"count", 3, func(ctx context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		return w.thresholdPlan(ctx, r, pm, true)
	}},
	{"window", 8, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		if !pm.timed {
			return nil
		}
		p := measure(pm)
		w.window(r, p, []string{"year", "years", "quarter", "half", "month", "range", "last"}[r.IntN(7)])
		if g := pickDim(r, pm.groups); g != nil && r.IntN(3) == 0 {
			p.GroupBy = []plan.Group{{Dim: g.Name}}
		}
		return p
	}},
	{"top_k", 8, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		return w.topK(r, pm, true)
	}},
	{"bottom_k", 4, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		return w.topK(r, pm, false)
	}},
	{"order_label", 2, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		d := pickDim(r, pm.groups)
		if d == nil {
			return nil
		}
		p := measure(pm)
		p.GroupBy = []plan.Group{{Dim: d.Name}}
		p.Order = &plan.Order{By: plan.ByLabel, Desc: r.IntN(4) == 0}
		if r.IntN(2) == 0 {
			p.Limit = 5 + r.IntN(6)
		}
		return p
	}},
	{"ties", 2, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		p := w.topK(r, pm, true)
		if p != nil {
			p.Ties = true
		}
		return p
	}},
	{"share", 4, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		return w.share(r, pm)
	}},
	{"compare", 3, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		return w.compare(r, pm, false)
	}},
	{"growth", 3, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		return w.compare(r, pm, true)
	}},
	{"per_group", 3, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		g := pickDim(r, pm.groups)
		per := pickDim(r, append(pm.groups, pm.grains...), g)
		if g == nil || per == nil || (per.Grain != "" && per.Grain != ontology.GrainYear && per.Grain != ontology.GrainYearQuarter) {
			return nil
		}
		p := measure(pm)
		p.GroupBy, p.Per, p.Limit = []plan.Group{{Dim: g.Name}}, per.Name, 1+r.IntN(3)/2
		p.Order = &plan.Order{Desc: r.IntN(5) > 0}
		if per.Grain == ontology.GrainYearQuarter {
			w.window(r, p, "year")
		}
		return p
	}},
	{"running", 2, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		if !pm.additive {
			return nil
		}
		var gs []*ontology.Dimension
		for _, d := range pm.grains {
			if d.Grain == ontology.GrainYear || d.Grain == ontology.GrainYearMonth || d.Grain == ontology.GrainYearQuarter {
				gs = append(gs, d)
			}
		}
		d := pickDim(r, gs)
		if d == nil {
			return nil
		}
		p := measure(pm)
		p.GroupBy, p.Running = []plan.Group{{Dim: d.Name}}, true
		if d.Grain == ontology.GrainYearMonth {
			w.window(r, p, "year")
		}
		return p
	}},
	{"rank", 2, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		d := pickDim(r, pm.groups)
		if d == nil {
			return nil
		}
		p := measure(pm)
		p.GroupBy, p.Rank = []plan.Group{{Dim: d.Name}}, true
		w.maybeWindow(r, pm, p, 0.4)
		if r.IntN(2) == 0 {
			p.Limit = 3 + r.IntN(8)
		}
		return p
	}},
	{"multi_measure", 3, func(_ context.Context, r *rand.Rand, w *planWorld, pm *pmetric) *plan.Plan {
		other := w.metrics[r.IntN(len(w.metrics))]
		if other == pm || other.timed != pm.timed {
			return nil
		}
		p := measure(pm)
		p.Measures = append(p.Measures, other.id)
		if d := pickDim(r, pm.groups); d != nil && r.IntN(3) > 0 {
			p.GroupBy = []plan.Group{{Dim: d.Name}}
			if r.IntN(2) == 0 {
				p.Order, p.Limit = &plan.Order{Desc: true}, 3+r.IntN(5)
			}
		}
		w.maybeWindow(r, pm, p, 0.4)
		return p
	}},
}

func measure(pm *pmetric) *plan.Plan { return &plan.Plan{Measures: []string{pm.id}} }

func (w *planWorld) maybeWindow(r *rand.Rand, pm *pmetric, p *plan.Plan, prob float64) {
	if pm.timed && r.Float64() < prob {
		w.window(r, p, []string{"year", "year", "year", "years", "quarter", "half", "month", "range", "last"}[r.IntN(9)])
	}
}

func (w *planWorld) maybeFilter(r *rand.Rand, pm *pmetric, p *plan.Plan, prob float64, not ...*ontology.Dimension) {
	if r.Float64() < prob {
		w.filter(r, pm, p, plan.OpEq, not...)
	}
}

// window sets a period of the given kind within the data's years.
func (w *planWorld) window(r *rand.Rand, p *plan.Plan, kind string) {
	if len(w.years) == 0 {
		return
	}
	y := w.years[r.IntN(len(w.years))]
	switch kind {
	case "years":
		if len(w.years) < 2 {
			p.Time = &plan.Window{From: fmt.Sprint(y)}
			return
		}
		i := r.IntN(len(w.years) - 1)
		j := i + 1 + r.IntN(len(w.years)-i-1)
		p.Time = &plan.Window{From: fmt.Sprint(w.years[i]), To: fmt.Sprint(w.years[j])}
	case "quarter":
		p.Time = &plan.Window{From: fmt.Sprintf("%d-Q%d", y, 1+r.IntN(4))}
	case "half":
		p.Time = &plan.Window{From: fmt.Sprintf("%d-H%d", y, 1+r.IntN(2))}
	case "month":
		p.Time = &plan.Window{From: w.months[r.IntN(len(w.months))]}
	case "range":
		m := 1 + r.IntN(9)
		p.Time = &plan.Window{From: fmt.Sprintf("%d-%02d-%02d", y, m, 1+r.IntN(28)), To: fmt.Sprintf("%d-%02d-%02d", y, m+1+r.IntN(3), 1+r.IntN(28))}
	case "last":
		if r.IntN(2) == 0 {
			p.Time = &plan.Window{Last: 2 + r.IntN(3), Unit: "years"}
		} else {
			p.Time = &plan.Window{Last: []int{3, 6, 12, 18}[r.IntN(4)], Unit: "months"}
		}
	default:
		p.Time = &plan.Window{From: fmt.Sprint(y)}
	}
}

// filter adds a filter on a dimension other than not, with sampled values.
func (w *planWorld) filter(r *rand.Rand, pm *pmetric, p *plan.Plan, op string, not ...*ontology.Dimension) bool {
	d := pickDim(r, pm.filters, not...)
	if d == nil {
		return false
	}
	vals := w.values[d.Name]
	top := min(len(vals), 8)
	f := plan.Filter{Dim: d.Name, Op: op, Values: []string{vals[r.IntN(top)]}}
	if op == plan.OpIn {
		for _, i := range r.Perm(top)[:min(top, 2+r.IntN(2))] {
			if vals[i] != f.Values[0] {
				f.Values = append(f.Values, vals[i])
			}
		}
		if len(f.Values) < 2 {
			f.Op = plan.OpEq
		}
	}
	p.Filters = append(p.Filters, f)
	return true
}
