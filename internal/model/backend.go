// Package model defines how sqlforge talks to a text-to-SQL model: one small
// Backend interface, the typed request and the response it exchanges, a model
// reference syntax ("openai:gpt-4o-mini", "azure:DEPLOYMENT",
// "http://HOST:PORT/v1#MODEL", "ollama:MODEL", "knn:DATASET", ...), a registry
// that opens a Backend for a reference, an OpenAI-compatible chat client with
// retries and a concurrency limit, and extraction of the SQL from an answer.
//
// Environment variables (endpoints, API keys) are read only through Env.
package model

import (
	"context"
	"time"

	"github.com/sqlforge/sqlforge/internal/chat"
	"github.com/sqlforge/sqlforge/internal/ontology"
)

// Backend answers requests. Implementations must be safe for concurrent use;
// they enforce their own concurrency limits. A chat backend (a remote chat model,
// the local model) sends Request.ChatMessages; a backend that needs no prompt
// (knn) reads the question and the turns themselves.
type Backend interface {
	// Generate returns the model's answers to req. It blocks until the
	// answers arrive, ctx is done, or the backend gives up.
	Generate(ctx context.Context, req Request) (Response, error)
	// Name identifies the backend in logs, errors and reports, normally the
	// model reference it was opened from (for example "openai:gpt-4o-mini").
	// It never contains a secret.
	Name() string
}

// Role is the author of a chat message (defined with the prompt's text, package chat).
type Role = chat.Role

// The roles every OpenAI-compatible server accepts.
const (
	RoleSystem    = chat.RoleSystem
	RoleUser      = chat.RoleUser
	RoleAssistant = chat.RoleAssistant
)

// Message is one turn of a chat conversation.
type Message = chat.Message

// Turn is an earlier exchange of a conversation: the question asked, the SQL that
// answered it and, optionally, the reasoning or plan shown with it.
type Turn = chat.Example

// Prompt renders a request into the chat messages a chat backend sends. The caller
// that knows how its prompt is made (the server's Builder, the evaluator's fixed
// prompt) sets one; chat backends call it through Request.ChatMessages.
type Prompt func(Request) []Message

// Request is what a Backend is asked: either a text-to-SQL question (Question, with
// its evidence, the conversation so far and the handles of the database and ontology
// it is about), or a plain chat (Messages: the judge, data generation).
// Only chat backends turn a question into messages (ChatMessages); others read the
// typed fields. Zero values mean "the server's default" except where noted.
type Request struct {
	// Question is the question to answer; empty for a plain chat.
	Question string
	// Evidence is external knowledge given with the question (BIRD's evidence).
	Evidence string
	// Turns are the earlier exchanges of this conversation, oldest first.
	Turns []Turn
	// DB names the database the question is about (a shipped name or a path); "" when
	// the caller does not say.
	DB string
	// Schema is the database's schema as a prompt shows it (CREATE TABLE statements);
	// "" for none (a model fine-tuned on the database learnt its tables).
	Schema string
	// Ontology is the business vocabulary of the database, or nil.
	Ontology *ontology.Ontology
	// Prompt renders the question for a chat backend; nil renders the project's one
	// prompt (chat.Messages) over Question, Evidence, Schema and Turns.
	Prompt Prompt
	// Messages, when set, is the chat itself, oldest first, and ChatMessages returns it
	// as it is. A request needs Messages or Question.
	Messages []Message
	// Temperature is the sampling temperature; nil leaves the server's
	// default (some reasoning models accept no other value).
	Temperature *float64
	// MaxTokens caps the tokens generated per choice; 0 means no cap.
	MaxTokens int
	// N is the number of samples to return; 0 and 1 both mean one.
	N int
	// Stop lists sequences at which generation stops.
	Stop []string
	// Logprobs asks for token log-probabilities, reported per choice as
	// Choice.MeanLogprob when the server returns them.
	Logprobs bool
	// Seed asks for reproducible sampling where the server supports it.
	Seed *int
	// JSONSchema, when set, asks for an answer that is one JSON document following the
	// schema (OpenAI's structured outputs, response_format json_schema).
	JSONSchema *JSONSchema
}

// ChatMessages is what a chat backend sends for r: Messages when set, else the
// question rendered by Prompt (or chat.Messages when Prompt is nil); nil when r has
// neither messages nor a question.
func (r Request) ChatMessages() []Message {
	switch {
	case len(r.Messages) > 0:
		return r.Messages
	case r.Question == "":
		return nil
	case r.Prompt != nil:
		return r.Prompt(r)
	}
	return chat.Messages(chat.Input{Question: r.Question, Evidence: r.Evidence, Schema: r.Schema, History: r.Turns})
}

// JSONSchema names a JSON Schema an answer must follow.
type JSONSchema struct {
	Name   string
	Schema map[string]any
	// Strict asks the server to enforce the schema exactly.
	Strict bool
}

// Response is a Backend's answer to a Request.
type Response struct {
	// Choices holds one entry per sample, in the server's index order.
	Choices []Choice
	// Usage counts the tokens billed for the whole request.
	Usage Usage
	// Latency is the time Generate took, including retries and waiting for
	// a concurrency slot.
	Latency time.Duration
	// Model is the model that answered, as the server names it (it may be
	// more specific than the requested one, e.g. a dated snapshot).
	Model string
}

// Choice is one sampled answer.
type Choice struct {
	// Text is the message content the model produced.
	Text string
	// MeanLogprob is the mean of the token log-probabilities of Text
	// (natural log, ≤ 0), or nil when the server returned none.
	MeanLogprob *float64
	// FinishReason is why generation stopped: "stop", "length",
	// "content_filter", ... as the server reports it.
	FinishReason string
}

// Usage counts tokens as the server reports them; zero when it reports none.
type Usage struct {
	PromptTokens     int
	CompletionTokens int
}
