package recipe

import (
	"fmt"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
)

// rule is one of an engine's own configuration checks, applied to the parsed YAML as the
// engine's "before" validators apply to the raw dict.
type rule struct {
	// flag is the sqlforge flag that sets the field(s), for the message.
	flag, field string
	// source is the engine file and check the rule mirrors.
	source string
	// bad returns a message when cfg breaks the rule.
	bad func(cfg map[string]any) string
}

// axolotlRules are checks of axolotl 0.18.0's pydantic config (AxolotlInputConfig) that a
// recipe's options can break.
var axolotlRules = []rule{
	{"--data", "datasets", "src/axolotl/utils/schemas/validation.py check_dataset_or_pretraining_dataset", func(c map[string]any) string {
		if c["datasets"] == nil && c["pretraining_dataset"] == nil {
			return "either datasets or pretraining_dataset is required"
		}
		return ""
	}},
	{"--engine", "base_model", "src/axolotl/utils/schemas/config.py AxolotlInputConfig.base_model", func(c map[string]any) string {
		if str(c["base_model"]) == "" {
			return "base_model is required"
		}
		return ""
	}},
	{"--micro-batch", "micro_batch_size, gradient_accumulation_steps", "src/axolotl/utils/schemas/validation.py check_batch_size_fields", func(c map[string]any) string {
		n := 0
		for _, f := range []string{"micro_batch_size", "gradient_accumulation_steps", "batch_size"} {
			if num(c[f]) > 0 {
				n++
			}
		}
		if n < 2 {
			return "at least two of micro_batch_size, gradient_accumulation_steps, batch_size must be set"
		}
		return ""
	}},
	{"--micro-batch", "gradient_accumulation_steps, batch_size", "src/axolotl/utils/schemas/validation.py check_gas_bsz", func(c map[string]any) string {
		if num(c["gradient_accumulation_steps"]) > 0 && num(c["batch_size"]) > 0 {
			return "please set only one of gradient_accumulation_steps or batch_size"
		}
		return ""
	}},
	{"--qlora with --full", "load_in_4bit, adapter", "src/axolotl/utils/schemas/peft.py LoraConfig.validate_adapter", func(c map[string]any) string {
		if str(c["adapter"]) == "" && (truthy(c["load_in_8bit"]) || truthy(c["load_in_4bit"])) {
			return "load_in_8bit and load_in_4bit are not supported without setting an adapter for training"
		}
		return ""
	}},
	{"--qlora", "adapter", "src/axolotl/utils/schemas/peft.py LoraConfig.validate_adapter", func(c map[string]any) string {
		if a := str(c["adapter"]); a != "" && !slices.Contains([]string{"lora", "qlora", "llama-adapter"}, a) {
			return fmt.Sprintf("adapter %q is not built in (lora, qlora, llama-adapter)", a)
		}
		return ""
	}},
	{"--qlora", "load_in_4bit", "src/axolotl/utils/schemas/peft.py LoraConfig.validate_qlora", func(c map[string]any) string {
		if str(c["adapter"]) != "qlora" || truthy(c["merge_lora"]) {
			return ""
		}
		if truthy(c["load_in_8bit"]) {
			return "can't load qlora in 8bit"
		}
		if !truthy(c["load_in_4bit"]) {
			return "require load_in_4bit to be true for qlora"
		}
		return ""
	}},
	{"--lora-r", "lora_r", "src/axolotl/utils/schemas/peft.py (PEFT LoraConfig r > 0)", func(c map[string]any) string {
		if a := str(c["adapter"]); (a == "lora" || a == "qlora") && num(c["lora_r"]) < 1 {
			return "lora_r must be a positive integer"
		}
		return ""
	}},
	{"--deepspeed/--fsdp", "deepspeed, fsdp", "src/axolotl/utils/schemas/validation.py check_fsdp_deepspeed", func(c map[string]any) string {
		if truthy(c["deepspeed"]) && (truthy(c["fsdp"]) || truthy(c["fsdp_config"])) {
			return "deepspeed and fsdp cannot be used together"
		}
		return ""
	}},
	{"--fsdp", "fsdp_config", "src/axolotl/utils/schemas/validation.py check_falcon_fsdp", func(c map[string]any) string {
		if strings.Contains(strings.ToLower(str(c["base_model"])), "falcon") && (truthy(c["fsdp"]) || truthy(c["fsdp_config"])) {
			return "FSDP is not supported for falcon models"
		}
		return ""
	}},
	{"--val", "test_datasets, val_set_size", "src/axolotl/utils/schemas/validation.py check_val_w_test_datasets", func(c map[string]any) string {
		if truthy(c["test_datasets"]) && num(c["val_set_size"]) > 0 {
			return "non-zero val_set_size should not be used with test_datasets"
		}
		return ""
	}},
	{"", "warmup_steps, warmup_ratio", "src/axolotl/utils/schemas/validation.py check_warmup", func(c map[string]any) string {
		if num(c["warmup_steps"]) > 0 && num(c["warmup_ratio"]) > 0 {
			return "warmup_steps and warmup_ratio are mutually exclusive"
		}
		return ""
	}},
	{"--data", "datasets[].field_messages", "src/axolotl/utils/schemas/datasets.py SFTDataset (type chat_template reads field_messages)", func(c map[string]any) string {
		for _, key := range []string{"datasets", "test_datasets"} {
			list, _ := c[key].([]any)
			for i, d := range list {
				m, _ := d.(map[string]any)
				if str(m["path"]) == "" {
					return fmt.Sprintf("%s[%d].path is required", key, i)
				}
				if str(m["type"]) == "chat_template" && str(m["field_messages"]) == "" {
					return fmt.Sprintf("%s[%d]: type chat_template needs field_messages", key, i)
				}
			}
		}
		return ""
	}},
	{"--seq-len", "sequence_len", "src/axolotl/utils/schemas/config.py AxolotlInputConfig.sequence_len", func(c map[string]any) string {
		if num(c["sequence_len"]) < 1 {
			return "sequence_len must be a positive integer"
		}
		return ""
	}},
}

// trlRules are checks of TRL 1.8 (TrlParser over ScriptArguments, SFTConfig, ModelConfig)
// and of transformers' Trainer that a recipe's options can break.
var trlRules = []rule{
	{"--engine", "model_name_or_path", "trl/scripts/sft.py main (SFTTrainer(model=model_args.model_name_or_path))", func(c map[string]any) string {
		if str(c["model_name_or_path"]) == "" {
			return "model_name_or_path is required"
		}
		return ""
	}},
	{"--data", "dataset_name", "trl/scripts/sft.py main", func(c map[string]any) string {
		if str(c["dataset_name"]) == "" && c["datasets"] == nil {
			return "either `datasets` or `dataset_name` must be provided"
		}
		return ""
	}},
	{"--qlora", "load_in_4bit, load_in_8bit", "trl/trainer/model_config.py ModelConfig.__post_init__", func(c map[string]any) string {
		if truthy(c["load_in_8bit"]) && truthy(c["load_in_4bit"]) {
			return "you can't use 8 bit and 4 bit precision at the same time"
		}
		return ""
	}},
	{"--qlora with --full", "load_in_4bit, use_peft", "transformers src/transformers/trainer.py (purely quantized models need trainable adapters)", func(c map[string]any) string {
		if truthy(c["load_in_4bit"]) && !truthy(c["use_peft"]) {
			return "a 4-bit base can only be trained through adapters: load_in_4bit needs use_peft"
		}
		return ""
	}},
	{"--lora-r", "lora_r", "trl/trainer/model_config.py ModelConfig.lora_r (PEFT LoraConfig r > 0)", func(c map[string]any) string {
		if truthy(c["use_peft"]) && num(c["lora_r"]) < 1 {
			return "lora_r must be a positive integer"
		}
		return ""
	}},
	{"--seq-len", "max_length, packing", "trl/trainer/sft_trainer.py (When packing is enabled, max_length can't be None)", func(c map[string]any) string {
		if truthy(c["packing"]) && num(c["max_length"]) < 1 {
			return "when packing is enabled, max_length can't be None"
		}
		return ""
	}},
}

// Validate parses an engine configuration as the engine would read it and applies the engine's
// rules; the first broken rule is returned as a *FieldError citing its source.
func Validate(e Engine, data []byte) error {
	cfg := map[string]any{}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return &FieldError{Field: e.ConfigFile(), Msg: fmt.Sprintf("not YAML: %v", err)}
	}
	rules := axolotlRules
	if e == TRL {
		rules = trlRules
	}
	for _, r := range rules {
		if msg := r.bad(cfg); msg != "" {
			return &FieldError{Flag: r.flag, Field: e.ConfigFile() + " " + r.field, Msg: msg, Source: string(e) + " " + r.source}
		}
	}
	return nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func num(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return num(v) != 0
}
