package eval

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/confidence"
)

// Prediction is a model's answer to one item.
type Prediction struct {
	// SQL is the predicted query ("" when the model gave none).
	SQL string
	// Raw is the model's whole answer, when it differs from SQL.
	Raw string
	// Latency is the time the model took (0 for gold and files; the
	// original latency for cached answers).
	Latency time.Duration
	// PromptTokens and CompletionTokens are the tokens the model billed.
	PromptTokens, CompletionTokens int
	// Cached reports an answer read from the prediction cache.
	Cached bool
	// Confidence holds the confidence signals the model gave with its answer (its
	// mean token log-probability, which knn fills with its retrieval confidence; the
	// agreement of samples when several were drawn); the evaluator adds what it sees
	// when it prepares and runs the SQL and computes the confidence the server would
	// answer with (confidence.Signals.Value). nil for predictors that are not models
	// (gold, predictions files): their items get no confidence and no calibration.
	Confidence *confidence.Signals
}

// Predictor produces predictions for items. Implementations are safe for
// concurrent use.
type Predictor interface {
	// Name identifies the predictor in reports (the model reference).
	Name() string
	// Predict answers it; schema is the CREATE TABLE context of its database.
	Predict(ctx context.Context, it Item, schema string) (Prediction, error)
}

// Gold is the oracle predictor: it answers every item with its gold SQL, so
// it must score 100% wherever the gold runs.
type Gold struct{}

// Name returns "gold".
func (Gold) Name() string { return "gold" }

// Predict returns the item's gold SQL.
func (Gold) Predict(_ context.Context, it Item, _ string) (Prediction, error) {
	return Prediction{SQL: it.Gold}, nil
}

// FilePredictor answers from a predictions file read by ReadPredictions.
type FilePredictor struct {
	name string
	sql  []string
	has  []bool
}

// OpenFile reads the predictions file at path for items (the whole dataset,
// before any limit) and returns a predictor named "file:PATH".
func OpenFile(path string, items []Item) (*FilePredictor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open predictions: %w", err)
	}
	defer f.Close()
	sql, has, err := ReadPredictions(f, path, items)
	if err != nil {
		return nil, err
	}
	return &FilePredictor{name: "file:" + path, sql: sql, has: has}, nil
}

// Name returns "file:PATH".
func (p *FilePredictor) Name() string { return p.name }

// Predict returns the file's prediction for it; an item the file has no
// prediction for is an error, reported on the item.
func (p *FilePredictor) Predict(_ context.Context, it Item, _ string) (Prediction, error) {
	if it.Index < 0 || it.Index >= len(p.sql) || !p.has[it.Index] {
		return Prediction{}, fmt.Errorf("%s has no prediction for item %d", strings.TrimPrefix(p.name, "file:"), it.Index)
	}
	return Prediction{SQL: p.sql[it.Index]}, nil
}
