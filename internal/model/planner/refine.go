package planner

import (
	"context"
	"errors"

	"github.com/sqlforge/sqlforge/internal/plan"
)

// Refiner answers a follow-up question by refining the previous answer's plan: what the new
// question mentions (a filter value, a period, a limit, another breakdown or metric) replaces
// or joins the previous plan's parts, and the rest is kept. Every planner here is one.
type Refiner interface {
	Refine(ctx context.Context, prev *plan.Plan, question string) (Answer, error)
}

// refine tries the previous plan filled with the follow-up's links; when that yields no
// answer the follow-up is answered as a new question.
func refine(ctx context.Context, e *Env, p Planner, prev *plan.Plan, question string) (Answer, error) {
	if filled := e.Linker.Fill(prev, e.Linker.Links(question)); filled != nil {
		ans, err := e.Choose(ctx, []Candidate{{Plan: filled, Score: 0.85}})
		if err == nil {
			return ans, nil
		}
		if !errors.Is(err, ErrNoPlan) {
			return ans, err
		}
	}
	return p.Answer(ctx, question)
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
