package datagen

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/sqlforge/sqlforge/internal/plan"
)

// thresholdPlan: the groups whose metric passes a threshold (count: how many there are).
func (w *planWorld) thresholdPlan(ctx context.Context, r *rand.Rand, pm *pmetric, count bool) *plan.Plan {
	d := pickDim(r, pm.groups)
	if d == nil {
		return nil
	}
	q := []float64{0.25, 0.5, 0.75}[r.IntN(3)]
	v, ok := w.threshold(ctx, pm, d, q)
	if !ok {
		return nil
	}
	p := measure(pm)
	p.GroupBy = []plan.Group{{Dim: d.Name}}
	p.Having = &plan.Threshold{Measure: pm.id, Op: []string{">", ">", ">=", "<"}[r.IntN(4)], Value: v}
	if count {
		p.Count = true
	} else if r.IntN(2) == 0 {
		p.Order = &plan.Order{Desc: p.Having.Op != "<"}
	}
	return p
}

// topK: the k highest (or lowest) groups.
func (w *planWorld) topK(r *rand.Rand, pm *pmetric, top bool) *plan.Plan {
	d := pickDim(r, pm.groups)
	if d == nil {
		return nil
	}
	p := measure(pm)
	p.GroupBy = []plan.Group{{Dim: d.Name}}
	p.Order = &plan.Order{Desc: top}
	p.Limit = []int{1, 1, 3, 3, 5, 5, 5, 10}[r.IntN(8)]
	w.maybeWindow(r, pm, p, 0.5)
	w.maybeFilter(r, pm, p, 0.25, d)
	return p
}

// share: the part a subset holds, or each group's part of the total.
func (w *planWorld) share(r *rand.Rand, pm *pmetric) *plan.Plan {
	if !pm.additive {
		return nil
	}
	p := measure(pm)
	p.Share = &plan.Share{Ratio: r.IntN(4) == 0}
	switch r.IntN(3) {
	case 0:
		d := pickDim(r, pm.groups)
		if d == nil {
			return nil
		}
		p.GroupBy = []plan.Group{{Dim: d.Name}}
		if r.IntN(2) == 0 {
			p.Order = &plan.Order{Desc: true}
			p.Limit = 3 + r.IntN(3)
		}
	case 1:
		if len(pm.segs) == 0 {
			return nil
		}
		p.Share.Segments = []string{pm.segs[r.IntN(len(pm.segs))].Name}
	default:
		tmp := measure(pm)
		if !w.filter(r, pm, tmp, plan.OpEq) {
			return nil
		}
		p.Share.Filters = tmp.Filters
	}
	w.maybeWindow(r, pm, p, 0.5)
	return p
}

// compare: two periods side by side, or the growth between them.
func (w *planWorld) compare(r *rand.Rand, pm *pmetric, growth bool) *plan.Plan {
	if !pm.timed || len(w.years) < 2 {
		return nil
	}
	i := r.IntN(len(w.years) - 1)
	a, b := w.years[i], w.years[i+1]
	if r.IntN(4) == 0 {
		b = w.years[i+1+r.IntN(len(w.years)-i-1)]
	}
	base, cur := fmt.Sprint(a), fmt.Sprint(b)
	switch r.IntN(5) {
	case 0:
		q := 1 + r.IntN(4)
		base, cur = fmt.Sprintf("%d-Q%d", a, q), fmt.Sprintf("%d-Q%d", b, q)
	case 1:
		h := 1 + r.IntN(2)
		base, cur = fmt.Sprintf("%d-H%d", a, h), fmt.Sprintf("%d-H%d", b, h)
	}
	p := measure(pm)
	p.Compare = &plan.Compare{Base: base, Current: cur, Growth: growth}
	if d := pickDim(r, pm.groups); d != nil && r.IntN(2) == 0 {
		p.GroupBy = []plan.Group{{Dim: d.Name}}
		if growth && r.IntN(2) == 0 {
			p.Order, p.Limit = &plan.Order{Desc: r.IntN(3) > 0}, 3+r.IntN(3)
		}
	}
	return p
}
