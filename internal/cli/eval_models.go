package cli

import (
	"context"
	"fmt"
	"github.com/sqlforge/sqlforge/internal/confidence"
	"strings"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/eval"
	"github.com/sqlforge/sqlforge/internal/lm/constrain"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/backend"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
	"github.com/sqlforge/sqlforge/internal/model/planner"
	"github.com/sqlforge/sqlforge/internal/schema"
)

// openPredictors opens every --model: plan models share one planner environment (closed by the
// returned function), and local models decode under the schema with --constrain.
func openPredictors(ctx context.Context, f evalFlags, items []eval.Item, cacheDir string) ([]eval.Predictor, func(), error) {
	var preds []eval.Predictor
	var env *planner.Env
	closeAll := func() {}
	fail := func(err error) ([]eval.Predictor, func(), error) {
		closeAll()
		return nil, nil, err
	}
	for _, ref := range f.models {
		if strings.HasPrefix(ref, model.PlanPrefix) {
			if env == nil {
				e, closeEnv, err := plannerEnv(ctx, f.db, f.ontology)
				if err != nil {
					return fail(userErr(fmt.Errorf("--model %s: %w", ref, err)))
				}
				closeAll, env = closeEnv, e
			}
			pl, err := openPlanner(ctx, ref, env)
			if err != nil {
				return fail(err)
			}
			if l, ok := pl.(*planner.Local); ok && f.constrain {
				l.Constrained = true // decode under the plan grammar
			}
			preds = append(preds, eval.PlanPredictor{P: pl})
			continue
		}
		p, err := openPredictor(ctx, ref, items, cacheDir)
		if err != nil {
			return fail(err)
		}
		if lp, ok := p.(localPredictor); ok && f.constrain {
			names, err := schemaNames(ctx, f.db)
			if err != nil {
				return fail(userErr(fmt.Errorf("--constrain: %w", err)))
			}
			lp.b.Constrain(names)
			lp.suffix = " (schema-constrained)"
			p = lp
		}
		preds = append(preds, p)
	}
	return preds, closeAll, nil
}

const simTokens = "tokens"

// openSimilarity opens --similarity: nil for the local token vector, or an
// embedding similarity over the model that embeddings:REF names.
func openSimilarity(ctx context.Context, s string) (*eval.EmbeddingSimilarity, error) {
	if s == "" || s == simTokens {
		return nil, nil
	}
	ref, ok := strings.CutPrefix(s, "embeddings:")
	if !ok {
		return nil, userErr(fmt.Errorf("--similarity %q: want %s or embeddings:REF", s, simTokens))
	}
	r, err := model.ParseRef(ref)
	if err != nil {
		return nil, userErr(fmt.Errorf("--similarity: %w", err))
	}
	e, err := model.OpenEmbedder(ctx, r, model.OSEnv())
	if err != nil {
		return nil, userErr(fmt.Errorf("--similarity: %w", err))
	}
	return eval.NewEmbeddingSimilarity(e), nil
}

// openPredictor opens one --model reference.
func openPredictor(ctx context.Context, ref string, items []eval.Item, cacheDir string) (eval.Predictor, error) {
	switch {
	case ref == "gold":
		return eval.Gold{}, nil
	case strings.HasPrefix(ref, "file:"):
		p, err := eval.OpenFile(strings.TrimPrefix(ref, "file:"), items)
		if err != nil {
			return nil, userErr(fmt.Errorf("--model %s: %w", ref, err))
		}
		return p, nil
	}
	b, err := openBackend(ctx, ref)
	if err != nil {
		return nil, err
	}
	if lb, ok := b.(*localmodel.Backend); ok {
		// A local model is asked with the prompt it was trained on, as `sqlforge run` does.
		return localPredictor{b: lb}, nil
	}
	return eval.NewModelPredictor(b, cacheDir), nil
}

// openBackend opens a model backend through the model registry.
func openBackend(ctx context.Context, ref string) (model.Backend, error) {
	r, err := model.ParseRef(ref)
	if err != nil {
		return nil, userErr(err)
	}
	b, err := backend.Open(ctx, r, model.OSEnv())
	if err != nil {
		return nil, userErr(fmt.Errorf("open model %s: %w", ref, err))
	}
	return b, nil
}

// localPredictor asks a local model with the prompt it was trained on
// (localmodel.Messages: the question and the item's own schema context, if
// any), rather than the evaluator's generic prompt with the whole schema,
// which would not fit a small model's context.
type localPredictor struct {
	b      *localmodel.Backend
	suffix string // told apart in the report, e.g. " (schema-constrained)"
}

func (p localPredictor) Name() string { return p.b.Name() + p.suffix }

// localMaxTokens bounds an answer of the local models: the longest gold
// queries of the Northwind split are ~250 tokens of sqlforge-tiny's
// vocabulary (at 160, 7 of 100 fine-tuned answers were cut short).
const localMaxTokens = 384

func (p localPredictor) Predict(ctx context.Context, it eval.Item, _ string) (eval.Prediction, error) {
	resp, err := p.b.Generate(ctx, model.Request{Question: it.Question, Evidence: it.Evidence, Schema: it.Context,
		DB: it.DB, MaxTokens: localMaxTokens, Logprobs: true})
	if err != nil {
		return eval.Prediction{}, err
	}
	text := resp.Choices[0].Text
	sql, _ := model.ExtractSQL(text)
	// the answer's mean token log-probability is its confidence, so the report calibrates it
	sig := &confidence.Signals{Parses: confidence.Parses(sql), MeanLogprob: resp.Choices[0].MeanLogprob}
	return eval.Prediction{SQL: sql, Raw: text, Latency: resp.Latency, Confidence: sig,
		PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens}, nil
}

// schemaNames are the tables and columns of a SQLite database (a shipped
// name or a file), the names schema-constrained decoding allows.
func schemaNames(ctx context.Context, ref string) (constrain.Names, error) {
	db, err := database.Open(ctx, ref)
	if err != nil {
		return constrain.Names{}, err
	}
	defer db.Close()
	s, err := schema.Introspect(ctx, db.DB)
	if err != nil {
		return constrain.Names{}, fmt.Errorf("read schema of %s: %w", ref, err)
	}
	return constrain.FromSchema(s), nil
}
