package eval

import (
	"context"
	"math"
	"testing"

	"github.com/sqlforge/sqlforge/internal/model"
)

// believer answers SELECT 1 with a mean token log-probability of ln 0.7.
type believer struct{ calls int }

func (b *believer) Name() string { return "believer" }

func (b *believer) Generate(_ context.Context, req model.Request) (model.Response, error) {
	b.calls++
	lp := math.Log(0.7)
	if !req.Logprobs {
		return model.Response{Choices: []model.Choice{{Text: "SELECT 1"}}}, nil
	}
	return model.Response{Choices: []model.Choice{{Text: "SELECT 1", MeanLogprob: &lp}}}, nil
}

// TestModelPredictorConfidence checks that the model's log-probability reaches the
// prediction, asked for and kept through the cache.
func TestModelPredictorConfidence(t *testing.T) {
	b := &believer{}
	p := NewModelPredictor(b, t.TempDir())
	it := Item{ID: "q1", Question: "one?", Gold: "SELECT 1"}
	for _, wantCached := range []bool{false, true} {
		pred, err := p.Predict(context.Background(), it, "")
		if err != nil {
			t.Fatal(err)
		}
		if pred.Cached != wantCached || pred.Confidence == nil || pred.Confidence.MeanLogprob == nil ||
			math.Abs(*pred.Confidence.MeanLogprob-math.Log(0.7)) > 1e-12 {
			t.Fatalf("cached %v: got %+v, want the model's log-probability ln 0.7", wantCached, pred)
		}
	}
	if b.calls != 1 {
		t.Errorf("model called %d times; want 1 (second answer from the cache)", b.calls)
	}
}
