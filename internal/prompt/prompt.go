// Package prompt chooses what goes into the one prompt sqlforge uses for a text-to-SQL model
// at inference (serve, ask, eval): Builder links the question to tables and ontology concepts
// and retrieves few-shot examples with Index. The prompt's text and the chat message types
// live in internal/chat, which the dataset exporters use too, so a fine-tuned model sees at
// inference the text it was trained on; the names below are that package's, kept here for
// the callers of prompt.
package prompt

import "github.com/sqlforge/sqlforge/internal/chat"

// The chat types, as internal/chat defines them.
type (
	Role    = chat.Role
	Message = chat.Message
	Example = chat.Example
	Concept = chat.Concept
	Input   = chat.Input
)

// The roles every OpenAI-compatible server accepts.
const (
	RoleSystem    = chat.RoleSystem
	RoleUser      = chat.RoleUser
	RoleAssistant = chat.RoleAssistant
)

// FinalSQLMarker separates reasoning from SQL in an answer, as in the seed project.
const FinalSQLMarker = chat.FinalSQLMarker

// Messages renders in as chat messages (chat.Messages).
func Messages(in Input) []Message { return chat.Messages(in) }

// System renders the system message of in (chat.System).
func System(in Input) string { return chat.System(in) }

// User renders a user message (chat.User).
func User(question, evidence string) string { return chat.User(question, evidence) }

// Assistant renders what the model should answer for ex (chat.Assistant).
func Assistant(ex Example, reasoning bool) string { return chat.Assistant(ex, reasoning) }

// EngineName is how a system message names the engine of a dialect (chat.EngineName).
func EngineName(dialect string) string { return chat.EngineName(dialect) }
