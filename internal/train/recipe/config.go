package recipe

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
)

type kv = yaml.MapItem

// header opens every generated YAML file.
func header(o Options, what string) string {
	return fmt.Sprintf("# %s written by `sqlforge train --engine %s`; data/*.jsonl hold sqlforge's prompt (internal/prompt).\n", what, o.Engine)
}

func marshal(o Options, what string, m yaml.MapSlice) ([]byte, error) {
	b, err := yaml.MarshalWithOptions(m, yaml.Indent(2), yaml.IndentSequence(true))
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", what, err)
	}
	return append([]byte(header(o, what)), b...), nil
}

// axolotlConfig is the axolotl YAML (fields of src/axolotl/utils/schemas/config.py,
// peft.py and datasets.py at axolotl 0.18.0).
func axolotlConfig(o Options) yaml.MapSlice {
	ds := func(path string) yaml.MapSlice {
		// type chat_template renders each "messages" list with the tokenizer's chat template
		// and trains on the assistant turns only (roles_to_train).
		return yaml.MapSlice{{Key: "path", Value: path}, {Key: "ds_type", Value: "json"}, {Key: "split", Value: "train"},
			{Key: "type", Value: "chat_template"}, {Key: "field_messages", Value: "messages"},
			{Key: "roles_to_train", Value: []string{"assistant"}}, {Key: "train_on_eos", Value: "turn"}}
	}
	m := yaml.MapSlice{{Key: "base_model", Value: o.Base}}
	m = append(m, kv{Key: "load_in_8bit", Value: false}, kv{Key: "load_in_4bit", Value: o.QLoRA})
	if !o.Full {
		adapter := "lora"
		if o.QLoRA {
			adapter = "qlora"
		}
		m = append(m, kv{Key: "adapter", Value: adapter}, kv{Key: "lora_r", Value: o.LoRAR}, kv{Key: "lora_alpha", Value: o.LoRAAlpha},
			kv{Key: "lora_dropout", Value: o.LoRADropout})
		if len(o.Targets) == 0 {
			m = append(m, kv{Key: "lora_target_linear", Value: true})
		} else {
			m = append(m, kv{Key: "lora_target_modules", Value: o.Targets})
		}
	}
	m = append(m,
		kv{Key: "chat_template", Value: "tokenizer_default_fallback_chatml"},
		kv{Key: "datasets", Value: []yaml.MapSlice{ds("data/train.jsonl")}},
		kv{Key: "test_datasets", Value: []yaml.MapSlice{ds("data/val.jsonl")}},
		kv{Key: "dataset_prepared_path", Value: "prepared"},
		kv{Key: "sequence_len", Value: o.SeqLen},
		kv{Key: "sample_packing", Value: true},
		kv{Key: "micro_batch_size", Value: o.MicroBatch},
		kv{Key: "gradient_accumulation_steps", Value: o.GradAccum()},
		kv{Key: "num_epochs", Value: o.Epochs},
		kv{Key: "optimizer", Value: "adamw_torch_fused"},
		kv{Key: "lr_scheduler", Value: "cosine"},
		kv{Key: "learning_rate", Value: o.LearningRate},
		kv{Key: "warmup_ratio", Value: 0.03},
		kv{Key: "weight_decay", Value: 0.0},
		kv{Key: "bf16", Value: "auto"},
		kv{Key: "tf32", Value: true},
		kv{Key: "gradient_checkpointing", Value: true},
		kv{Key: "gradient_checkpointing_kwargs", Value: yaml.MapSlice{{Key: "use_reentrant", Value: false}}},
		kv{Key: "logging_steps", Value: 5},
		kv{Key: "evals_per_epoch", Value: 4},
		kv{Key: "saves_per_epoch", Value: 1},
		kv{Key: "seed", Value: o.Seed},
		kv{Key: "output_dir", Value: OutputDir},
	)
	switch {
	case o.DeepSpeed != "":
		m = append(m, kv{Key: "deepspeed", Value: "deepspeed.json"})
	case o.FSDP:
		// FSDP2 (docs/multi-node.qmd); the layer class to wrap is left to transformers'
		// _no_split_modules of the base.
		m = append(m, kv{Key: "fsdp_version", Value: 2}, kv{Key: "fsdp_config", Value: yaml.MapSlice{
			{Key: "offload_params", Value: false}, {Key: "state_dict_type", Value: "FULL_STATE_DICT"},
			{Key: "auto_wrap_policy", Value: "TRANSFORMER_BASED_WRAP"}, {Key: "reshard_after_forward", Value: true},
			{Key: "cpu_ram_efficient_loading", Value: true}}})
	}
	return m
}

// trlConfig is the `trl sft --config` YAML: fields of TRL's ScriptArguments, SFTConfig
// (transformers TrainingArguments) and ModelConfig, parsed by TrlParser.
func trlConfig(o Options) yaml.MapSlice {
	m := yaml.MapSlice{
		{Key: "model_name_or_path", Value: o.Base},
		{Key: "dtype", Value: "bfloat16"},
		{Key: "attn_implementation", Value: "sdpa"},
		// load_dataset("./data") reads data/train.jsonl and data/val.jsonl as the train and
		// validation splits (datasets' split keywords in file names).
		{Key: "dataset_name", Value: "./data"},
		{Key: "dataset_train_split", Value: "train"},
		{Key: "dataset_test_split", Value: "validation"},
	}
	if !o.Full {
		targets := []string{"all-linear"}
		if len(o.Targets) > 0 {
			targets = o.Targets
		}
		m = append(m, kv{Key: "use_peft", Value: true}, kv{Key: "lora_r", Value: o.LoRAR}, kv{Key: "lora_alpha", Value: o.LoRAAlpha},
			kv{Key: "lora_dropout", Value: o.LoRADropout}, kv{Key: "lora_target_modules", Value: targets})
	}
	if o.QLoRA {
		m = append(m, kv{Key: "load_in_4bit", Value: true}, kv{Key: "bnb_4bit_quant_type", Value: "nf4"}, kv{Key: "use_bnb_nested_quant", Value: true})
		if o.FSDP || o.DeepSpeed == "zero3" {
			// sharding 4-bit weights needs them stored in the compute dtype
			m = append(m, kv{Key: "bnb_4bit_quant_storage", Value: "bfloat16"})
		}
	}
	m = append(m,
		kv{Key: "max_length", Value: o.SeqLen},
		kv{Key: "packing", Value: false},
		kv{Key: "num_train_epochs", Value: o.Epochs},
		kv{Key: "per_device_train_batch_size", Value: o.MicroBatch},
		kv{Key: "per_device_eval_batch_size", Value: o.MicroBatch},
		kv{Key: "gradient_accumulation_steps", Value: o.GradAccum()},
		kv{Key: "learning_rate", Value: o.LearningRate},
		kv{Key: "lr_scheduler_type", Value: "cosine"},
		kv{Key: "warmup_ratio", Value: 0.03},
		kv{Key: "weight_decay", Value: 0.0},
		kv{Key: "bf16", Value: true},
		kv{Key: "gradient_checkpointing", Value: true},
		kv{Key: "logging_steps", Value: 5},
		kv{Key: "eval_strategy", Value: "epoch"},
		kv{Key: "save_strategy", Value: "epoch"},
		kv{Key: "seed", Value: o.Seed},
		kv{Key: "output_dir", Value: OutputDir},
		kv{Key: "report_to", Value: "none"},
	)
	return m
}

// accelerateConfig is TRL's accelerate profile (trl/accelerate_configs/{multi_gpu,zero2,
// zero3,fsdp2}.yaml) for o's processes; sbatch overrides the machine settings per node.
func accelerateConfig(o Options) yaml.MapSlice {
	m := yaml.MapSlice{{Key: "compute_environment", Value: "LOCAL_MACHINE"}, {Key: "debug", Value: false}}
	switch {
	case o.DeepSpeed != "":
		stage := 2
		if o.DeepSpeed == "zero3" {
			stage = 3
		}
		ds := yaml.MapSlice{{Key: "deepspeed_multinode_launcher", Value: "standard"}, {Key: "offload_optimizer_device", Value: "none"},
			{Key: "offload_param_device", Value: "none"}, {Key: "zero3_init_flag", Value: stage == 3}}
		if stage == 3 {
			ds = append(ds, kv{Key: "zero3_save_16bit_model", Value: true})
		}
		ds = append(ds, kv{Key: "zero_stage", Value: stage})
		m = append(m, kv{Key: "deepspeed_config", Value: ds}, kv{Key: "distributed_type", Value: "DEEPSPEED"})
	case o.FSDP:
		m = append(m, kv{Key: "distributed_type", Value: "FSDP"}, kv{Key: "fsdp_config", Value: yaml.MapSlice{
			{Key: "fsdp_activation_checkpointing", Value: false}, {Key: "fsdp_auto_wrap_policy", Value: "TRANSFORMER_BASED_WRAP"},
			{Key: "fsdp_cpu_ram_efficient_loading", Value: true}, {Key: "fsdp_offload_params", Value: false},
			{Key: "fsdp_reshard_after_forward", Value: true}, {Key: "fsdp_state_dict_type", Value: "FULL_STATE_DICT"},
			{Key: "fsdp_version", Value: 2}}})
	case o.Processes() > 1:
		m = append(m, kv{Key: "distributed_type", Value: "MULTI_GPU"}, kv{Key: "gpu_ids", Value: "all"})
	default:
		m = append(m, kv{Key: "distributed_type", Value: "NO"})
	}
	return append(m,
		kv{Key: "downcast_bf16", Value: "no"},
		kv{Key: "machine_rank", Value: 0},
		kv{Key: "main_training_function", Value: "main"},
		kv{Key: "mixed_precision", Value: "bf16"},
		kv{Key: "num_machines", Value: max(1, o.Nodes)},
		kv{Key: "num_processes", Value: o.Processes()},
		kv{Key: "rdzv_backend", Value: "static"},
		kv{Key: "same_network", Value: true},
		kv{Key: "use_cpu", Value: false},
	)
}

// deepSpeedJSON is axolotl's deepspeed_configs/zero2.json or zero3_bf16.json (the batch
// sizes stay "auto": the trainer fills them from the YAML).
func deepSpeedJSON(stage string) string {
	if stage == "zero3" {
		return `{
  "zero_optimization": {
    "stage": 3,
    "overlap_comm": true,
    "contiguous_gradients": true,
    "sub_group_size": 0,
    "reduce_bucket_size": "auto",
    "stage3_prefetch_bucket_size": "auto",
    "stage3_param_persistence_threshold": "auto",
    "max_live_parameters": 0,
    "max_reuse_distance": 0,
    "gather_16bit_weights_on_model_save": true
  },
  "bf16": {
    "enabled": true
  },
  "gradient_accumulation_steps": "auto",
  "gradient_clipping": "auto",
  "train_batch_size": "auto",
  "train_micro_batch_size_per_gpu": "auto",
  "wall_clock_breakdown": false
}
`
	}
	return `{
  "zero_optimization": {
    "stage": 2,
    "offload_optimizer": {
      "device": "cpu"
    },
    "contiguous_gradients": true,
    "overlap_comm": true
  },
  "bf16": {
    "enabled": "auto"
  },
  "fp16": {
    "enabled": "auto",
    "auto_cast": false,
    "loss_scale": 0,
    "initial_scale_power": 32,
    "loss_scale_window": 1000,
    "hysteresis": 2,
    "min_loss_scale": 1
  },
  "gradient_accumulation_steps": "auto",
  "gradient_clipping": "auto",
  "train_batch_size": "auto",
  "train_micro_batch_size_per_gpu": "auto",
  "wall_clock_breakdown": false
}
`
}

// render returns every file of the recipe but the data, by name relative to the recipe.
func render(o Options, base *BaseConfig) (map[string][]byte, error) {
	files := map[string][]byte{}
	var err error
	if o.Engine == TRL {
		if files["trl.yaml"], err = marshal(o, "trl sft config", trlConfig(o)); err != nil {
			return nil, err
		}
		if files["accelerate.yaml"], err = marshal(o, "accelerate config", accelerateConfig(o)); err != nil {
			return nil, err
		}
	} else {
		if files["axolotl.yaml"], err = marshal(o, "axolotl config", axolotlConfig(o)); err != nil {
			return nil, err
		}
		if o.DeepSpeed != "" {
			files["deepspeed.json"] = []byte(deepSpeedJSON(o.DeepSpeed))
		}
	}
	files["launch.sh"] = []byte(launchScript(o))
	files["slurm.sbatch"] = []byte(sbatchScript(o))
	files["requirements.txt"] = []byte(requirements(o))
	files["README.md"] = []byte(readme(o, base))
	return files, nil
}

// ServeCommand is the vLLM command serving the recipe's result from dir: the base with the
// adapter as a LoRA module NAME, or the fully fine-tuned model itself.
func ServeCommand(o Options, dir string) string {
	if o.Full {
		return fmt.Sprintf("vllm serve %s --served-model-name %s", dir, o.Name)
	}
	return fmt.Sprintf("vllm serve %s --enable-lora --lora-modules %s=%s --max-lora-rank %d", o.Base, o.Name, dir, MaxLoRARank(o.LoRAR))
}

// MaxLoRARank is the smallest value of vLLM's --max-lora-rank choices (8, 16, 32, 64, 128,
// 256, 320, 512) that holds rank r, at least 16.
func MaxLoRARank(r int) int {
	for _, v := range []int{16, 32, 64, 128, 256, 320, 512} {
		if r <= v {
			return v
		}
	}
	return r
}

// Reference is the sqlforge model reference of a served adapter.
func Reference(host, name string) string { return fmt.Sprintf("http://%s:8000/v1#%s", host, name) }

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
