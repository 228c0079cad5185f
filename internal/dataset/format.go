package dataset

import (
	"fmt"
	"io"
	"strings"

	"github.com/sqlforge/sqlforge/internal/chat"
)

// Format names an export format.
type Format string

// The export formats. FormatRecords is sqlforge's own Record JSONL.
const (
	FormatRecords          Format = "records"
	FormatOpenAI           Format = "openai"
	FormatOpenAIReasoning  Format = "openai_reasoning"
	FormatTRL              Format = "trl"
	FormatAlpaca           Format = "alpaca"
	FormatShareGPT         Format = "sharegpt"
	FormatSQLCreateContext Format = "sql-create-context"
)

// Formats lists every export format in documentation order.
func Formats() []Format {
	return []Format{FormatRecords, FormatOpenAI, FormatOpenAIReasoning, FormatTRL, FormatAlpaca, FormatShareGPT, FormatSQLCreateContext}
}

// ParseFormat returns the Format named s.
func ParseFormat(s string) (Format, error) {
	// Hyphens and underscores are interchangeable ("openai-reasoning" = "openai_reasoning").
	canon := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
	for _, f := range Formats() {
		if strings.ReplaceAll(string(f), "-", "_") == canon {
			return f, nil
		}
	}
	names := make([]string, 0, 8)
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("unknown format %q (want one of %s)", s, strings.Join(names, ", "))
}

// FinalSQLMarker separates reasoning from SQL in the assistant text, as in the seed project.
const FinalSQLMarker = chat.FinalSQLMarker

// Prompt is the system and user text a model sees for one record.
type Prompt struct {
	System string
	User   string
}

// Prompter renders the prompt of a record; schema is the CREATE TABLE context to give the
// model (the record's own Context when it has one, otherwise the caller's).
type Prompter func(r *Record, schema string) Prompt

// DefaultSystemPrompt opens the default system message; the schema follows it.
const DefaultSystemPrompt = "You are an expert SQL query generator specialized in SQLite. " +
	"Answer the user's question with one SQLite query over this database schema."

// DefaultPrompter puts the schema in the system message and the question (with any
// evidence) in the user message, so the question can be read back from a chat export. The
// text comes from package prompt, the templates serving uses too.
func DefaultPrompter(r *Record, schema string) Prompt { return EnginePrompter("")(r, schema) }

// EnginePrompter is DefaultPrompter for SQL written for engine ("SQLite" when empty,
// "PostgreSQL"): the system message names it.
func EnginePrompter(engine string) Prompter {
	return func(r *Record, schema string) Prompt {
		return Prompt{
			System: chat.System(chat.Input{Schema: schema, Engine: engine}),
			User:   chat.User(r.Question, r.Evidence),
		}
	}
}

// systemPromptStart opens every default system message, whatever the engine.
const systemPromptStart = "You are an expert SQL query generator specialized in "

// ExportOptions tune Export.
type ExportOptions struct {
	// Prompter renders prompts (DefaultPrompter when nil).
	Prompter Prompter
	// Schema is the CREATE TABLE context for records that carry none of their own.
	Schema string
	// SchemaByDB overrides Schema for records of a given DB.
	SchemaByDB map[string]string
}

func (o *ExportOptions) schemaFor(r *Record) string {
	if r.Context != "" {
		return r.Context
	}
	if s, ok := o.SchemaByDB[r.DB]; ok {
		return s
	}
	return o.Schema
}

func (o *ExportOptions) prompt(r *Record) Prompt {
	p := o.Prompter
	if p == nil {
		p = DefaultPrompter
	}
	return p(r, o.schemaFor(r))
}

// ChatMessage is one OpenAI chat message.
type ChatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// OpenAIChat is one line of OpenAI chat fine-tuning JSONL.
type OpenAIChat struct {
	Messages []ChatMessage `json:"messages"`
}

// TRLPromptCompletion is one line of TRL's standard prompt-completion JSONL.
type TRLPromptCompletion struct {
	Prompt     string `json:"prompt"`
	Completion string `json:"completion"`
}

// Alpaca is one Alpaca instruction record: the question, the schema, the SQL.
type Alpaca struct {
	Instruction string `json:"instruction"`
	Input       string `json:"input"`
	Output      string `json:"output"`
}

// ShareGPTTurn is one turn of a ShareGPT conversation (from: system, human or gpt).
type ShareGPTTurn struct {
	From  string `json:"from"`
	Value string `json:"value"`
}

// ShareGPT is one ShareGPT conversation.
type ShareGPT struct {
	Conversations []ShareGPTTurn `json:"conversations"`
}

// SQLCreateContext is one b-mc2/sql-create-context style record.
type SQLCreateContext struct {
	Question string `json:"question"`
	Context  string `json:"context"`
	Answer   string `json:"answer"`
}

// AssistantText is what the model should answer: the SQL, or with reasoning the reasoning,
// a blank line, FinalSQLMarker, a newline and the SQL, exactly as the seed project writes it.
func AssistantText(r *Record, reasoning bool) string {
	return chat.Assistant(chat.Example{SQL: r.SQL, Reasoning: r.Reasoning}, reasoning)
}

// Chat renders a record as an OpenAI chat example.
func Chat(r *Record, reasoning bool, opts ExportOptions) OpenAIChat {
	p := opts.prompt(r)
	return OpenAIChat{Messages: []ChatMessage{
		{Role: "system", Content: p.System},
		{Role: "user", Content: p.User},
		{Role: "assistant", Content: AssistantText(r, reasoning)},
	}}
}

// Convert renders one record in format f as a JSON-encodable value.
func Convert(r *Record, f Format, opts ExportOptions) (any, error) {
	switch f {
	case FormatRecords:
		return r, nil
	case FormatOpenAI:
		return Chat(r, false, opts), nil
	case FormatOpenAIReasoning:
		return Chat(r, true, opts), nil
	case FormatTRL:
		p := opts.prompt(r)
		return TRLPromptCompletion{Prompt: p.System + "\n\n" + p.User + "\n", Completion: r.SQL}, nil
	case FormatAlpaca:
		return Alpaca{Instruction: r.Question, Input: opts.schemaFor(r), Output: r.SQL}, nil
	case FormatShareGPT:
		p := opts.prompt(r)
		return ShareGPT{Conversations: []ShareGPTTurn{
			{From: "system", Value: p.System}, {From: "human", Value: p.User}, {From: "gpt", Value: r.SQL},
		}}, nil
	case FormatSQLCreateContext:
		return SQLCreateContext{Question: r.Question, Context: opts.schemaFor(r), Answer: r.SQL}, nil
	}
	return nil, fmt.Errorf("unknown format %q", f)
}

// Export writes records to w in format f, one JSON object per line.
func Export(w io.Writer, recs []Record, f Format, opts ExportOptions) error {
	if _, err := ParseFormat(string(f)); err != nil {
		return err
	}
	return writeLines(w, len(recs), func(i int) any {
		v, _ := Convert(&recs[i], f, opts)
		return v
	})
}
