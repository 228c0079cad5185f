package ranking

import (
	"context"
	"fmt"

	"github.com/sqlforge/sqlforge/internal/confidence"
	"github.com/sqlforge/sqlforge/internal/eval"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
)

// Predictor asks a local model with the prompt it was trained on (localmodel.Messages: the
// question, the item's evidence and its own schema context), as `sqlforge run` and `eval` do,
// with the answer's mean token log-probability as its confidence.
type Predictor struct {
	Backend *localmodel.Backend
	// MaxTokens bounds an answer (384 when 0: the longest Northwind gold queries are ~250
	// tokens of sqlforge-tiny's vocabulary).
	MaxTokens int
}

// Name is the backend's name, which the report shows.
func (p Predictor) Name() string { return p.Backend.Name() }

// Predict answers one item.
func (p Predictor) Predict(ctx context.Context, it eval.Item, _ string) (eval.Prediction, error) {
	n := p.MaxTokens
	if n <= 0 {
		n = 384
	}
	resp, err := p.Backend.Generate(ctx, model.Request{Question: it.Question, Evidence: it.Evidence, Schema: it.Context,
		DB: it.DB, MaxTokens: n, Logprobs: true})
	if err != nil {
		return eval.Prediction{}, fmt.Errorf("predict item %d: %w", it.Index, err)
	}
	text := resp.Choices[0].Text
	sql, _ := model.ExtractSQL(text)
	// the answer's mean token log-probability is its confidence, so the report calibrates it
	sig := &confidence.Signals{Parses: confidence.Parses(sql), MeanLogprob: resp.Choices[0].MeanLogprob}
	return eval.Prediction{SQL: sql, Raw: text, Latency: resp.Latency, Confidence: sig,
		PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens}, nil
}
