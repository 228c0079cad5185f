package planner

import (
	"context"
	"fmt"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/plan"
	"github.com/sqlforge/sqlforge/internal/plan/link"
	"github.com/sqlforge/sqlforge/internal/prompt"
)

// KNN is plan:knn: the linker's own readings of the question, plus the plans of the most
// similar training questions (BM25) with their slots filled from the question's links.
type KNN struct {
	env   *Env
	name  string
	ix    *prompt.Index
	plans []*plan.Plan // by index position
}

// NewKNN indexes the records that carry a plan; records without one are skipped.
func NewKNN(env *Env, name string, recs []dataset.Record) (*KNN, error) {
	k := &KNN{env: env, name: name}
	var exs []prompt.Example
	names := env.Compiler.Names()
	for _, r := range recs {
		if r.PlanText == "" {
			continue
		}
		p, err := plan.Parse(r.PlanText, names)
		if err != nil {
			continue // a plan of another ontology version: unusable here
		}
		exs = append(exs, prompt.Example{Question: r.Question, SQL: r.SQL})
		k.plans = append(k.plans, p)
	}
	if len(exs) == 0 {
		return nil, fmt.Errorf("%s: no record carries a plan of this ontology (generate the data with sqlforge gen)", name)
	}
	k.ix = prompt.NewIndex(exs)
	return k, nil
}

func (k *KNN) Name() string { return k.name }

// Len is the number of indexed plans.
func (k *KNN) Len() int { return len(k.plans) }

// Answer proposes the linker's plans and the filled neighbours' plans, then chooses.
func (k *KNN) Answer(ctx context.Context, question string) (Answer, error) {
	return k.env.Choose(ctx, k.Candidates(question))
}

// Candidates are the proposals before choosing.
func (k *KNN) Candidates(question string) []Candidate {
	var cands []Candidate
	for _, c := range k.env.Linker.Plans(question, 5) {
		cands = append(cands, Candidate{Plan: c.Plan, Score: c.Score, Missing: c.Missing})
	}
	links := k.env.Linker.Links(question)
	hits := k.ix.Search(question, 8)
	for _, h := range hits {
		p := k.env.Linker.Fill(k.plans[h.Pos], links)
		if p == nil {
			continue
		}
		sim := h.Score / hits[0].Score
		cands = append(cands, Candidate{Plan: p, Score: 0.6 * sim * k.coverage(p, cands) * link.Agreement(p, links)})
	}
	return cands
}

// coverage is the linker's score for a filled plan when the linker proposed the same plan,
// else the best linker score discounted (the neighbour's shape is only a guess).
func (k *KNN) coverage(p *plan.Plan, linked []Candidate) float64 {
	text := plan.Format(p)
	best := 0.0
	for _, c := range linked {
		if c.Plan == nil {
			continue
		}
		if plan.Format(c.Plan) == text {
			return c.Score
		}
		best = max(best, c.Score)
	}
	if best == 0 {
		return 0.5
	}
	return 0.8 * best
}
