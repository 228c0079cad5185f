package planner

import (
	"context"
	"fmt"
	"strings"

	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
)

// Chat is plan:MODEL for a chat model (openai:, azure:, ollama:, http://...): the model is
// shown the ontology's catalogue and answers with the plan's JSON form under a JSON schema;
// each of its N answers is a candidate, checked and compiled like any other.
type Chat struct {
	env     *Env
	b       model.Backend
	name    string
	system  string
	schema  map[string]any
	Samples int // answers asked for per question (default 3)
}

// NewChat wraps a chat backend.
func NewChat(env *Env, b model.Backend, name string) *Chat {
	n := env.Compiler.Names()
	var dims, segs []string
	for _, d := range env.Ont.Dimensions {
		dims = append(dims, d.Name)
	}
	for _, s := range env.Ont.Segments {
		segs = append(segs, s.Name)
	}
	return &Chat{env: env, b: b, name: name, system: catalogue(env), Samples: 3,
		schema: plan.JSONSchema(n.MetricIDs(), dims, segs)}
}

func (c *Chat) Name() string { return c.name }

// Answer asks the model for plans and chooses among them.
func (c *Chat) Answer(ctx context.Context, question string) (Answer, error) {
	temp := 0.3
	resp, err := c.b.Generate(ctx, model.Request{
		Question: question, Ontology: c.env.Ont, Prompt: c.messages,
		N: c.Samples, Temperature: &temp, MaxTokens: 400,
		JSONSchema: &model.JSONSchema{Name: "query_plan", Schema: c.schema},
	})
	if err != nil {
		return Answer{}, fmt.Errorf("%s: %w", c.name, err)
	}
	names := c.env.Compiler.Names()
	var cands []Candidate
	var raw []string
	for i, ch := range resp.Choices {
		raw = append(raw, ch.Text)
		text := strings.TrimSpace(ch.Text)
		text = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(text, "```json"), "```"), "```")
		p, err := plan.ParseJSON([]byte(text), names)
		// Earlier samples first: the model's own ranking.
		score := 0.9 - 0.05*float64(i)
		if err != nil {
			cands = append(cands, Candidate{Text: text, Score: score, Err: fmt.Errorf("answer %d: %w", i+1, err)})
			continue
		}
		cands = append(cands, Candidate{Plan: p, Score: score})
	}
	ans, err := c.env.Choose(ctx, cands)
	ans.Raw = strings.Join(raw, "\n")
	return ans, err
}

// messages is the chat the model is sent: the catalogue, then the question.
func (c *Chat) messages(r model.Request) []model.Message {
	return []model.Message{{Role: model.RoleSystem, Content: c.system}, {Role: model.RoleUser, Content: r.Question}}
}

// catalogue is the system prompt: what a plan is and the ontology's names.
func catalogue(env *Env) string {
	var b strings.Builder
	fmt.Fprintf(&b, "You translate an analyst's question about the %s database into a query plan: one JSON object.\n", env.Ont.Name)
	b.WriteString(`Fields: measures (metric ids), group_by [{dim, show: id|both}], per (dimension: top-k within each of its values), ` +
		`filters [{dim, op: = | != | in, values}], segments (named row conditions), having {measure, op, value} (per group), ` +
		`time {from, to} periods YYYY, YYYY-Qn, YYYY-Hn, YYYY-MM or YYYY-MM-DD (to inclusive) or {last: N, unit: years|quarters|months}, ` +
		`compare {base, current, growth}, share {filters, segments, ratio} (the part of the total a subset, or each group, holds), ` +
		`count (how many groups), running (running total), rank, order {by: "" | "label" | a measure, desc}, limit, ties. ` +
		"Use only the ids below; copy values as the question writes them.\n")
	if !env.Compiler.Latest.IsZero() {
		fmt.Fprintf(&b, "The data ends on %s; \"last N years\" counts back from there.\n", env.Compiler.Latest.Format("2006-01-02"))
	}
	b.WriteString("\nMetrics:\n")
	for _, m := range env.Ont.Metrics {
		if m.Descriptive {
			continue
		}
		fmt.Fprintf(&b, "- %s: %s", ontology.MetricID(m.Name), m.Name)
		if len(m.Synonyms) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(m.Synonyms, ", "))
		}
		b.WriteString("\n")
	}
	b.WriteString("\nDimensions:\n")
	for _, d := range env.Ont.Dimensions {
		fmt.Fprintf(&b, "- %s", d.Name)
		if len(d.Synonyms) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(d.Synonyms, ", "))
		}
		b.WriteString("\n")
	}
	b.WriteString("\nSegments:\n")
	for _, s := range env.Ont.Segments {
		fmt.Fprintf(&b, "- %s: %s\n", s.Name, s.Description)
	}
	b.WriteString("\nExample: \"Top 5 products by revenue in 2023\" → " +
		`{"measures":["revenue"],"group_by":[{"dim":"product"}],"time":{"from":"2023"},"order":{"desc":true},"limit":5}` + "\n")
	return b.String()
}
