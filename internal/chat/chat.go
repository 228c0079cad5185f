// Package chat holds the chat message types and the text of the one prompt sqlforge uses for
// a text-to-SQL model, both when it writes training data (the dataset exporters) and when it
// asks a model at inference (internal/prompt's Builder, for serve, ask and eval), so a
// fine-tuned model always sees at inference the text it was trained on. It imports nothing of
// sqlforge, so the exporters render prompts without the schema and ontology machinery.
//
// A prompt is a list of chat messages: a system message (instructions, the schema context and
// the ontology concepts the question mentions), optional few-shot examples and earlier turns
// of a conversation as user/assistant pairs, and the user's question. The text comes from the
// templates under templates/.
package chat

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

var templates = template.Must(template.ParseFS(templateFS, "templates/*.tmpl"))

// FinalSQLMarker separates reasoning from SQL in an answer, as in the seed project.
const FinalSQLMarker = "###final_sql_query:"

// Role is the author of a chat message.
type Role string

// The roles every OpenAI-compatible server accepts.
const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Message is one turn of a chat conversation, as the prompts render it and every model
// backend (internal/model) receives it.
type Message struct {
	Role    Role
	Content string
}

// Example is a solved question shown to the model before the real one (few-shot), or an
// earlier turn of the conversation.
type Example struct {
	// Question is the natural-language question.
	Question string
	// SQL is the query that answers it.
	SQL string
	// Reasoning optionally explains the query; shown only when Input.Reasoning is set.
	Reasoning string
}

// Concept is an ontology concept the question mentions, as the prompt describes it.
type Concept struct {
	// Kind is "metric", "dimension" or "entity".
	Kind string
	// Name is the concept's name in the ontology.
	Name string
	// Description says what it means in business words.
	Description string
	// Definition is the SQL it stands for: a metric's formula, a dimension's column or
	// expression, an entity's tables.
	Definition string
}

// Input is everything a prompt can say. Only Question is required.
type Input struct {
	// Question is the user's question.
	Question string
	// Evidence is external knowledge given with the question (BIRD).
	Evidence string
	// Schema is the schema context, normally CREATE TABLE statements.
	Schema string
	// Engine names the database engine the answer is written for, as the system message
	// says it: "SQLite" when empty, "PostgreSQL" (see EngineName).
	Engine string
	// Concepts are the ontology concepts the question mentions.
	Concepts []Concept
	// Examples are few-shot examples, shown as earlier user/assistant turns.
	Examples []Example
	// History holds the earlier turns of this conversation, oldest first; they follow the
	// examples, so a follow-up ("only for 2023") can refine the last query.
	History []Example
	// Reasoning shows the examples' and history's answers in the reasoning format (reasoning,
	// FinalSQLMarker, SQL), the format a model trained on reasoning exports answers in. The
	// system message is the same either way, as in the exports.
	Reasoning bool
}

// Messages renders in as chat messages: system, examples and history as user/assistant
// pairs, then the question.
func Messages(in Input) []Message {
	msgs := []Message{{Role: RoleSystem, Content: System(in)}}
	for _, ex := range append(append([]Example(nil), in.Examples...), in.History...) {
		msgs = append(msgs,
			Message{Role: RoleUser, Content: User(ex.Question, "")},
			Message{Role: RoleAssistant, Content: Assistant(ex, in.Reasoning)})
	}
	return append(msgs, Message{Role: RoleUser, Content: User(in.Question, in.Evidence)})
}

// System renders the system message of in.
func System(in Input) string {
	engine := in.Engine
	if engine == "" {
		engine = "SQLite"
	}
	return execute("system.tmpl", struct {
		Engine   string
		Schema   string
		Concepts []Concept
	}{engine, strings.TrimSpace(in.Schema), in.Concepts})
}

// EngineName is how a system message names the engine of a dialect ("sqlite", "postgres").
func EngineName(dialect string) string {
	switch dialect {
	case "postgres":
		return "PostgreSQL"
	case "bigquery":
		return "BigQuery"
	}
	return "SQLite"
}

// User renders a user message: the question, then the evidence if any.
func User(question, evidence string) string {
	return execute("user.tmpl", struct{ Question, Evidence string }{question, evidence})
}

// Assistant renders what the model should answer for ex: the SQL, or with reasoning the
// reasoning, a blank line, FinalSQLMarker, a newline and the SQL (the seed's format).
// The reasoning format is kept even when ex.Reasoning is empty, so a model trained on it
// always writes the marker.
func Assistant(ex Example, reasoning bool) string {
	return execute("assistant.tmpl", struct {
		SQL, Reasoning string
		WithReasoning  bool
	}{ex.SQL, ex.Reasoning, reasoning})
}

// execute renders a template whose data is built here, so a failure is a bug.
func execute(name string, data any) string {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, data); err != nil {
		panic(fmt.Sprintf("chat: template %s: %v", name, err))
	}
	return b.String()
}
