// Package recipe writes a complete, runnable fine-tuning recipe for a GPU cluster: the
// training data in an engine's chat format with exactly the prompt sqlforge trains and asks
// its own models with (package prompt), the engine's configuration (axolotl YAML or a TRL
// `trl sft` YAML), an accelerate/DeepSpeed configuration, launch.sh for one node, an sbatch
// template for several, a pinned requirements.txt and a README.
//
// What it writes is read back and checked against the engine's own rules (each rule cites the
// engine source it mirrors) before anything lands on disk; an impossible option set is a
// *FieldError naming the flag and the configuration field. Every file goes through a
// temporary file and a rename.
//
// Start launches a written recipe on this machine and Tracker follows it (process, logs,
// checkpoint-N/trainer_state.json), so the job registry can record it like a managed job.
package recipe

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sqlforge/sqlforge/internal/dataset"
)

// Engine names a cluster fine-tuning engine.
type Engine string

// The engines a recipe can be written for.
const (
	Axolotl Engine = "axolotl"
	TRL     Engine = "trl"
)

// Engines lists the supported engines.
func Engines() []Engine { return []Engine{Axolotl, TRL} }

// IsEngine reports whether s names a cluster engine (a registry provider of this package).
func IsEngine(s string) bool { return slices.Contains(Engines(), Engine(s)) }

// Options describe one recipe. Zero values take the defaults of Defaults.
type Options struct {
	// Engine is axolotl or trl.
	Engine Engine
	// Base is the base model: a Hugging Face id (Qwen/Qwen2.5-Coder-1.5B) or a local
	// directory; a local config.json (Base/config.json, or BaseConfig) enables the checks
	// that need the architecture (rank against hidden size, trainable architecture).
	Base string
	// BaseConfig optionally points at the base's config.json when Base is a hub id.
	BaseConfig string
	// Data is a records JSONL file or a sqlforge gen directory (train.jsonl, and val.jsonl
	// when present).
	Data string
	// Val optionally names the validation records; without it (and without DIR/val.jsonl)
	// ValFraction of the training records are held out, leakage-free (dataset.Split).
	Val string
	// Out is the recipe directory.
	Out string
	// QLoRA loads the base in 4 bits (bitsandbytes NF4) under LoRA adapters.
	QLoRA bool
	// Full trains every weight instead of LoRA adapters.
	Full bool
	// GPUs per node (0: unset, meaning 1 on one node) and Nodes (0 or 1: one node).
	GPUs, Nodes int
	// DeepSpeed is "", "zero2" or "zero3"; FSDP selects FSDP2. They exclude each other.
	DeepSpeed string
	FSDP      bool
	// LoRA settings: rank, alpha, dropout and target modules (nil: every linear layer).
	LoRAR       int
	LoRAAlpha   int
	LoRADropout float64
	Targets     []string
	// Training settings.
	Epochs       int
	LearningRate float64
	MicroBatch   int
	// GlobalBatch is the sequences per optimizer step over all GPUs; gradient accumulation
	// is GlobalBatch / (MicroBatch × GPUs × Nodes), at least 1.
	GlobalBatch int
	SeqLen      int
	ValFraction float64
	Seed        uint64
	// Name is the adapter's name when served (vLLM --lora-modules NAME=DIR).
	Name string
}

// Defaults fills the zero fields of o.
func Defaults(o Options) Options {
	def := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	def(&o.LoRAR, 16)
	def(&o.LoRAAlpha, 32)
	def(&o.Epochs, 3)
	def(&o.MicroBatch, 4)
	def(&o.GlobalBatch, 32)
	def(&o.SeqLen, 2048)
	if o.LoRADropout == 0 {
		o.LoRADropout = 0.05
	}
	if o.LearningRate == 0 {
		o.LearningRate = 2e-4
		if o.Full {
			o.LearningRate = 1e-5
		}
	}
	if o.ValFraction == 0 {
		o.ValFraction = 0.05
	}
	if o.Seed == 0 {
		o.Seed = 42
	}
	if o.Name == "" {
		o.Name = "sqlforge"
	}
	return o
}

// FieldError is an impossible or invalid option: the flag the user gave, the field of the
// written configuration it becomes, what is wrong, and the engine rule it breaks.
type FieldError struct {
	// Flag is the command-line flag, e.g. --qlora.
	Flag string
	// Field is the configuration field, e.g. axolotl.yaml load_in_4bit.
	Field string
	// Msg says what is wrong.
	Msg string
	// Source is the engine file (and check) the rule comes from, when it is the engine's.
	Source string
}

func (e *FieldError) Error() string {
	s := e.Flag
	if e.Field != "" {
		if s != "" {
			s += " (" + e.Field + ")"
		} else {
			s = e.Field
		}
	}
	s += ": " + e.Msg
	if e.Source != "" {
		s += " [" + e.Source + "]"
	}
	return s
}

// Processes is the number of training processes (GPUs over all nodes).
func (o Options) Processes() int { return max(1, o.GPUs) * max(1, o.Nodes) }

// GradAccum is the gradient accumulation that makes o's global batch.
func (o Options) GradAccum() int { return max(1, o.GlobalBatch/(o.MicroBatch*o.Processes())) }

// ConfigFile is the engine configuration's file name in the recipe.
func (e Engine) ConfigFile() string {
	if e == TRL {
		return "trl.yaml"
	}
	return "axolotl.yaml"
}

// OutputDir is where the engine writes checkpoints and the final adapter, relative to the recipe.
const OutputDir = "out"

// Result is what Write wrote.
type Result struct {
	Dir   string   `json:"dir"`
	Files []string `json:"files"`
	Train int      `json:"train_examples"`
	Val   int      `json:"val_examples"`
	// Adapter is where the run leaves the final adapter (Dir/out).
	Adapter string `json:"adapter"`
	// Serve is the vLLM command that serves the adapter; Reference the sqlforge model
	// reference that then asks it.
	Serve     string `json:"serve"`
	Reference string `json:"reference"`
}

// Write checks o, renders every file of the recipe, checks the engine configuration against
// the engine's rules, and writes the files into o.Out.
func Write(ctx context.Context, o Options) (Result, error) {
	o = Defaults(o)
	if err := Check(o); err != nil {
		return Result{}, err
	}
	base, err := readBaseConfig(o)
	if err != nil {
		return Result{}, err
	}
	if err := checkBase(o, base); err != nil {
		return Result{}, err
	}
	train, val, err := readData(ctx, o)
	if err != nil {
		return Result{}, err
	}
	files, err := render(o, base)
	if err != nil {
		return Result{}, err
	}
	if err := Validate(o.Engine, files[o.Engine.ConfigFile()]); err != nil {
		return Result{}, err
	}
	trainData, err := exportData(o.Engine, train)
	if err != nil {
		return Result{}, err
	}
	valData, err := exportData(o.Engine, val)
	if err != nil {
		return Result{}, err
	}
	files["data/train.jsonl"], files["data/val.jsonl"] = trainData, valData
	res := Result{Dir: o.Out, Train: len(train), Val: len(val), Adapter: filepath.Join(o.Out, OutputDir)}
	res.Serve, res.Reference = ServeCommand(o, res.Adapter), Reference("HOST", o.Name)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		path := filepath.Join(o.Out, filepath.FromSlash(name))
		if err := writeFile(path, files[name]); err != nil {
			return Result{}, err
		}
		if strings.HasSuffix(name, ".sh") || strings.HasSuffix(name, ".sbatch") {
			if err := os.Chmod(path, 0o755); err != nil {
				return Result{}, fmt.Errorf("write recipe: %w", err)
			}
		}
		res.Files = append(res.Files, name)
	}
	return res, nil
}

// Check refuses flag combinations that no engine can run, before anything is read.
func Check(o Options) error {
	if !IsEngine(string(o.Engine)) {
		return &FieldError{Flag: "--engine", Msg: fmt.Sprintf("%q: want axolotl or trl", o.Engine)}
	}
	switch {
	case o.Base == "":
		return &FieldError{Flag: "--base", Msg: "required (a Hugging Face id or a local model directory)"}
	case o.Data == "":
		return &FieldError{Flag: "--data", Msg: "required (records JSONL or a sqlforge gen directory)"}
	case o.Out == "":
		return &FieldError{Flag: "--out", Msg: "required (the recipe directory)"}
	case o.GPUs < 0:
		return &FieldError{Flag: "--gpus", Msg: fmt.Sprintf("%d: must be positive", o.GPUs)}
	case o.Nodes < 0:
		return &FieldError{Flag: "--nodes", Msg: fmt.Sprintf("%d: must be positive", o.Nodes)}
	case o.Nodes > 1 && o.GPUs == 0:
		return &FieldError{Flag: "--gpus", Msg: fmt.Sprintf("required with --nodes %d (GPUs per node: the launchers need processes per node)", o.Nodes)}
	case o.DeepSpeed != "" && o.DeepSpeed != "zero2" && o.DeepSpeed != "zero3":
		return &FieldError{Flag: "--deepspeed", Field: "deepspeed", Msg: fmt.Sprintf("%q: want zero2 or zero3", o.DeepSpeed)}
	case o.DeepSpeed != "" && o.FSDP:
		// axolotl: src/axolotl/utils/schemas/validation.py SystemValidationMixin.check_fsdp_deepspeed;
		// accelerate has one distributed_type per launch (DEEPSPEED or FSDP).
		return &FieldError{Flag: "--deepspeed/--fsdp", Field: "deepspeed, fsdp_config", Msg: "deepspeed and fsdp cannot be used together",
			Source: "axolotl src/axolotl/utils/schemas/validation.py check_fsdp_deepspeed"}
	case o.QLoRA && o.Full:
		return fourBitFull(o.Engine)
	case o.LoRAR < 1:
		return &FieldError{Flag: "--lora-r", Field: "lora_r", Msg: fmt.Sprintf("%d: must be at least 1", o.LoRAR)}
	case o.LoRAAlpha < 1:
		return &FieldError{Flag: "--lora-alpha", Field: "lora_alpha", Msg: fmt.Sprintf("%d: must be at least 1", o.LoRAAlpha)}
	case o.Epochs < 1:
		return &FieldError{Flag: "--epochs", Field: "num_epochs", Msg: fmt.Sprintf("%d: must be at least 1", o.Epochs)}
	case o.MicroBatch < 1:
		return &FieldError{Flag: "--micro-batch", Field: "micro_batch_size", Msg: fmt.Sprintf("%d: must be at least 1", o.MicroBatch)}
	case o.SeqLen < 64:
		return &FieldError{Flag: "--seq-len", Field: "sequence_len", Msg: fmt.Sprintf("%d: must be at least 64", o.SeqLen)}
	case o.ValFraction <= 0 || o.ValFraction >= 0.5:
		return &FieldError{Flag: "--val-fraction", Msg: fmt.Sprintf("%g: must be in (0, 0.5)", o.ValFraction)}
	case o.LearningRate <= 0:
		return &FieldError{Flag: "--lr", Field: "learning_rate", Msg: fmt.Sprintf("%g: must be positive", o.LearningRate)}
	}
	return nil
}

// fourBitFull is the error for a 4-bit base under full fine-tuning.
func fourBitFull(e Engine) error {
	if e == TRL {
		return &FieldError{Flag: "--qlora with --full", Field: "trl.yaml load_in_4bit without use_peft",
			Msg:    "a 4-bit base cannot be fully fine-tuned: quantized weights are frozen, train LoRA adapters on it (drop --full)",
			Source: "transformers src/transformers/trainer.py (purely quantized models need trainable adapters)"}
	}
	return &FieldError{Flag: "--qlora with --full", Field: "axolotl.yaml load_in_4bit without adapter",
		Msg:    "load_in_4bit is not supported without an adapter: drop --full, or drop --qlora to fully fine-tune",
		Source: "axolotl src/axolotl/utils/schemas/peft.py LoraConfig.validate_adapter"}
}

// readData reads the training records and the validation records (a file, DIR/val.jsonl, or
// a leakage-free split of the training records).
func readData(ctx context.Context, o Options) (train, val []dataset.Record, err error) {
	trainPath, valPath := o.Data, o.Val
	if st, serr := os.Stat(o.Data); serr == nil && st.IsDir() {
		trainPath = filepath.Join(o.Data, "train.jsonl")
		if valPath == "" {
			if _, err := os.Stat(filepath.Join(o.Data, "val.jsonl")); err == nil {
				valPath = filepath.Join(o.Data, "val.jsonl")
			}
		}
	}
	read := func(path, flag string) ([]dataset.Record, error) {
		recs, _, err := dataset.ReadFile(ctx, path, dataset.ReadOptions{})
		if err != nil {
			return nil, &FieldError{Flag: flag, Msg: err.Error()}
		}
		if len(recs) == 0 {
			return nil, &FieldError{Flag: flag, Msg: path + ": no records"}
		}
		return recs, nil
	}
	if train, err = read(trainPath, "--data"); err != nil {
		return nil, nil, err
	}
	if valPath != "" {
		val, err = read(valPath, "--val")
		return train, val, err
	}
	if len(train) < 2 {
		return nil, nil, &FieldError{Flag: "--data", Msg: trainPath + ": need at least 2 records to hold out a validation split"}
	}
	parts, err := dataset.Split(train, dataset.SplitOptions{Seed: o.Seed, Names: []string{"train", "val"},
		Fractions: []float64{1 - o.ValFraction, o.ValFraction}})
	if err != nil {
		return nil, nil, fmt.Errorf("split %s: %w", trainPath, err)
	}
	train, val = parts[0].Records, parts[1].Records
	if len(val) == 0 || len(train) == 0 {
		return nil, nil, &FieldError{Flag: "--val-fraction", Msg: fmt.Sprintf("%g of %s leaves an empty split", o.ValFraction, trainPath)}
	}
	return train, val, nil
}

// writeFile writes data to path through a temporary file and a rename.
func writeFile(path string, data []byte) error {
	_, err := dataset.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	return err
}
