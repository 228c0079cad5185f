// Package model defines how sqlforge talks to a text-to-SQL model: one small
// Backend interface, the request and response types it exchanges, a model
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

	"github.com/sqlforge/sqlforge/internal/prompt"
)

// Backend generates completions for chat requests. Implementations must be
// safe for concurrent use; they enforce their own concurrency limits.
type Backend interface {
	// Generate returns the model's answers to req. It blocks until the
	// answers arrive, ctx is done, or the backend gives up.
	Generate(ctx context.Context, req Request) (Response, error)
	// Name identifies the backend in logs, errors and reports, normally the
	// model reference it was opened from (for example "openai:gpt-4o-mini").
	// It never contains a secret.
	Name() string
}

// Role is the author of a chat message (defined with the prompts that render messages).
type Role = prompt.Role

// The roles every OpenAI-compatible server accepts.
const (
	RoleSystem    = prompt.RoleSystem
	RoleUser      = prompt.RoleUser
	RoleAssistant = prompt.RoleAssistant
)

// Message is one turn of a chat conversation.
type Message = prompt.Message

// Request is what a Backend is asked to complete. Zero values mean "the
// server's default" except where noted.
type Request struct {
	// Messages is the conversation, oldest first; it must not be empty.
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
