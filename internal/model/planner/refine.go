package planner

import (
	"context"
	"errors"
	"slices"

	"github.com/sqlforge/sqlforge/internal/plan"
	"github.com/sqlforge/sqlforge/internal/plan/link"
)

// Refiner answers a follow-up question by refining the previous answer's plan: what the new
// question mentions (a filter value, a period, a limit, another breakdown or metric) replaces
// or joins the previous plan's parts, and the rest is kept. Every planner here is one.
type Refiner interface {
	Refine(ctx context.Context, prev *plan.Plan, question string) (Answer, error)
}

// refine tries the previous plan filled with the follow-up's links (a follow-up that names a
// breakdown), then the previous plan with the follow-up's parts carried into it (one that
// only adds a filter, a period or a limit); when neither yields an answer the follow-up is
// answered as a new question.
func refine(ctx context.Context, e *Env, p Planner, prev *plan.Plan, question string) (Answer, error) {
	ls := e.Linker.Links(question)
	for _, next := range []*plan.Plan{inherit(prev, e.Linker.Fill(prev, ls)), carry(e, prev, ls)} {
		if next == nil || plan.Format(next) == plan.Format(prev) {
			continue // this reading changes nothing; try the next
		}
		ans, err := e.Choose(ctx, []Candidate{{Plan: next, Score: 0.85}})
		if err == nil {
			ans.Refined = true
			return ans, nil
		}
		if !errors.Is(err, ErrNoPlan) {
			return ans, err
		}
	}
	return p.Answer(ctx, question)
}

// carry is prev with what the follow-up's best reading mentions: its filters and segments
// join prev's (a filter on the same dimension is replaced), its period, breakdown and top-k
// replace prev's, and its metrics replace prev's measures when the follow-up names any. nil when the
// follow-up has no reading or changes nothing.
func carry(e *Env, prev *plan.Plan, ls *link.Links) *plan.Plan {
	readings := e.Linker.Plans(ls.Question, 1)
	if len(readings) == 0 {
		return nil
	}
	r := readings[0].Plan
	next := clonePlan(prev)
	if len(ls.Metrics()) > 0 {
		next.Measures = slices.Clone(r.Measures)
	}
	if len(r.GroupBy) > 0 { // a breakdown ("by year") where the previous plan had none
		next.GroupBy, next.Per = slices.Clone(r.GroupBy), r.Per
	}
	for _, f := range r.Filters {
		next.Filters = slices.DeleteFunc(next.Filters, func(g plan.Filter) bool { return g.Dim == f.Dim })
		next.Filters = append(next.Filters, f)
	}
	for _, s := range r.Segments {
		if !slices.Contains(next.Segments, s) {
			next.Segments = append(next.Segments, s)
		}
	}
	if r.Time != nil {
		next.Time, next.Compare = r.Time, nil
	}
	if ls.Limit > 0 && len(next.GroupBy) > 0 {
		next.Limit, next.Order = ls.Limit, &plan.Order{Desc: !ls.Direction || ls.Desc}
	}
	if plan.Format(next) == plan.Format(prev) {
		return nil
	}
	return next
}

// inherit is next, a plan filled from the follow-up's links, with the previous plan's context
// the follow-up does not restate: its filters on other dimensions, its segments and its period
// ("by year instead" after "only for Germany" keeps Germany). nil stays nil.
func inherit(prev, next *plan.Plan) *plan.Plan {
	if next == nil {
		return nil
	}
	c := clonePlan(next)
	for _, f := range prev.Filters {
		if !slices.ContainsFunc(c.Filters, func(g plan.Filter) bool { return g.Dim == f.Dim }) {
			c.Filters = append(c.Filters, f)
		}
	}
	for _, s := range prev.Segments {
		if !slices.Contains(c.Segments, s) {
			c.Segments = append(c.Segments, s)
		}
	}
	if c.Time == nil && c.Compare == nil {
		c.Time = prev.Time
	}
	return c
}

// clonePlan copies p's lists, so that carrying a follow-up into it leaves p as it was.
func clonePlan(p *plan.Plan) *plan.Plan {
	c := *p
	c.Measures, c.GroupBy = slices.Clone(p.Measures), slices.Clone(p.GroupBy)
	c.Filters, c.Segments = slices.Clone(p.Filters), slices.Clone(p.Segments)
	return &c
}

func (k *KNN) Refine(ctx context.Context, prev *plan.Plan, q string) (Answer, error) {
	return refine(ctx, k.env, k, prev, q)
}

func (l *Local) Refine(ctx context.Context, prev *plan.Plan, q string) (Answer, error) {
	return refine(ctx, l.env, l, prev, q)
}

func (c *Chat) Refine(ctx context.Context, prev *plan.Plan, q string) (Answer, error) {
	return refine(ctx, c.env, c, prev, q)
}
