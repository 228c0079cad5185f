package planner

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/plan"
)

// Local is plan:local:PATH: a local model fine-tuned to write the plan text for a question
// (sqlforge train --target plan). It decodes greedily and samples a few more answers; each
// is parsed against the ontology's names (an unknown metric, dimension or segment is a
// rejected candidate with its reason), compiled and run, and the chooser votes by result.
// The linker's own readings join as lower-scored candidates, so a decoding slip on a value
// or a year can still be outvoted.
type Local struct {
	env  *Env
	b    model.Backend
	name string
	// Messages renders the question as the model was trained (the question alone).
	Messages func(question string) []model.Message
	// Samples beyond the greedy answer (default 4), at Temperature (default 0.7).
	Samples     int
	Temperature float64
}

// NewLocal wraps a local backend trained on plan texts.
func NewLocal(env *Env, b model.Backend, name string, messages func(string) []model.Message) *Local {
	return &Local{env: env, b: b, name: name, Messages: messages, Samples: 4, Temperature: 0.7}
}

func (l *Local) Name() string { return l.name }

// Answer decodes plans and chooses among them.
func (l *Local) Answer(ctx context.Context, question string) (Answer, error) {
	msgs := l.Messages(question)
	zero := 0.0
	greedy, err := l.b.Generate(ctx, model.Request{Messages: msgs, MaxTokens: 96, Temperature: &zero, Logprobs: true})
	if err != nil {
		return Answer{}, fmt.Errorf("%s: %w", l.name, err)
	}
	choices := greedy.Choices
	if l.Samples > 0 {
		t, seed := l.Temperature, 1
		more, err := l.b.Generate(ctx, model.Request{Messages: msgs, MaxTokens: 96, Temperature: &t, N: l.Samples, Seed: &seed, Logprobs: true})
		if err == nil {
			choices = append(choices, more.Choices...)
		}
	}
	names := l.env.Compiler.Names()
	links := l.env.Linker.Links(question)
	var cands []Candidate
	var raw []string
	for i, ch := range choices {
		text := strings.TrimSpace(ch.Text)
		raw = append(raw, text)
		score := 0.9
		if ch.MeanLogprob != nil {
			score = math.Exp(*ch.MeanLogprob)
		}
		if i > 0 {
			score *= 0.8 // samples count less than the greedy answer
		}
		p, err := plan.Parse(text, names)
		if err != nil {
			cands = append(cands, Candidate{Text: text, Score: score, Err: err})
			continue
		}
		cands = append(cands, Candidate{Plan: p, Score: score})
		// A small model learns the plan's shape better than the values it copies: the same
		// plan with the question's own values, periods and numbers (the linker's) is a
		// slightly stronger candidate.
		if f := l.env.Linker.Fill(p, links); f != nil {
			cands = append(cands, Candidate{Plan: f, Score: math.Min(1, score*1.1)})
		}
	}
	var missing []string
	for i, c := range l.env.Linker.Plans(question, 3) {
		if i == 0 {
			missing = c.Missing
		}
		cands = append(cands, Candidate{Plan: c.Plan, Score: 0.5 * c.Score, Missing: c.Missing})
	}
	for i := range cands {
		if cands[i].Missing == nil {
			cands[i].Missing = missing // what the question says that nothing links to
		}
	}
	ans, err := l.env.Choose(ctx, cands)
	ans.Raw = strings.Join(raw, "\n")
	return ans, err
}
