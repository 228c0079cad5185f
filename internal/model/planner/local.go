package planner

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/sqlforge/sqlforge/internal/lm/constrain"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
	"github.com/sqlforge/sqlforge/internal/plan"
	"github.com/sqlforge/sqlforge/internal/plan/link"
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
	// memory, when set, retrieves the plans the model was trained on (PlanMemoryFile), as
	// plan:knn does: its candidates join the model's.
	memory *KNN
	// Samples beyond the greedy answer (default 4), at Temperature (default 0.7).
	Samples     int
	Temperature float64
	// ModelWeight scales the decoded plans' scores against the retrieved and linked ones.
	ModelWeight float64
	// Constrained decodes under the plan grammar (plan.CheckPrefix): only the ontology's names,
	// and as filter values only those the question's links and numbers give. Off by default:
	// each rejected candidate token costs a parse, and the main job's evaluation took over
	// twice as long with it for no gain in EX (docs/plans.md); `run --constrain` and
	// `eval --constrain` turn it on.
	Constrained bool
}

// checkedGenerator is a backend that decodes under a prefix constraint (a local model).
type checkedGenerator interface {
	GenerateChecked(ctx context.Context, req model.Request, check constrain.Checker) (model.Response, error)
}

// vocabulary is what constrained decoding may write for this question.
func (l *Local) vocabulary(question string, links *link.Links) plan.Vocabulary {
	v := plan.Vocabulary{Metrics: l.env.Compiler.Names().MetricIDs(), Values: []string{}}
	for _, d := range l.env.Ont.Dimensions {
		v.Dimensions = append(v.Dimensions, d.Name)
	}
	for _, s := range l.env.Ont.Segments {
		v.Segments = append(v.Segments, s.Name)
	}
	for _, m := range links.Mentions {
		if m.Kind == link.KindValue {
			v.Values = append(v.Values, m.Value)
		}
	}
	for _, w := range strings.FieldsFunc(question, func(r rune) bool { return r < '0' || r > '9' }) {
		v.Values = append(v.Values, w) // years and other numbers, as written
	}
	return v
}

// PlanMemoryFile is the file beside a plan decoder's weights (or adapter) that holds the
// records it was trained on (localmodel.PlanMemoryFile, where the run directory's files are
// named); `sqlforge train --target plan` writes it.
const PlanMemoryFile = localmodel.PlanMemoryFile

// WithMemory makes l also retrieve from the plans it was trained on.
func (l *Local) WithMemory(k *KNN) *Local { l.memory = k; return l }

// NewLocal wraps a local backend trained on plan texts. The backend renders the question
// as it was trained (the default prompt, the question alone).
func NewLocal(env *Env, b model.Backend, name string) *Local {
	return &Local{env: env, b: b, name: name, Samples: 4, Temperature: 0.7, ModelWeight: DefaultModelWeight}
}

func (l *Local) Name() string { return l.name }

// Answer decodes plans and chooses among them.
func (l *Local) Answer(ctx context.Context, question string) (Answer, error) {
	links := l.env.Linker.Links(question)
	generate := l.b.Generate
	if cb, ok := l.b.(checkedGenerator); ok && l.Constrained {
		vocab := l.vocabulary(question, links)
		generate = func(ctx context.Context, req model.Request) (model.Response, error) {
			return cb.GenerateChecked(ctx, req, func(text string) (bool, bool) { return plan.CheckPrefix(text, vocab) })
		}
	}
	zero := 0.0
	greedy, err := generate(ctx, model.Request{Question: question, Ontology: l.env.Ont, MaxTokens: 96, Temperature: &zero, Logprobs: true})
	if err != nil {
		return Answer{}, fmt.Errorf("%s: %w", l.name, err)
	}
	choices := greedy.Choices
	if l.Samples > 0 {
		t, seed := l.Temperature, 1
		more, err := generate(ctx, model.Request{Question: question, Ontology: l.env.Ont, MaxTokens: 96, Temperature: &t, N: l.Samples, Seed: &seed, Logprobs: true})
		if err == nil {
			choices = append(choices, more.Choices...)
		}
	}
	names := l.env.Compiler.Names()
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
		// The model's belief counts, but so does how well the plan agrees with what the
		// question explicitly says (its values, periods, numbers, named metrics): a small
		// model learns the plan's shape better than the values it copies.
		cands = append(cands, Candidate{Plan: p, Score: l.ModelWeight * blend(score, link.Agreement(p, links))})
		if f := l.env.Linker.Fill(p, links); f != nil {
			cands = append(cands, Candidate{Plan: f, Score: l.ModelWeight * blend(score, link.Agreement(f, links))})
		}
	}
	var missing []string
	if l.memory != nil {
		mc := l.memory.Candidates(question)
		for _, c := range mc {
			if c.Missing != nil && missing == nil {
				missing = c.Missing
			}
		}
		cands = append(cands, mc...)
	} else {
		for i, c := range l.env.Linker.Plans(question, 3) {
			if i == 0 {
				missing = c.Missing
			}
			cands = append(cands, Candidate{Plan: c.Plan, Score: 0.8 * c.Score, Missing: c.Missing})
		}
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

// blend is a decoded plan's score: the model's probability and the plan's agreement with the
// question's links, the agreement weighing more.
func blend(prob, agree float64) float64 { return math.Min(1, 0.35*prob+0.65*agree) }

// DefaultModelWeight is Local.ModelWeight's default, chosen on the inference split of the main
// job (docs/plans.md; EX 63.9% at 1, 73.2% at 0.5, 76.1% at 0.25, plan:knn alone 76.4%): the
// decoded plans of a 4M-parameter model are a weak voice beside retrieval and the linker.
const DefaultModelWeight = 0.25
