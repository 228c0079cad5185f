package openaitest

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ChatRequest is the subset of the chat completions request body the server
// understands; other fields are accepted and ignored, as the real servers do.
type ChatRequest struct {
	Model               string        `json:"model"`
	Messages            []ChatMessage `json:"messages"`
	Temperature         *float64      `json:"temperature,omitempty"`
	MaxTokens           *int          `json:"max_tokens,omitempty"`
	MaxCompletionTokens *int          `json:"max_completion_tokens,omitempty"`
	N                   *int          `json:"n,omitempty"`
	Stop                any           `json:"stop,omitempty"`
	Logprobs            *bool         `json:"logprobs,omitempty"`
	Seed                *int          `json:"seed,omitempty"`
	Stream              bool          `json:"stream,omitempty"`
	// ResponseFormat is {"type":"text"|"json_object"|"json_schema", "json_schema":{"name","schema","strict"}}.
	ResponseFormat *ResponseFormat `json:"response_format,omitempty"`
}

// ResponseFormat is a request's response_format.
type ResponseFormat struct {
	Type       string `json:"type"`
	JSONSchema *struct {
		Name   string         `json:"name"`
		Schema map[string]any `json:"schema"`
		Strict *bool          `json:"strict"`
	} `json:"json_schema"`
}

// ChatMessage is one message of a request or a choice.
type ChatMessage struct {
	Role    string `json:"role"`
	Content any    `json:"content"` // a string, or an array of content parts
}

// ChatCompletion is the response body.
type ChatCompletion struct {
	ID      string   `json:"id"`
	Object  string   `json:"object"`
	Created int64    `json:"created"`
	Model   string   `json:"model"`
	Choices []Choice `json:"choices"`
	Usage   Usage    `json:"usage"`
}

// Choice is one entry of ChatCompletion.Choices.
type Choice struct {
	Index        int           `json:"index"`
	Message      ReplyMessage  `json:"message"`
	Logprobs     *ChoiceLogprb `json:"logprobs"`
	FinishReason string        `json:"finish_reason"`
}

// ReplyMessage is the assistant message of a choice.
type ReplyMessage struct {
	Role    string  `json:"role"`
	Content string  `json:"content"`
	Refusal *string `json:"refusal"`
}

// ChoiceLogprb is a choice's log-probability information.
type ChoiceLogprb struct {
	Content []TokenLogprob `json:"content"`
	Refusal []TokenLogprob `json:"refusal"`
}

// TokenLogprob is one generated token with its log-probability.
type TokenLogprob struct {
	Token       string         `json:"token"`
	Logprob     float64        `json:"logprob"`
	Bytes       []int          `json:"bytes"`
	TopLogprobs []TokenLogprob `json:"top_logprobs"`
}

// Usage is the token accounting of a completion.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// ErrorBody is OpenAI's (and Azure OpenAI's) error response body.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the "error" object of ErrorBody.
type ErrorDetail struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

// readJSON decodes one JSON body both into raw fields and into req.
func readJSON(dec *json.Decoder, raw *map[string]json.RawMessage, req *ChatRequest) error {
	if err := dec.Decode(raw); err != nil {
		return err
	}
	b, err := json.Marshal(*raw)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, req)
}

var validRoles = map[string]bool{"system": true, "developer": true, "user": true, "assistant": true, "tool": true}

// validate returns OpenAI's message and param for an invalid request, or "".
// On the Azure path the deployment names the model, so model is optional.
func (r ChatRequest) validate(azure bool) (msg, param string) {
	switch {
	case r.Model == "" && !azure:
		return "you must provide a model parameter", "model"
	case len(r.Messages) == 0:
		return "[] is too short - 'messages'", "messages"
	case r.Temperature != nil && (*r.Temperature < 0 || *r.Temperature > 2):
		return fmt.Sprintf("%g is not in [0, 2] - 'temperature'", *r.Temperature), "temperature"
	case r.N != nil && (*r.N < 1 || *r.N > 128):
		return fmt.Sprintf("%d is not in [1, 128] - 'n'", *r.N), "n"
	case r.MaxTokens != nil && *r.MaxTokens < 1:
		return "max_tokens must be at least 1", "max_tokens"
	case r.MaxCompletionTokens != nil && *r.MaxCompletionTokens < 1:
		return "max_completion_tokens must be at least 1", "max_completion_tokens"
	case r.MaxTokens != nil && r.MaxCompletionTokens != nil:
		return "max_tokens and max_completion_tokens cannot both be set", "max_tokens"
	case r.Stream:
		return "this test server does not stream", "stream"
	}
	if f := r.ResponseFormat; f != nil {
		switch {
		case f.Type != "text" && f.Type != "json_object" && f.Type != "json_schema":
			return fmt.Sprintf("Invalid value: '%s'. Supported values are: 'text', 'json_object' and 'json_schema'.", f.Type), "response_format.type"
		case f.Type == "json_schema" && (f.JSONSchema == nil || f.JSONSchema.Name == ""):
			return "Missing required parameter: 'response_format.json_schema.name'.", "response_format.json_schema.name"
		case f.Type == "json_schema" && f.JSONSchema.Schema["type"] != "object":
			return "Invalid schema for response_format: the root must be an object.", "response_format.json_schema.schema"
		}
	}
	for i, m := range r.Messages {
		if !validRoles[m.Role] {
			return fmt.Sprintf("Invalid value: '%s'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'.", m.Role),
				fmt.Sprintf("messages[%d].role", i)
		}
		if _, ok := m.Content.(string); !ok && m.Role != "assistant" {
			if _, parts := m.Content.([]any); !parts {
				return fmt.Sprintf("Invalid type for 'messages[%d].content'", i), fmt.Sprintf("messages[%d].content", i)
			}
		}
	}
	return "", ""
}

// complete builds the answer to a valid request.
func (s *Server) complete(req ChatRequest, deployment, scripted string) ChatCompletion {
	n := 1
	if req.N != nil {
		n = *req.N
	}
	model := req.Model
	if deployment != "" {
		model = deployment
	}
	out := ChatCompletion{ID: "chatcmpl-test", Object: "chat.completion", Created: 1700000000, Model: model + "-served"}
	for _, m := range req.Messages {
		if text, ok := m.Content.(string); ok {
			out.Usage.PromptTokens += len(strings.Fields(text))
		}
	}
	for i := range n {
		content := scripted
		switch {
		case content != "":
		case s.Reply != nil:
			content = s.Reply(req, i)
		default:
			content = "```sql\nSELECT 1;\n```"
		}
		tokens := strings.Fields(content)
		ch := Choice{Index: i, Message: ReplyMessage{Role: "assistant", Content: content}, FinishReason: "stop"}
		if req.Logprobs != nil && *req.Logprobs {
			ch.Logprobs = &ChoiceLogprb{Content: []TokenLogprob{}, Refusal: nil}
			for j, tok := range tokens {
				lp := -0.5
				if len(s.TokenLogprobs) > 0 {
					lp = s.TokenLogprobs[j%len(s.TokenLogprobs)]
				}
				ch.Logprobs.Content = append(ch.Logprobs.Content, TokenLogprob{Token: tok, Logprob: lp, Bytes: bytesOf(tok), TopLogprobs: []TokenLogprob{}})
			}
		}
		max := req.MaxTokens
		if max == nil {
			max = req.MaxCompletionTokens
		}
		if max != nil && len(tokens) > *max {
			ch.FinishReason = "length"
		}
		out.Usage.CompletionTokens += len(tokens)
		out.Choices = append(out.Choices, ch)
	}
	out.Usage.TotalTokens = out.Usage.PromptTokens + out.Usage.CompletionTokens
	return out
}

func bytesOf(s string) []int {
	b := make([]int, len(s))
	for i := range len(s) {
		b[i] = int(s[i])
	}
	return b
}
