package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/confidence"
	"github.com/sqlforge/sqlforge/internal/model/planner"
	"github.com/sqlforge/sqlforge/internal/plan"
	"github.com/sqlforge/sqlforge/internal/prompt"
)

// LowConfidence is the confidence under which an answer carries a warning to check it.
const LowConfidence = 0.5

// answerPlanned answers through the planner: the plan, its SQL, an explanation and a
// confidence from the planner; a question no plan answers gets no SQL, confidence 0 and a
// warning that says what the ontology could not express. A follow-up refines the previous
// plan with what the new question says (a filter, a limit, another breakdown).
func (s *Service) answerPlanned(ctx context.Context, q string, history []prompt.Example, execute bool, maxRows int) (*GenerateResponse, outcome, error) {
	var o outcome
	mctx, cancel := context.WithTimeout(ctx, s.cfg.ModelTimeout)
	defer cancel()
	mstart := time.Now()
	var prev *plan.Plan
	if n := len(history); n > 0 && history[n-1].Reasoning != "" {
		prev, _ = plan.Parse(history[n-1].Reasoning, nil)
	}
	var ans planner.Answer
	var err error
	if r, ok := s.cfg.Planner.(planner.Refiner); ok && prev != nil {
		ans, err = r.Refine(mctx, prev, q)
	} else {
		ans, err = s.cfg.Planner.Answer(mctx, q)
	}
	o.modelLatency = time.Since(mstart)
	recordModel(ctx, o.modelLatency)
	resp := &GenerateResponse{Model: s.Model(), Warnings: []string{}}
	if len(history) > 0 && (err == nil || errors.Is(err, planner.ErrNoPlan)) {
		noteFollowUp(resp, planFollowUp(prev, ans, err == nil))
	}
	switch {
	case errors.Is(err, planner.ErrNoPlan):
		resp.Missing = ans.Missing
		msg := "no plan over the ontology answers this question"
		if len(ans.Missing) > 0 {
			msg += "; not understood: " + strings.Join(ans.Missing, ", ")
		}
		if len(ans.Rejected) > 0 {
			msg += "; closest candidate rejected: " + ans.Rejected[0].Reason
		}
		resp.Warnings = append(resp.Warnings, msg)
		return resp, o, nil
	case errors.Is(err, context.DeadlineExceeded) || mctx.Err() == context.DeadlineExceeded:
		return nil, o, errorf(http.StatusGatewayTimeout, CodeModelTimeout, fmt.Sprintf("model %s did not answer within %s", s.Model(), s.cfg.ModelTimeout), err)
	case err != nil:
		return nil, o, errorf(http.StatusBadGateway, CodeModelError, "model "+s.Model()+" failed: "+err.Error(), err)
	}
	resp.SQL, resp.PlanText, resp.Explanation, resp.Missing = ans.SQL, ans.PlanText, ans.Explanation, ans.Missing
	if ans.Plan != nil {
		resp.Measures = ans.Plan.Measures
	}
	if js, err := json.Marshal(ans.Plan); err == nil {
		resp.Plan = js
	}
	if len(ans.Missing) > 0 {
		resp.Warnings = append(resp.Warnings, "parts of the question the plan does not cover: "+strings.Join(ans.Missing, ", "))
	}
	if execute {
		o.executed = true
		sig := confidence.Signals{Parses: true, Prepares: true}
		s.execute(ctx, ans.SQL, maxRows, resp, &sig, &o)
	}
	resp.Confidence = ans.Confidence
	if resp.Confidence < LowConfidence {
		resp.Warnings = append(resp.Warnings, fmt.Sprintf("low confidence (%.2f): check the plan (%s) before relying on the answer", resp.Confidence, ans.Explanation))
	}
	return resp, o, nil
}
