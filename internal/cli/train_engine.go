package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"

	"github.com/sqlforge/sqlforge/internal/train"
	"github.com/sqlforge/sqlforge/internal/train/jobs"
	"github.com/sqlforge/sqlforge/internal/train/recipe"
	"github.com/sqlforge/sqlforge/internal/train/registry"
)

// engineOptions are train's flags for a cluster engine (--engine axolotl|trl).
type engineOptions struct {
	engine, deepspeed, baseConfig, name, state string
	qlora, fsdp, run                           bool
	gpus, nodes, microBatch, globalBatch       int
	valFraction                                float64
	poll                                       time.Duration
}

func addEngineFlags(f *pflag.FlagSet, eo *engineOptions) {
	f.StringVar(&eo.engine, "engine", "", "write a GPU-cluster recipe for axolotl or trl into --out instead of training here")
	f.BoolVar(&eo.qlora, "qlora", false, "QLoRA: LoRA on a 4-bit NF4 base (here: blocks of 64, double-quantised scales, float32 adapters)")
	f.IntVar(&eo.gpus, "gpus", 0, "(--engine) GPUs per node (default 1)")
	f.IntVar(&eo.nodes, "nodes", 0, "(--engine) nodes (default 1; more needs --gpus)")
	f.StringVar(&eo.deepspeed, "deepspeed", "", "(--engine) DeepSpeed ZeRO stage: zero2 or zero3")
	f.BoolVar(&eo.fsdp, "fsdp", false, "(--engine) shard with FSDP2 (excludes --deepspeed)")
	f.StringVar(&eo.baseConfig, "base-config", "", "(--engine) the base's config.json when --base is a hub id (checks rank and architecture)")
	f.IntVar(&eo.microBatch, "micro-batch", 0, "(--engine) sequences per GPU per micro-step (default 4)")
	f.IntVar(&eo.globalBatch, "global-batch", 0, "(--engine) sequences per optimizer step over all GPUs (default 32)")
	f.Float64Var(&eo.valFraction, "val-fraction", 0, "(--engine) share of --data held out for validation when there is no val.jsonl (default 0.05)")
	f.StringVar(&eo.name, "name", "", "(--engine) the adapter's serving name (default sqlforge)")
	f.BoolVar(&eo.run, "run", false, "(--engine) launch the recipe here (the engine must be on PATH), follow it and record the job")
	f.StringVar(&eo.state, "state", "", "(--engine --run) state database (default $XDG_STATE_HOME/sqlforge/jobs.db)")
	f.DurationVar(&eo.poll, "poll", 0, "(--engine --run) check the run every DURATION (default 2s growing to 30s while nothing changes)")
}

// recipeOptions maps train's flags onto recipe.Options; the local trainer's flags apply
// only where the user gave them (their defaults are the local model's).
func recipeOptions(f *pflag.FlagSet, o trainOptions, eo engineOptions) recipe.Options {
	ro := recipe.Options{Engine: recipe.Engine(eo.engine), Base: o.base, BaseConfig: eo.baseConfig, Data: o.data, Val: o.val, Out: o.out,
		QLoRA: eo.qlora, Full: o.full, GPUs: eo.gpus, Nodes: eo.nodes, DeepSpeed: eo.deepspeed, FSDP: eo.fsdp,
		MicroBatch: eo.microBatch, GlobalBatch: eo.globalBatch, ValFraction: eo.valFraction, Name: eo.name}
	if f.Changed("lora-r") {
		ro.LoRAR = o.r
		if o.r == 0 {
			ro.LoRAR = -1 // refused by recipe.Check rather than taken as "default"
		}
	}
	if f.Changed("lora-alpha") {
		ro.LoRAAlpha = int(o.alpha)
	}
	if f.Changed("lora-dropout") {
		ro.LoRADropout = o.dropout
	}
	if f.Changed("lora-targets") {
		ro.Targets = splitList(o.targets)
	}
	if f.Changed("lr") {
		ro.LearningRate = o.lr
	}
	if f.Changed("epochs") {
		ro.Epochs = o.epochs
	}
	if f.Changed("batch") && ro.MicroBatch == 0 {
		ro.MicroBatch = o.batch
	}
	if f.Changed("max-len") {
		ro.SeqLen = o.maxLen
	}
	if f.Changed("seed") {
		ro.Seed = o.seed
	}
	return ro
}

// trainEngine writes a cluster recipe, prints how to serve its result and, with --run,
// launches and follows it.
func (a *app) trainEngine(ctx context.Context, f *pflag.FlagSet, o trainOptions, eo engineOptions) error {
	ro := recipeOptions(f, o, eo)
	if eo.run {
		// refuse before writing anything when the engine cannot be launched here
		if err := recipe.Check(recipe.Defaults(ro)); err != nil {
			return userErr(err)
		}
		if err := recipe.Installed(ro.Engine); err != nil {
			return userErr(err)
		}
	}
	res, err := recipe.Write(ctx, ro)
	var fe *recipe.FieldError
	if errors.As(err, &fe) {
		return userErr(err)
	}
	if err != nil {
		return err
	}
	ro = recipe.Defaults(ro)
	if a.jsonOut && !eo.run {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(a.stdout, "recipe: %s (%s; %d training, %d validation examples)\n", res.Dir, ro.Engine.ConfigFile(), res.Train, res.Val)
	fmt.Fprintf(a.stdout, "run:     bash %s\n", filepath.Join(res.Dir, "launch.sh"))
	if ro.Nodes > 1 {
		fmt.Fprintf(a.stdout, "         sbatch %s   (%d nodes)\n", filepath.Join(res.Dir, "slurm.sbatch"), ro.Nodes)
	}
	fmt.Fprintf(a.stdout, "serve:   %s\n", res.Serve)
	fmt.Fprintf(a.stdout, "model:   %s   (HOST: the vLLM server)\n", res.Reference)
	if !eo.run {
		return nil
	}
	reg, err := openState(ctx, eo.state)
	if err != nil {
		return err
	}
	defer reg.Close()
	id, err := jobs.LaunchRecipe(ctx, reg, ro, res.Dir, a.recipeJobOptions(eo.poll))
	if err != nil {
		return err
	}
	return a.watchRecipeJob(ctx, reg, id, eo.poll)
}

// recipeJobOptions wires a cluster-engine run's steps to this command; such a run is followed
// on the real clock.
func (a *app) recipeJobOptions(poll time.Duration) jobs.Options {
	o := a.jobOptions(poll)
	o.Sleep = train.Sleep
	return o
}

// watchRecipeJob follows a cluster-engine run recorded in the registry to its end with
// jobs.WatchRecipe.
func (a *app) watchRecipeJob(ctx context.Context, reg *registry.Registry, id string, poll time.Duration) error {
	rec, err := reg.Get(ctx, id)
	if err != nil {
		return userErr(err)
	}
	return jobs.WatchRecipe(ctx, reg, rec, a.recipeJobOptions(poll))
}

// cancelRecipeJob stops a cluster-engine run and records it cancelled.
func (a *app) cancelRecipeJob(ctx context.Context, reg *registry.Registry, rec registry.Record) error {
	return jobs.CancelRecipe(ctx, reg, rec, a.jobOptions(0))
}
