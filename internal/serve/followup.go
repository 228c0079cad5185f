package serve

import (
	"strings"

	"github.com/sqlforge/sqlforge/internal/model/planner"
	"github.com/sqlforge/sqlforge/internal/plan"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// What each kind of model does with a follow-up ("only for Germany", "just the top 3", "by
// year instead"); see FollowUp.
const (
	followUpKNN = "knn does not refine follow-ups: it only replaces values (a name, a year, a number) " +
		"in the previous query and cannot add a filter, set a limit or change the breakdown; " +
		"ask the whole question, or serve a plan: model"
	followUpLocal = "local raw-SQL models are trained on single questions and do not refine follow-ups; " +
		"ask the whole question, or serve a plan: model"
)

// sqlFollowUp is the FollowUp of a raw-SQL model's answer after an earlier turn whose SQL was
// prevSQL: knn and local models do not support follow-ups; chat models are given the
// conversation, and an answer that repeats the previous query says the follow-up was not
// applied.
func sqlFollowUp(modelName, prevSQL, sql string) *FollowUp {
	changed := sqlparse.Normalize(sql) != sqlparse.Normalize(prevSQL)
	f := &FollowUp{Supported: true, Refined: changed}
	switch {
	case modelName == "knn" || strings.HasPrefix(modelName, "knn:"):
		f.Supported, f.Message = false, followUpKNN
	case strings.HasPrefix(modelName, "local:"):
		f.Supported, f.Message = false, followUpLocal
	case changed:
		f.Message = "the conversation's earlier turns were sent to the model; check that the SQL applies the follow-up"
	default:
		f.Message = "the model answered with the previous query unchanged: the follow-up was not applied; ask the whole question"
	}
	if !f.Supported && !changed {
		f.Message = "the answer repeats the previous query: " + f.Message
	}
	return f
}

// planFollowUp is the FollowUp of a plan model's answer to a follow-up of prev (nil when the
// previous answer had no plan): the previous plan edited, or why it was not.
func planFollowUp(prev *plan.Plan, ans planner.Answer, answered bool) *FollowUp {
	f := &FollowUp{Supported: true}
	switch {
	case prev == nil:
		f.Message = "the previous answer has no plan to refine: answered as a new question"
	case !answered:
		f.Message = "no edit of the previous plan (" + plan.Format(prev) + ") answers the follow-up"
	case !ans.Refined:
		f.Message = "the follow-up does not fit the previous plan (" + plan.Format(prev) + "): answered as a new question"
	case ans.Plan == nil || plan.Format(ans.Plan) == plan.Format(prev):
		f.Message = "the follow-up changes nothing in the previous plan (" + plan.Format(prev) + "); ask the whole question"
	default:
		f.Refined = true
		f.Message = "refined the previous plan: " + plan.Format(prev) + " → " + ans.PlanText
	}
	return f
}

// noteFollowUp attaches f to resp, with its message as a warning when the follow-up was not
// applied or the model does not support follow-ups.
func noteFollowUp(resp *GenerateResponse, f *FollowUp) {
	resp.FollowUp = f
	if !f.Supported || !f.Refined {
		resp.Warnings = append(resp.Warnings, "follow-up: "+f.Message)
	}
}
