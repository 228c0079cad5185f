package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/train/local"
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

// trainOptions are the settings of one local fine-tuning run, LoRA or full (sqlforge train, sqlforge run).
type trainOptions struct {
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
	// qlora trains LoRA over the base quantised to NF4 (4-bit).
	qlora bool
	// packing packs several examples into each row of maxLen tokens.
	packing bool
	// noGroup turns off batching rows of similar length together.
	noGroup bool
	// target is what the model learns to answer: "sql" (default) or "plan" (the query
	// plan's text form, for plan:local:PATH).
	target string
	// bases are every --base given; train ranks them when there are several (rank.go).
	bases     []string
	multiBase bool
}

func defaultTrainOptions() trainOptions {
	c := local.DefaultConfig(local.ModeLoRA)
	l := lm.DefaultLoRAConfig()
	return trainOptions{base: models.Tiny, epochs: c.Epochs, r: l.R, alpha: l.Alpha, dropout: l.Dropout,
		lr: c.LearningRate, targets: strings.Join(l.TargetModules, ","), batch: c.BatchSize, maxLen: 0, seed: c.Seed}
}

// trainSummary is what `sqlforge train` prints (as JSON with --json).
type trainSummary = local.FinetuneResult

func (a *app) newTrainCmd() *cobra.Command {
	o := defaultTrainOptions()
	o.multiBase = true
	var eo engineOptions
	var ro rankOptions
	c := &cobra.Command{
		Use:   "train --data train.jsonl --out RUNDIR",
		Short: "LoRA-fine-tune a local model on question/SQL records, on this machine",
		Long: `train tokenizes the records with the base model's tokenizer and chat template — the same
prompt the local backend renders at inference — and fine-tunes LoRA adapters with the loss on the
answer tokens only. RUNDIR receives results.csv, loss.svg, checkpoints and adapter/ (PEFT's layout).
--base is a model directory or the embedded sqlforge-tiny; --data is a records JSONL file or a
directory written by sqlforge gen (its train.jsonl). --resume continues a killed run in RUNDIR.
Serve the result as local:BASE+RUNDIR/adapter. Its LoRA defaults are PEFT's usual ones (q_proj,v_proj;
lr 2e-4, for epochs over any base); "run --lora" differs on purpose: all seven projections at lr 2e-3,
tuned for its fixed 800-step budget on sqlforge-tiny (docs/local-model.md). Pass those flags to train
to get run's settings.

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
			if len(o.bases) > 1 {
				return a.rankBases(cmd.Context(), o, ro)
			}
			s, err := a.finetuneLocal(cmd.Context(), o)
			if err != nil {
				return err
			}
			return a.printTrainSummary(s)
		},
	}
	f := c.Flags()
	f.StringVar(&o.data, "data", "", "training records JSONL, or a sqlforge gen directory (required)")
	f.StringVar(&o.val, "val-file", "", "validation records JSONL (optional: validation loss and early stopping)")
	aliasFlag(f, "val", "val-file")
	f.StringVar(&o.out, "out", "", "run directory (required)")
	f.IntVar(&o.steps, "steps", 0, "optimizer steps (0: --epochs passes)")
	f.IntVar(&o.epochs, "epochs", o.epochs, "passes over the data when --steps is 0")
	f.BoolVar(&o.resume, "resume", false, "continue the killed run in --out")
	f.BoolVar(&o.full, "full", false, "train every weight (full fine-tuning) instead of LoRA adapters; writes RUNDIR/model")
	addTrainerFlags(f, &o)
	addEngineFlags(f, &eo)
	addRankFlags(f, &ro)
	return c
}

// addTrainerFlags declares the fine-tuning settings train and run share,
// with o's current values as defaults.
func addTrainerFlags(f *pflag.FlagSet, o *trainOptions) {
	f.Var(&baseFlag{o}, "base", "base model directory or embedded model name")
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

// finetuneLocal runs one fine-tuning job (LoRA, or full with --full) with a progress display.
func (a *app) finetuneLocal(ctx context.Context, o trainOptions) (trainSummary, error) {
	if o.data == "" || o.out == "" {
		return trainSummary{}, userErr(fmt.Errorf("--data and --out are required"))
	}
	if err := a.sweepTemps(o.out, false); err != nil {
		return trainSummary{}, err
	}
	p := a.newTrainProgress("train")
	fo := o.finetuneOptions()
	fo.Observe, fo.Log = p.observe, a.progress
	s, err := local.Finetune(ctx, fo)
	p.finish()
	var ie *local.InputError
	if errors.As(err, &ie) {
		return trainSummary{}, userErr(err)
	}
	return s, err
}

// finetuneOptions are o as train/local.Finetune takes them.
func (o trainOptions) finetuneOptions() local.FinetuneOptions {
	return local.FinetuneOptions{Base: o.base, Data: o.data, Val: o.val, Out: o.out,
		Steps: o.steps, Epochs: o.epochs, LR: o.lr, Batch: o.batch, MaxLen: o.maxLen, Seed: o.seed,
		LoRA:   lm.LoRAConfig{R: o.r, Alpha: o.alpha, Dropout: o.dropout, TargetModules: splitList(o.targets)},
		Resume: o.resume, Full: o.full, QLoRA: o.qlora, Packing: o.packing, NoGroup: o.noGroup, Target: o.target}
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
	if s.Adapter != "" {
		fmt.Fprintf(a.stdout, "adapter: %s\n", s.Adapter)
	}
	fmt.Fprintf(a.stdout, "model:   %s\n", s.Model)
	return nil
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
