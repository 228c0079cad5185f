package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sqlforge/sqlforge/internal/model"
)

// JudgeInput is what a judge sees: the question, both queries and, when they
// ran, excerpts of both results.
type JudgeInput struct {
	Question, Schema, Gold, Pred string
	// GoldResult and PredResult are short text renderings of the results.
	GoldResult, PredResult string
}

// JudgeVerdict is a judge's decision. It is recorded apart from the
// deterministic metrics and never changes them.
type JudgeVerdict struct {
	Equivalent bool   `json:"equivalent"`
	Rationale  string `json:"rationale"`
}

// Judge decides whether a prediction that failed the deterministic
// comparison still answers the question. The runner calls it only after a
// mismatch.
type Judge interface {
	Judge(ctx context.Context, in JudgeInput) (JudgeVerdict, error)
}

// judgeSystem is the judge's instruction.
const judgeSystem = `You grade text-to-SQL answers. Given a question, a database schema, a reference (gold) SQL query ` +
	`with its result and a candidate SQL query with its result, decide whether the candidate answers the question ` +
	`as correctly as the reference (differences in column order, aliases or extra harmless columns are acceptable; ` +
	`different rows or values are not). Reply with JSON only: {"equivalent": true|false, "rationale": "one sentence"}.`

// ModelJudge is a Judge over any chat model backend.
type ModelJudge struct {
	backend model.Backend
}

// NewModelJudge returns a judge that asks b.
func NewModelJudge(b model.Backend) *ModelJudge { return &ModelJudge{backend: b} }

// Name returns the backend's name.
func (j *ModelJudge) Name() string { return j.backend.Name() }

// Judge asks the model and parses its JSON answer (the first {...} object in
// the reply, so fenced or chatty answers are accepted).
func (j *ModelJudge) Judge(ctx context.Context, in JudgeInput) (JudgeVerdict, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "Question: %s\n\n", in.Question)
	if in.Schema != "" {
		fmt.Fprintf(&b, "Schema:\n%s\n\n", strings.TrimSpace(in.Schema))
	}
	fmt.Fprintf(&b, "Reference SQL:\n%s\nReference result:\n%s\n\n", in.Gold, in.GoldResult)
	fmt.Fprintf(&b, "Candidate SQL:\n%s\nCandidate result:\n%s\n", in.Pred, in.PredResult)
	temp := 0.0
	resp, err := j.backend.Generate(ctx, model.Request{
		Messages:    []model.Message{{Role: model.RoleSystem, Content: judgeSystem}, {Role: model.RoleUser, Content: b.String()}},
		Temperature: &temp,
	})
	if err != nil {
		return JudgeVerdict{}, fmt.Errorf("judge with %s: %w", j.backend.Name(), err)
	}
	if len(resp.Choices) == 0 {
		return JudgeVerdict{}, fmt.Errorf("judge with %s: no choices in the answer", j.backend.Name())
	}
	return ParseJudgeVerdict(resp.Choices[0].Text)
}

// ParseJudgeVerdict reads {"equivalent": bool, "rationale": string} from a
// judge's reply, taking the outermost {...} in it.
func ParseJudgeVerdict(text string) (JudgeVerdict, error) {
	start, end := strings.Index(text, "{"), strings.LastIndex(text, "}")
	if start < 0 || end < start {
		return JudgeVerdict{}, fmt.Errorf("parse judge reply: no JSON object in %q", excerpt(text, 120))
	}
	var raw struct {
		Equivalent *bool  `json:"equivalent"`
		Rationale  string `json:"rationale"`
	}
	if err := json.Unmarshal([]byte(text[start:end+1]), &raw); err != nil {
		return JudgeVerdict{}, fmt.Errorf("parse judge reply: %w", err)
	}
	if raw.Equivalent == nil {
		return JudgeVerdict{}, fmt.Errorf("parse judge reply: field equivalent missing")
	}
	return JudgeVerdict{Equivalent: *raw.Equivalent, Rationale: strings.TrimSpace(raw.Rationale)}, nil
}

// excerpt shortens s to at most n bytes (on a rune boundary), marking the cut.
func excerpt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
