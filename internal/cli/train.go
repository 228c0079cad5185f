package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/lm"
	localmodel "github.com/sqlforge/sqlforge/internal/model/local"
	"github.com/sqlforge/sqlforge/internal/model/planner"
	"github.com/sqlforge/sqlforge/internal/train/local"
	"github.com/sqlforge/sqlforge/internal/train/pretrain"
	"github.com/sqlforge/sqlforge/models"
)

// trainProgress shows a training loop's steps: a bar with the loss and
// tokens/s on a terminal, a plain line every few steps otherwise, nothing
// with --quiet.
type trainProgress struct {
	a     *app
	label string
	bar   *progressbar.ProgressBar
	every int
}

func (a *app) newTrainProgress(label string) *trainProgress {
	return &trainProgress{a: a, label: label}
}

// observe is the local.Observer.
func (p *trainProgress) observe(pr local.Progress) {
	if p.a.quiet {
		return
	}
	if p.bar == nil && p.every == 0 {
		if p.a.stderrIsTerminal() {
			p.bar = progressbar.NewOptions(pr.TotalSteps, progressbar.OptionSetWriter(p.a.stderr),
				progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionSetWidth(25))
		} else {
			p.every = max(1, pr.TotalSteps/20)
		}
	}
	desc := fmt.Sprintf("%s loss %.3f acc %.2f", p.label, pr.TrainLoss, pr.TrainMeanTokenAccuracy)
	if !math.IsNaN(pr.ValidLoss) {
		desc += fmt.Sprintf(" val %.3f", pr.ValidLoss)
	}
	desc += fmt.Sprintf(" %.0f tok/s", pr.TokensPerSecond)
	if p.bar != nil {
		p.bar.Describe(desc)
		p.bar.Set(pr.Step)
		return
	}
	if pr.Step == 1 || pr.Step%p.every == 0 || pr.Step == pr.TotalSteps || !math.IsNaN(pr.ValidLoss) {
		fmt.Fprintf(p.a.stderr, "step %d/%d %s lr %.2g\n", pr.Step, pr.TotalSteps, desc, pr.LearningRate)
	}
}

func (p *trainProgress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

// loraOptions are the settings of one LoRA fine-tuning run (sqlforge train, sqlforge run).
type loraOptions struct {
	base, data, val, out string
	steps, epochs        int
	r                    int
	alpha, dropout, lr   float64
	targets              string
	batch, maxLen        int
	seed                 uint64
	resume               bool
	// full trains every weight (full fine-tuning) instead of LoRA adapters;
	// the run writes RUNDIR/model, a complete model directory.
	full bool
	// qlora keeps the frozen base in 4-bit NormalFloat (QLoRA).
	qlora bool
	// packing packs several examples into each row of maxLen tokens.
	packing bool
	// noGroup turns off batching rows of similar length together.
	noGroup bool
	// target is what the model learns to answer: "sql" (default) or "plan" (the query
	// plan's text form, for plan:local:PATH).
	target string
}

func defaultLoRAOptions() loraOptions {
	c := local.DefaultConfig(local.ModeLoRA)
	l := lm.DefaultLoRAConfig()
	return loraOptions{base: models.Tiny, epochs: c.Epochs, r: l.R, alpha: l.Alpha, dropout: l.Dropout,
		lr: c.LearningRate, targets: strings.Join(l.TargetModules, ","), batch: c.BatchSize, maxLen: 0, seed: c.Seed}
}

// trainSummary is what `sqlforge train` prints (as JSON with --json).
type trainSummary struct {
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
	// BaseBytes and QuantizedBytes are the base weights' memory before and
	// after --qlora's NF4 quantisation (absent without it).
	BaseBytes      int `json:"base_bytes,omitempty"`
	QuantizedBytes int `json:"quantized_base_bytes,omitempty"`
}

func (a *app) newTrainCmd() *cobra.Command {
	o := defaultLoRAOptions()
	var eo engineOptions
	c := &cobra.Command{
		Use:   "train --data train.jsonl --out RUNDIR",
		Short: "LoRA-fine-tune a local model on question/SQL records, on this machine",
		Long: `train tokenizes the records with the base model's tokenizer and chat template — the same
prompt the local backend renders at inference — and fine-tunes LoRA adapters with the loss on the
answer tokens only. RUNDIR receives results.csv, loss.svg, checkpoints and adapter/ (PEFT's layout).
--base is a model directory or the embedded sqlforge-tiny; --data is a records JSONL file or a
directory written by sqlforge gen (its train.jsonl). --resume continues a killed run in RUNDIR
(give --qlora again if the run had it). --qlora keeps the frozen base in 4-bit NormalFloat (QLoRA).
Serve the result as local:BASE+RUNDIR/adapter.

With --engine axolotl|trl, --out receives a recipe for a GPU cluster instead (docs/scale-out.md):
the data in the engine's chat format with the same prompt, the engine's YAML, an accelerate or
DeepSpeed config, launch.sh, slurm.sbatch, requirements.txt and a README; --base is then a Hugging
Face id or directory. --run launches it here when the engine is installed and records the job
(sqlforge jobs list|show|watch|cancel).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if eo.engine != "" {
				return a.trainEngine(cmd.Context(), cmd.Flags(), o, eo)
			}
			o.qlora = eo.qlora
			s, err := a.trainLoRA(cmd.Context(), o)
			if err != nil {
				return err
			}
			return a.printTrainSummary(s)
		},
	}
	f := c.Flags()
	f.StringVar(&o.data, "data", "", "training records JSONL, or a sqlforge gen directory (required)")
	f.StringVar(&o.val, "val", "", "validation records JSONL (optional: validation loss and early stopping)")
	f.StringVar(&o.out, "out", "", "run directory (required)")
	f.IntVar(&o.steps, "steps", 0, "optimizer steps (0: --epochs passes)")
	f.IntVar(&o.epochs, "epochs", o.epochs, "passes over the data when --steps is 0")
	f.BoolVar(&o.resume, "resume", false, "continue the killed run in --out")
	f.BoolVar(&o.full, "full", false, "train every weight (full fine-tuning) instead of LoRA adapters; writes RUNDIR/model")
	addTrainerFlags(f, &o)
	addEngineFlags(f, &eo)
	return c
}

// addTrainerFlags declares the fine-tuning settings train and run share,
// with o's current values as defaults.
func addTrainerFlags(f *pflag.FlagSet, o *loraOptions) {
	f.StringVar(&o.base, "base", o.base, "base model directory or embedded model name")
	f.IntVar(&o.r, "lora-r", o.r, "LoRA rank")
	f.Float64Var(&o.alpha, "lora-alpha", o.alpha, "LoRA alpha (the update is alpha/r·B·A)")
	f.Float64Var(&o.dropout, "lora-dropout", o.dropout, "LoRA dropout")
	f.StringVar(&o.targets, "lora-targets", o.targets, "adapted projections, comma-separated")
	f.Float64Var(&o.lr, "lr", o.lr, "peak learning rate")
	f.IntVar(&o.batch, "batch", o.batch, "sequences (rows) per step")
	f.IntVar(&o.maxLen, "max-len", o.maxLen, "drop examples longer than this many tokens (0: the model's context)")
	f.Uint64Var(&o.seed, "seed", o.seed, "seed of shuffling, dropout and initialisation")
	f.BoolVar(&o.packing, "packing", o.packing, "pack several examples into each row of --max-len tokens")
	f.BoolVar(&o.noGroup, "no-group-by-length", o.noGroup, "batch rows in plain shuffled order (default: rows of similar length together, less padding)")
	f.StringVar(&o.target, "target", o.target, "what the model learns to answer: sql, or plan (the records' query plans; serve the result as plan:local:RUNDIR/model)")
}

// trainLoRA runs one LoRA fine-tuning job with a progress display.
func (a *app) trainLoRA(ctx context.Context, o loraOptions) (trainSummary, error) {
	start := time.Now()
	if o.data == "" || o.out == "" {
		return trainSummary{}, userErr(fmt.Errorf("--data and --out are required"))
	}
	if err := a.sweepTemps(o.out, false); err != nil {
		return trainSummary{}, err
	}
	if o.resume {
		if _, err := os.Stat(filepath.Join(o.out, local.CheckpointFile)); errors.Is(err, fs.ErrNotExist) {
			// killed before its first checkpoint: nothing to continue, so start afresh
			if !a.quiet {
				fmt.Fprintf(a.stderr, "train: no checkpoint in %s yet; starting a fresh run\n", o.out)
			}
			o.resume = false
		}
	}
	if !o.resume && (o.r < 1 || o.batch < 1 || o.steps < 0 || (o.steps == 0 && o.epochs < 1)) {
		return trainSummary{}, userErr(fmt.Errorf("--lora-r, --batch and --steps or --epochs must be positive"))
	}
	m, err := localmodel.Load(o.base, "", models.Resolve)
	if err != nil {
		return trainSummary{}, userErr(err)
	}
	var baseBytes, qBytes int
	if o.qlora {
		if o.full {
			return trainSummary{}, userErr(fmt.Errorf("--qlora trains LoRA adapters over a frozen 4-bit base: drop --full"))
		}
		if baseBytes, qBytes, err = m.LM.QuantizeNF4(); err != nil {
			return trainSummary{}, err
		}
	}
	maxLen := o.maxLen
	if maxLen <= 0 {
		maxLen = m.LM.Config.MaxPositionEmbeddings
	}
	var data local.Dataset
	var dropped int
	var planMemory []dataset.Record // a plan decoder's training plans, kept with it
	for _, sp := range []struct {
		path string
		out  *[]local.Example
	}{{o.data, &data.Train}, {o.val, &data.Valid}} {
		if sp.path == "" {
			continue
		}
		recs, err := readTrainRecords(ctx, sp.path)
		if err != nil {
			return trainSummary{}, userErr(err)
		}
		switch o.target {
		case "", "sql":
		case "plan":
			if sp.path == o.data {
				planMemory = recs
			}
			if recs = localmodel.PlanTargets(recs); len(recs) == 0 {
				return trainSummary{}, userErr(fmt.Errorf("%s: no record carries a query plan (generate with sqlforge gen --generator plans)", sp.path))
			}
		default:
			return trainSummary{}, userErr(fmt.Errorf("--target must be sql or plan, not %q", o.target))
		}
		exs, d, err := local.RecordExamples(m.Tokenizer, m.Template, recs, maxLen)
		if err != nil {
			return trainSummary{}, userErr(fmt.Errorf("%s: %w", sp.path, err))
		}
		*sp.out, dropped = exs, dropped+d
	}
	if len(data.Train) == 0 {
		return trainSummary{}, userErr(fmt.Errorf("%s: no training examples fit in %d tokens", o.data, maxLen))
	}
	p := a.newTrainProgress("train")
	var res local.Result
	if o.resume {
		res, err = local.Resume(ctx, m.LM, data, o.out, p.observe)
	} else {
		mode := local.ModeLoRA
		if o.full {
			mode = local.ModeFull
		}
		cfg := local.DefaultConfig(mode)
		cfg.WeightDecay = 0
		cfg.Packing = o.packing
		cfg.GroupByLength = !o.noGroup
		cfg.LoRA = lm.LoRAConfig{R: o.r, Alpha: o.alpha, Dropout: o.dropout, TargetModules: splitList(o.targets)}
		cfg.BaseModel, cfg.RunDir, cfg.Seed = o.base, o.out, o.seed
		cfg.MaxSteps, cfg.Epochs, cfg.LearningRate, cfg.BatchSize, cfg.MaxSeqLen = o.steps, o.epochs, o.lr, o.batch, maxLen
		if pad, ok := m.Tokenizer.TokenID("<|pad|>"); ok {
			cfg.PadID = pad
		}
		if err = cfg.Validate(); err != nil {
			return trainSummary{}, userErr(err)
		}
		res, err = local.Train(ctx, m.LM, data, cfg, p.observe)
	}
	p.finish()
	if err != nil {
		return trainSummary{}, fmt.Errorf("train: %w", err)
	}
	adapter, ref := filepath.Join(o.out, "adapter"), ""
	if _, serr := os.Stat(filepath.Join(o.out, "model", "model.safetensors")); o.full || (o.resume && serr == nil) {
		// A complete model directory: the trained weights plus the base's tokenizer files.
		adapter = ""
		dir := filepath.Join(o.out, "model")
		if err := pretrain.CopyTokenizer(dir, m.Dir); err != nil {
			return trainSummary{}, fmt.Errorf("train: %w", err)
		}
		ref = "local:" + dir
	}
	if planMemory != nil {
		// A plan decoder keeps the plans it learnt beside its weights: plan:local retrieves
		// them too (planner.PlanMemoryFile), as plan:knn does.
		dir := adapter
		if dir == "" {
			dir = filepath.Join(o.out, "model")
		}
		path := filepath.Join(dir, planner.PlanMemoryFile)
		if _, err := dataset.WriteFileAtomic(path, func(w io.Writer) error { return dataset.WriteJSONL(w, planMemory) }); err != nil {
			return trainSummary{}, fmt.Errorf("train: %w", err)
		}
	}
	s := trainSummary{Base: o.base, RunDir: o.out, Adapter: adapter, Examples: len(data.Train), Dropped: dropped,
		Steps: res.Steps, FinalLoss: res.FinalTrainLoss, Tokens: res.Tokens, TokensPerSecond: res.TokensPerSecond,
		Seconds: time.Since(start).Seconds(), Model: ref, BaseBytes: baseBytes, QuantizedBytes: qBytes}
	if ref == "" {
		s.Model = "local:" + o.base + "+" + adapter
	}
	if len(res.History) > 0 {
		s.FirstLoss = res.History[0].TrainLoss
	}
	if !math.IsNaN(res.BestValidLoss) {
		v := res.BestValidLoss
		s.BestValidLoss = &v
	}
	return s, nil
}

func (a *app) printTrainSummary(s trainSummary) error {
	if a.jsonOut {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	fmt.Fprintf(a.stdout, "trained %d steps on %d examples (%d too long, dropped): loss %.3f -> %.3f, %.0f tokens/s, %.1fs\n",
		s.Steps, s.Examples, s.Dropped, s.FirstLoss, s.FinalLoss, s.TokensPerSecond, s.Seconds)
	if s.BestValidLoss != nil {
		fmt.Fprintf(a.stdout, "best validation loss %.3f\n", *s.BestValidLoss)
	}
	if s.QuantizedBytes > 0 {
		fmt.Fprintf(a.stdout, "qlora: base weights %.1f MB -> %.1f MB in NF4 (%.1fx smaller)\n",
			float64(s.BaseBytes)/1e6, float64(s.QuantizedBytes)/1e6, float64(s.BaseBytes)/float64(s.QuantizedBytes))
	}
	if s.Adapter != "" {
		fmt.Fprintf(a.stdout, "adapter: %s\n", s.Adapter)
	}
	fmt.Fprintf(a.stdout, "model:   %s\n", s.Model)
	return nil
}

// readTrainRecords reads a records JSONL file, or the train.jsonl of a directory.
func readTrainRecords(ctx context.Context, path string) ([]dataset.Record, error) {
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

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
