// Package local fine-tunes sqlforge's Go Llama model (internal/lm) on this
// machine: supervised fine-tuning with the loss on answer tokens only, in
// LoRA mode (only the adapters train) or full mode (every weight: the same
// loop pretrains the embedded model).
//
// The loop takes already-tokenized examples, so it does not depend on a
// tokenizer. It batches them with padding (or packs them into rows),
// shuffles them per epoch from a seed, accumulates gradients over
// micro-batches, clips their global norm, and steps AdamW under a warm-up
// and cosine learning-rate schedule. Every EvalEvery steps it measures the
// validation loss and mean token accuracy and stops early after Patience
// evaluations without improvement, keeping the best weights.
//
// A run directory receives results.csv (OpenAI's columns, one row per
// step, written as the steps finish), checkpoint.gob every SaveEvery steps
// (written to a temporary file and renamed), loss.svg at the end, and the
// trained weights: adapter/ in PEFT's layout (LoRA) or model/ (full).
// Resume continues a killed run so that its weights and metrics are
// bit-identical to an uninterrupted run's.
package local

import (
	"errors"
	"fmt"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// Mode says which weights train.
type Mode string

// Training modes.
const (
	// ModeLoRA trains LoRA adapters on a frozen base (fine-tuning).
	ModeLoRA Mode = "lora"
	// ModeFull trains every weight of the model (pretraining, full
	// fine-tuning).
	ModeFull Mode = "full"
)

// Config holds a run's settings. Start from DefaultConfig: Train uses the
// values as they are, so a zero means zero (no warm-up, no weight decay).
type Config struct {
	Mode Mode
	// LoRA configures the adapters added in LoRA mode when the model has
	// none yet (a model that already has adapters keeps them).
	LoRA lm.LoRAConfig
	// BaseModel names the base in adapter_config.json.
	BaseModel string

	LearningRate float64 // peak learning rate, reached after warm-up
	MinLRRatio   float64 // cosine decay ends at LearningRate·MinLRRatio
	WarmupRatio  float64 // fraction of the total steps spent warming up linearly
	WeightDecay  float64 // decoupled (AdamW); not applied to 1-D tensors (norms, biases)
	Beta1, Beta2 float64 // AdamW moment decay rates
	Eps          float64 // AdamW denominator epsilon
	MaxGradNorm  float64 // global gradient-norm clip; 0 disables clipping

	BatchSize int  // sequences per micro-batch
	GradAccum int  // micro-batches per optimizer step
	MaxSeqLen int  // longer examples are truncated (padding), rows are this long (packing)
	Packing   bool // pack several examples into each row instead of padding each one
	// GroupByLength batches rows of similar length together (within chunks
	// of 16 batches of the shuffled epoch), which cuts padding; without
	// packing only.
	GroupByLength bool
	PadID         int // token id of padding (its positions never count)

	Epochs   int // passes over the training data, used when MaxSteps is 0
	MaxSteps int // optimizer steps; 0 means Epochs passes

	EvalEvery int    // steps between validation passes; 0 disables validation
	Patience  int    // evaluations without a better validation loss before stopping; 0 never stops early
	SaveEvery int    // steps between checkpoints; 0 writes none (the final one excepted)
	Seed      uint64 // shuffling, dropout and adapter initialisation
	RunDir    string // where results, checkpoints and weights go; empty writes nothing
}

// DefaultConfig returns sane settings for a mode: in LoRA mode the seeds'
// adapters (r=16, alpha=32, dropout 0.05 on q_proj, v_proj) at learning
// rate 2e-4 without weight decay; in full mode 3e-4 with weight decay 0.1.
// Both: AdamW (0.9, 0.999, 1e-8), 3% warm-up, cosine decay to 10%,
// clipping at 1.0, batches of 4 sequences up to 512 tokens, 3 epochs,
// validation every 20 steps with patience 5, a checkpoint every 50 steps.
func DefaultConfig(mode Mode) Config {
	c := Config{
		Mode: mode, LoRA: lm.DefaultLoRAConfig(), LearningRate: 2e-4, MinLRRatio: 0.1, WarmupRatio: 0.03,
		Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, MaxGradNorm: 1, BatchSize: 4, GradAccum: 1, MaxSeqLen: 512,
		Epochs: 3, EvalEvery: 20, Patience: 5, SaveEvery: 50, Seed: 1, GroupByLength: true,
	}
	if mode == ModeFull {
		c.LearningRate, c.WeightDecay = 3e-4, 0.1
	}
	return c
}

// Validate reports every out-of-range setting at once.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Mode != ModeLoRA && c.Mode != ModeFull {
		bad("mode %q: want %q or %q", c.Mode, ModeLoRA, ModeFull)
	}
	if c.LearningRate <= 0 {
		bad("learning rate %g: want > 0", c.LearningRate)
	}
	if c.MinLRRatio < 0 || c.MinLRRatio > 1 {
		bad("min lr ratio %g: want 0..1", c.MinLRRatio)
	}
	if c.WarmupRatio < 0 || c.WarmupRatio >= 1 {
		bad("warm-up ratio %g: want 0 <= ratio < 1", c.WarmupRatio)
	}
	if c.WeightDecay < 0 {
		bad("weight decay %g: want >= 0", c.WeightDecay)
	}
	if c.Beta1 < 0 || c.Beta1 >= 1 || c.Beta2 < 0 || c.Beta2 >= 1 || c.Eps <= 0 {
		bad("adamw betas (%g, %g) and eps %g: want betas in [0,1) and eps > 0", c.Beta1, c.Beta2, c.Eps)
	}
	if c.MaxGradNorm < 0 {
		bad("max grad norm %g: want >= 0", c.MaxGradNorm)
	}
	if c.BatchSize <= 0 || c.GradAccum <= 0 {
		bad("batch size %d × accumulation %d: want both > 0", c.BatchSize, c.GradAccum)
	}
	if c.MaxSeqLen < 2 {
		bad("max sequence length %d: want >= 2", c.MaxSeqLen)
	}
	if c.MaxSteps < 0 || (c.MaxSteps == 0 && c.Epochs <= 0) {
		bad("max steps %d, epochs %d: want max steps > 0 or epochs > 0", c.MaxSteps, c.Epochs)
	}
	if c.EvalEvery < 0 || c.Patience < 0 || c.SaveEvery < 0 {
		bad("eval every %d, patience %d, save every %d: want >= 0", c.EvalEvery, c.Patience, c.SaveEvery)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid training config: %w", err)
	}
	return nil
}
