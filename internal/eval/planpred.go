package eval

import (
	"context"
	"errors"
	"math"

	"github.com/sqlforge/sqlforge/internal/confidence"
	"github.com/sqlforge/sqlforge/internal/model/planner"
)

// PlanPredictor evaluates a planner: the SQL of its chosen plan, with the planner's own
// confidence as the model's belief (the MeanLogprob signal), so calibration covers it.
type PlanPredictor struct{ P planner.Planner }

func (p PlanPredictor) Name() string { return p.P.Name() }

func (p PlanPredictor) Predict(ctx context.Context, it Item, _ string) (Prediction, error) {
	ans, err := p.P.Answer(ctx, it.Question)
	if err != nil && !errors.Is(err, planner.ErrNoPlan) {
		return Prediction{}, err
	}
	lp := math.Log(math.Max(ans.Confidence, 1e-6))
	raw := ans.PlanText
	if raw == "" {
		raw = ans.Raw
	}
	return Prediction{SQL: ans.SQL, Raw: raw,
		Confidence: &confidence.Signals{Parses: ans.SQL != "", Prepares: ans.SQL != "", MeanLogprob: &lp}}, nil
}
