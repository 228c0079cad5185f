package pretrain

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/tokenizer"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
	"github.com/sqlforge/sqlforge/internal/train/local"
)

// Options configure a pretraining run.
type Options struct {
	// Out is the model directory to write.
	Out string
	// RunDir receives the training loop's results.csv, loss.svg and
	// checkpoints (default Out + ".run").
	RunDir string
	// Steps is the number of optimizer steps.
	Steps int
	// Seed drives the corpus shuffle, initialisation and batching.
	Seed uint64
	// Vocab is the tokenizer's vocabulary size.
	Vocab int
	// Shape is the architecture.
	Shape Shape
	// Corpus chooses the data (its Seed is set from Seed).
	Corpus CorpusOptions
	// Train is the loop's configuration; Mode, MaxSteps, Seed, RunDir and
	// PadID are set by Run.
	Train local.Config
	// Resume continues the killed run whose checkpoint is in RunDir (the
	// same options are required: the corpus and tokenizer are rebuilt from
	// them and checked against the checkpoint's fingerprint).
	Resume bool
}

// DefaultOptions are sqlforge-tiny's settings.
func DefaultOptions(out string) Options {
	tc := local.DefaultConfig(local.ModeFull)
	tc.LearningRate = 1e-3
	tc.BatchSize = 4
	tc.MaxSeqLen = 256
	tc.Packing = true
	tc.EvalEvery = 50
	tc.Patience = 0
	tc.SaveEvery = 25
	return Options{
		Out: out, Steps: 3000, Seed: 1, Vocab: 4096, Shape: TinyShape,
		Corpus: CorpusOptions{SQLCreateContext: DefaultSQLCreateContext, Chinook: 8000, Valid: 200},
		Train:  tc,
	}
}

// Summary describes a finished pretraining run (it is also the model card's data).
type Summary struct {
	Out              string  `json:"out"`
	Params           int     `json:"params"`
	Vocab            int     `json:"vocab"`
	TrainRecords     int     `json:"train_records"`
	ValidRecords     int     `json:"valid_records"`
	SQLCreateContext int     `json:"sql_create_context"`
	Chinook          int     `json:"chinook"`
	CorpusTokens     int     `json:"corpus_tokens"`
	Steps            int     `json:"steps"`
	Tokens           int64   `json:"tokens"`
	FirstLoss        float64 `json:"first_train_loss"`
	FinalLoss        float64 `json:"final_train_loss"`
	BestValidLoss    float64 `json:"best_valid_loss"`
	BestValidAcc     float64 `json:"best_valid_token_accuracy"`
	TokensPerSecond  float64 `json:"tokens_per_second"`
	Seconds          float64 `json:"seconds"`
	Seed             uint64  `json:"seed"`
	BLAS             string  `json:"blas"`
}

// Run builds the corpus and tokenizer, trains the model from a random
// initialisation and writes Out: config.json, model.safetensors,
// tokenizer.json, tokenizer_config.json and MODEL_CARD.md. obs sees every step.
func Run(ctx context.Context, opts Options, obs local.Observer) (Summary, error) {
	start := time.Now()
	if opts.RunDir == "" {
		opts.RunDir = filepath.Clean(opts.Out) + ".run"
	}
	opts.Corpus.Seed = opts.Seed
	corpus, err := BuildCorpus(ctx, opts.Corpus)
	if err != nil {
		return Summary{}, err
	}
	tok, err := TrainTokenizer(corpus.Train, opts.Vocab)
	if err != nil {
		return Summary{}, err
	}
	data, tokens, err := tokenize(corpus, tok, opts.Shape.Context)
	if err != nil {
		return Summary{}, err
	}
	m, err := lm.NewModel(ModelConfig(opts.Shape, tok.VocabSize()))
	if err != nil {
		return Summary{}, fmt.Errorf("pretrain: %w", err)
	}
	m.InitRandom(opts.Seed, 0.02)
	cfg := opts.Train
	cfg.Mode, cfg.MaxSteps, cfg.Seed, cfg.RunDir = local.ModeFull, opts.Steps, opts.Seed, opts.RunDir
	if pad, ok := tok.TokenID("<|pad|>"); ok {
		cfg.PadID = pad
	}
	var res local.Result
	if opts.Resume {
		res, err = local.Resume(ctx, m, data, opts.RunDir, obs)
	} else {
		res, err = local.Train(ctx, m, data, cfg, obs)
	}
	if err != nil {
		return Summary{}, fmt.Errorf("pretrain: %w", err)
	}
	s := Summary{Out: opts.Out, Params: m.NumParams(), Vocab: tok.VocabSize(), TrainRecords: len(corpus.Train),
		ValidRecords: len(corpus.Valid), SQLCreateContext: corpus.SQLCreateContext, Chinook: corpus.Chinook,
		CorpusTokens: tokens, Steps: res.Steps, Tokens: res.Tokens, FinalLoss: res.FinalTrainLoss,
		BestValidLoss: res.BestValidLoss, TokensPerSecond: res.TokensPerSecond, Seed: opts.Seed, BLAS: lm.BLASName}
	s.FirstLoss, s.BestValidAcc = math.NaN(), math.NaN()
	for i, r := range res.History {
		if i == 0 {
			s.FirstLoss = r.TrainLoss
		}
		if r.ValidLoss == res.BestValidLoss {
			s.BestValidAcc = r.ValidMeanTokenAccuracy
		}
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return Summary{}, fmt.Errorf("pretrain: %w", err)
	}
	for _, f := range []string{localmodel.ConfigFile, "model.safetensors"} {
		if err := local.CopyFile(filepath.Join(opts.Out, f), filepath.Join(opts.RunDir, "model", f)); err != nil {
			return Summary{}, fmt.Errorf("pretrain: write model: %w", err)
		}
	}
	if err := WriteTokenizer(opts.Out, tok, opts.Shape.Context); err != nil {
		return Summary{}, err
	}
	s.Seconds = time.Since(start).Seconds()
	if err := WriteCard(opts, s); err != nil {
		return Summary{}, err
	}
	return s, nil
}

// tokenize turns the corpus into examples whose every token after the first
// counts in the loss (language-model pretraining over prompt and answer),
// dropping those longer than the context; it returns the training tokens.
func tokenize(c Corpus, tok *tokenizer.Tokenizer, context int) (local.Dataset, int, error) {
	tmpl, err := tokenizer.TemplateFor(tokenizer.Sqlforge)
	if err != nil {
		return local.Dataset{}, 0, err
	}
	var d local.Dataset
	tokens := 0
	for _, split := range []struct {
		recs []dataset.Record
		out  *[]local.Example
	}{{c.Train, &d.Train}, {c.Valid, &d.Valid}} {
		exs, _, err := local.RecordExamples(tok, tmpl, split.recs, context)
		if err != nil {
			return local.Dataset{}, 0, fmt.Errorf("pretrain: tokenize: %w", err)
		}
		for i := range exs {
			for j := 1; j < len(exs[i].Mask); j++ {
				exs[i].Mask[j] = true
			}
		}
		*split.out = exs
	}
	for _, ex := range d.Train {
		tokens += len(ex.IDs)
	}
	return d, tokens, nil
}
