package ranking

import (
	"context"
	"errors"
	"math"

	"github.com/sqlforge/sqlforge/internal/train/local"
)

// Finetuner is the Trainer of `sqlforge train --base A --base B`: every base is fine-tuned
// by train/local.Finetune with the same options o (data, steps, LoRA or full, learning
// rate, seed); only Base and Out change.
func Finetuner(o local.FinetuneOptions) Trainer {
	return func(ctx context.Context, base, runDir string) (Trained, error) {
		if o.Target == "plan" {
			return Trained{}, errors.New("ranking plan decoders is not supported: train with --target sql")
		}
		o := o
		o.Base, o.Out = base, runDir
		s, err := local.Finetune(ctx, o)
		if err != nil {
			return Trained{}, err
		}
		t := Trained{Model: s.Model, Steps: s.Steps, FinalLoss: s.FinalLoss, BestValidLoss: math.NaN(),
			TokensPerSecond: s.TokensPerSecond}
		if s.BestValidLoss != nil {
			t.BestValidLoss = *s.BestValidLoss
		}
		return t, nil
	}
}

// EvalData picks the items a ranking evaluates: the explicit file, else the validation
// records, else the test split beside the training data (a sqlforge gen directory's
// test.jsonl); "" when there is none.
func EvalData(explicit, val, data string, isDir func(string) bool) string {
	switch {
	case explicit != "":
		return explicit
	case val != "":
		return val
	case data != "" && isDir(data):
		return data + "/test.jsonl"
	}
	return ""
}
