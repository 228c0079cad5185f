package model

import (
	"fmt"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/shared"
)

// params translates a Request into the SDK's chat completion parameters.
func (c *Client) params(req Request) (openai.ChatCompletionNewParams, error) {
	p := openai.ChatCompletionNewParams{Model: openai.ChatModel(c.cfg.Model)}
	for i, m := range req.Messages {
		switch m.Role {
		case RoleSystem:
			p.Messages = append(p.Messages, openai.SystemMessage(m.Content))
		case RoleUser:
			p.Messages = append(p.Messages, openai.UserMessage(m.Content))
		case RoleAssistant:
			p.Messages = append(p.Messages, openai.AssistantMessage(m.Content))
		default:
			return p, fmt.Errorf("model %s: message %d: unknown role %q", c.cfg.Name, i, m.Role)
		}
	}
	if req.Temperature != nil {
		p.Temperature = openai.Float(*req.Temperature)
	}
	if req.MaxTokens > 0 {
		// OpenAI and Azure deprecate max_tokens (reasoning models reject
		// it); Ollama and llama.cpp document only max_tokens.
		if c.cfg.Flavor == FlavorCompatible {
			p.MaxTokens = openai.Int(int64(req.MaxTokens))
		} else {
			p.MaxCompletionTokens = openai.Int(int64(req.MaxTokens))
		}
	}
	if req.N > 1 {
		p.N = openai.Int(int64(req.N))
	}
	if len(req.Stop) > 0 {
		p.Stop = openai.ChatCompletionNewParamsStopUnion{OfStringArray: req.Stop}
	}
	if req.Logprobs {
		p.Logprobs = openai.Bool(true)
	}
	if req.Seed != nil {
		p.Seed = openai.Int(int64(*req.Seed))
	}
	if s := req.JSONSchema; s != nil {
		js := shared.ResponseFormatJSONSchemaJSONSchemaParam{Name: s.Name, Schema: s.Schema}
		if s.Strict {
			js.Strict = openai.Bool(true)
		}
		p.ResponseFormat = openai.ChatCompletionNewParamsResponseFormatUnion{
			OfJSONSchema: &shared.ResponseFormatJSONSchemaParam{JSONSchema: js}}
	}
	return p, nil
}

// response translates the SDK's completion into a Response.
func (c *Client) response(cc *openai.ChatCompletion) (Response, error) {
	if cc == nil || len(cc.Choices) == 0 {
		return Response{}, &Error{Backend: c.cfg.Name, Status: 200, Message: "response has no choices"}
	}
	resp := Response{
		Model: cc.Model,
		Usage: Usage{
			PromptTokens:     int(cc.Usage.PromptTokens),
			CompletionTokens: int(cc.Usage.CompletionTokens),
		},
		Choices: make([]Choice, len(cc.Choices)),
	}
	for i, ch := range cc.Choices {
		at := i
		if idx := int(ch.Index); idx >= 0 && idx < len(cc.Choices) {
			at = idx
		}
		resp.Choices[at] = Choice{
			Text:         ch.Message.Content,
			FinishReason: string(ch.FinishReason),
			MeanLogprob:  meanLogprob(ch.Logprobs.Content),
		}
	}
	return resp, nil
}

// meanLogprob averages the token log-probabilities, or returns nil for none.
func meanLogprob(tokens []openai.ChatCompletionTokenLogprob) *float64 {
	if len(tokens) == 0 {
		return nil
	}
	var sum float64
	for _, t := range tokens {
		sum += t.Logprob
	}
	mean := sum / float64(len(tokens))
	return &mean
}
