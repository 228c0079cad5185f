package localmodel

import (
	"fmt"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/lm/tokenizer"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/prompt"
)

// Messages is the prompt a local model is trained on and asked with: the
// project's one template set (package prompt) with the question, the
// evidence and the schema context. A record's own context (sql-create-context)
// is its schema; generated records carry none, so a model fine-tuned on a
// database learns that database's tables rather than reading them, which keeps
// prompts short enough for a small model on a CPU.
func Messages(question, evidence, schema string) []model.Message {
	return prompt.Messages(prompt.Input{Question: question, Evidence: evidence, Schema: schema})
}

// PlanTargets returns the records that carry a query plan, each with its plan text as the
// answer a plan decoder learns (in place of the SQL), for plan:local models.
func PlanTargets(recs []dataset.Record) []dataset.Record {
	var out []dataset.Record
	for _, r := range recs {
		if r.PlanText == "" {
			continue
		}
		r.SQL, r.Reasoning = r.PlanText, ""
		out = append(out, r)
	}
	return out
}

// TrainingMessages is r's prompt followed by its SQL as the assistant's answer.
func TrainingMessages(r dataset.Record) []model.Message {
	msgs := Messages(r.Question, r.Evidence, r.Context)
	return append(msgs, model.Message{Role: model.RoleAssistant,
		Content: prompt.Assistant(prompt.Example{Question: r.Question, SQL: r.SQL}, false)})
}

// Render renders msgs with the model's chat template; when the last message
// is not the assistant's, the text ends with the assistant header.
func (m *Model) Render(msgs []model.Message) (tokenizer.Prompt, error) {
	return Render(m.Template, msgs)
}

// Render renders msgs with tmpl.
func Render(tmpl tokenizer.ChatTemplate, msgs []model.Message) (tokenizer.Prompt, error) {
	tm := make([]tokenizer.Message, len(msgs))
	for i, msg := range msgs {
		tm[i] = tokenizer.Message{Role: string(msg.Role), Content: msg.Content}
	}
	p, err := tmpl.Render(tm)
	if err != nil {
		return tokenizer.Prompt{}, fmt.Errorf("render prompt: %w", err)
	}
	return p, nil
}
