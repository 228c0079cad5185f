package local

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/gguf"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
	"github.com/sqlforge/sqlforge/models"
)

// FinetuneOptions are the settings of one fine-tuning run from records files (sqlforge train and
// the main job's fine-tuning step).
type FinetuneOptions struct {
	// Base is a model directory or an embedded model name.
	Base string
	// Data is a records JSONL file or a directory holding train.jsonl; Val, when set, is the
	// validation records file.
	Data, Val string
	// Out is the run directory.
	Out string
	// Steps is the number of optimizer steps; 0 means Epochs passes over the data.
	Steps, Epochs int
	// LoRA are the adapters' settings (LoRA mode).
	LoRA lm.LoRAConfig
	// LR is the peak learning rate.
	LR float64
	// Batch is the number of rows per step.
	Batch int
	// MaxLen drops examples longer than this many tokens (0: the model's context).
	MaxLen int
	// Seed drives shuffling, dropout and initialisation.
	Seed uint64
	// Resume continues the killed run in Out (a fresh run when it has no checkpoint yet).
	Resume bool
	// Full trains every weight instead of LoRA adapters; the run writes Out/model.
	Full bool
	// QLoRA quantises the frozen base to NF4 (4-bit) before training LoRA adapters.
	QLoRA bool
	// Packing packs several examples into each row of MaxLen tokens.
	Packing bool
	// NoGroup turns off batching rows of similar length together.
	NoGroup bool
	// Target is what the model learns to answer: "sql" (or empty) or "plan" (the records'
	// query plans, for plan:local).
	Target string
	// Observe, when set, receives each step's progress.
	Observe Observer
	// Log, when set, receives notes for the user (a resume that starts afresh).
	Log func(format string, args ...any)
}

// FinetuneResult is what Finetune did (printed by sqlforge train, as JSON with --json).
type FinetuneResult struct {
	Base            string   `json:"base"`
	RunDir          string   `json:"run_dir"`
	Adapter         string   `json:"adapter"`
	Examples        int      `json:"examples"`
	Dropped         int      `json:"dropped_too_long"`
	Steps           int      `json:"steps"`
	FirstLoss       float64  `json:"first_train_loss"`
	FinalLoss       float64  `json:"final_train_loss"`
	BestValidLoss   *float64 `json:"best_valid_loss,omitempty"`
	Tokens          int64    `json:"tokens"`
	TokensPerSecond float64  `json:"tokens_per_second"`
	Seconds         float64  `json:"seconds"`
	Model           string   `json:"model"`
	// BaseBytes and QuantizedBytes are the base weights' memory before and after QLoRA's NF4
	// quantisation (absent without it).
	BaseBytes      int `json:"base_bytes,omitempty"`
	QuantizedBytes int `json:"quantized_base_bytes,omitempty"`
}

// InputError is an error in Finetune's options or input files that the user must fix.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// Finetune loads the base model, turns the records into examples with its tokenizer and chat
// template (the prompt the local backend renders at inference), trains (or resumes) the run in
// o.Out, and completes the run directory: a full run's model/ gets the base's tokenizer files,
// and a plan decoder keeps the plans it learnt beside its weights.
func Finetune(ctx context.Context, o FinetuneOptions) (FinetuneResult, error) {
	start := time.Now()
	if o.Data == "" || o.Out == "" {
		return FinetuneResult{}, &InputError{fmt.Errorf("--data and --out are required")}
	}
	if o.Resume && !hasCheckpoint(o.Out) {
		// killed before its first checkpoint: nothing to continue, so start afresh
		if o.Log != nil {
			o.Log("train: no checkpoint in %s yet; starting a fresh run\n", o.Out)
		}
		o.Resume = false
	}
	if !o.Resume && (o.LoRA.R < 1 || o.Batch < 1 || o.Steps < 0 || (o.Steps == 0 && o.Epochs < 1)) {
		return FinetuneResult{}, &InputError{fmt.Errorf("--lora-r, --batch and --steps or --epochs must be positive")}
	}
	m, err := localmodel.Load(o.Base, "", models.Resolve)
	if err != nil {
		return FinetuneResult{}, &InputError{err}
	}
	var baseBytes, qBytes int
	if o.QLoRA {
		if o.Full {
			return FinetuneResult{}, &InputError{fmt.Errorf("--qlora trains LoRA adapters over a frozen 4-bit base: drop --full")}
		}
		if baseBytes, qBytes, err = m.LM.QuantizeNF4(); err != nil {
			return FinetuneResult{}, fmt.Errorf("quantise %s to NF4: %w", o.Base, err)
		}
	}
	if o.MaxLen <= 0 {
		o.MaxLen = m.LM.Config.MaxPositionEmbeddings
	}
	data, dropped, planMemory, err := finetuneData(ctx, m, o)
	if err != nil {
		return FinetuneResult{}, err
	}
	var res Result
	if o.Resume {
		res, err = Resume(ctx, m.LM, data, o.Out, o.Observe)
	} else {
		cfg, cerr := finetuneConfig(m, o)
		if cerr != nil {
			return FinetuneResult{}, cerr
		}
		res, err = Train(ctx, m.LM, data, cfg, o.Observe)
	}
	if err != nil {
		return FinetuneResult{}, fmt.Errorf("train: %w", err)
	}
	adapter, ref, err := finishRunDir(m, o, planMemory)
	if err != nil {
		return FinetuneResult{}, fmt.Errorf("train: %w", err)
	}
	s := FinetuneResult{Base: o.Base, RunDir: o.Out, Adapter: adapter, Examples: len(data.Train), Dropped: dropped,
		Steps: res.Steps, FinalLoss: res.FinalTrainLoss, Tokens: res.Tokens, TokensPerSecond: res.TokensPerSecond,
		Seconds: time.Since(start).Seconds(), Model: ref, BaseBytes: baseBytes, QuantizedBytes: qBytes}
	if len(res.History) > 0 {
		s.FirstLoss = res.History[0].TrainLoss
	}
	if !math.IsNaN(res.BestValidLoss) {
		v := res.BestValidLoss
		s.BestValidLoss = &v
	}
	return s, nil
}

// finetuneData reads the train and validation records and tokenizes them, dropping the
// examples longer than o.MaxLen. With target plan it also returns the training records, the
// plan decoder's memory.
func finetuneData(ctx context.Context, m *localmodel.Model, o FinetuneOptions) (Dataset, int, []dataset.Record, error) {
	var data Dataset
	var dropped int
	var planMemory []dataset.Record
	for _, sp := range []struct {
		path string
		out  *[]Example
	}{{o.Data, &data.Train}, {o.Val, &data.Valid}} {
		if sp.path == "" {
			continue
		}
		recs, err := ReadTrainRecords(ctx, sp.path)
		if err != nil {
			return Dataset{}, 0, nil, &InputError{err}
		}
		switch o.Target {
		case "", "sql":
		case "plan":
			if sp.path == o.Data {
				planMemory = recs
			}
			if recs = localmodel.PlanTargets(recs); len(recs) == 0 {
				return Dataset{}, 0, nil, &InputError{fmt.Errorf("%s: no record carries a query plan (generate with sqlforge gen --generator plans)", sp.path)}
			}
		default:
			return Dataset{}, 0, nil, &InputError{fmt.Errorf("--target must be sql or plan, not %q", o.Target)}
		}
		exs, d, err := RecordExamples(m.Tokenizer, m.Template, recs, o.MaxLen)
		if err != nil {
			return Dataset{}, 0, nil, &InputError{fmt.Errorf("%s: %w", sp.path, err)}
		}
		*sp.out, dropped = exs, dropped+d
	}
	if len(data.Train) == 0 {
		return Dataset{}, 0, nil, &InputError{fmt.Errorf("%s: no training examples fit in %d tokens", o.Data, o.MaxLen)}
	}
	return data, dropped, planMemory, nil
}

// finetuneConfig is the configuration of a fresh run.
func finetuneConfig(m *localmodel.Model, o FinetuneOptions) (Config, error) {
	mode := ModeLoRA
	if o.Full {
		mode = ModeFull
	}
	cfg := DefaultConfig(mode)
	cfg.WeightDecay = 0
	cfg.Packing = o.Packing
	cfg.GroupByLength = !o.NoGroup
	cfg.LoRA = o.LoRA
	cfg.BaseModel, cfg.RunDir, cfg.Seed = o.Base, o.Out, o.Seed
	cfg.MaxSteps, cfg.Epochs, cfg.LearningRate, cfg.BatchSize, cfg.MaxSeqLen = o.Steps, o.Epochs, o.LR, o.Batch, o.MaxLen
	if pad, ok := m.Tokenizer.TokenID("<|pad|>"); ok {
		cfg.PadID = pad
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, &InputError{err}
	}
	return cfg, nil
}

// finishRunDir completes a finished run's directory and returns its adapter directory (empty
// for a full run) and the reference that serves the result.
func finishRunDir(m *localmodel.Model, o FinetuneOptions, planMemory []dataset.Record) (adapter, ref string, err error) {
	adapter = filepath.Join(o.Out, "adapter")
	ref = "local:" + o.Base + "+" + adapter
	if _, serr := os.Stat(filepath.Join(o.Out, "model", "model.safetensors")); o.Full || (o.Resume && serr == nil) {
		// A complete model directory: the trained weights plus the base's tokenizer files.
		adapter = ""
		dir := filepath.Join(o.Out, "model")
		if err := CopyTokenizer(dir, m.Dir); err != nil {
			return "", "", err
		}
		ref = "local:" + dir
	}
	if planMemory != nil {
		// A plan decoder keeps the plans it learnt beside its weights: plan:local retrieves
		// them too (localmodel.PlanMemoryFile), as plan:knn does.
		dir := adapter
		if dir == "" {
			dir = filepath.Join(o.Out, "model")
		}
		path := filepath.Join(dir, localmodel.PlanMemoryFile)
		if _, err := dataset.WriteFileAtomic(path, func(w io.Writer) error { return dataset.WriteJSONL(w, planMemory) }); err != nil {
			return "", "", err
		}
	}
	return adapter, ref, nil
}

// ReadTrainRecords reads a records JSONL file, or the train.jsonl of a directory.
func ReadTrainRecords(ctx context.Context, path string) ([]dataset.Record, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "train.jsonl")
	}
	recs, _, err := dataset.ReadFile(ctx, path, dataset.ReadOptions{})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: no records", path)
	}
	return recs, nil
}

// CopyTokenizer copies the tokenizer files of the model in src (those it
// has) into dst, so that dst is a complete model directory; a GGUF src
// has its tokenizer written out.
func CopyTokenizer(dst, src string) error {
	if st, err := os.Stat(src); err == nil && !st.IsDir() && gguf.IsGGUF(src) {
		return localmodel.WriteGGUFTokenizer(dst, src)
	}
	for _, f := range []string{localmodel.TokenizerFile, localmodel.SentencePieceFile, localmodel.TokenizerConfigFile} {
		if _, err := os.Stat(filepath.Join(src, f)); err != nil {
			continue
		}
		if err := CopyFile(filepath.Join(dst, f), filepath.Join(src, f)); err != nil {
			return fmt.Errorf("copy %s: %w", f, err)
		}
	}
	return nil
}

// CopyFile copies src to dst through a temporary file.
func CopyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	_, err = dataset.WriteFileAtomic(dst, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
	return err
}
