// Package peft reads and writes LoRA adapters in Hugging Face PEFT's
// layout, so an adapter trained by sqlforge loads in PEFT and vLLM and one
// trained there loads here:
//
//	adapter_config.json        LoraConfig as PEFT serialises it
//	adapter_model.safetensors  base_model.model.<module>.lora_A.weight [r, in]
//	                           base_model.model.<module>.lora_B.weight [out, r]
//
// where <module> is the Hugging Face name of the adapted projection, e.g.
// model.layers.3.self_attn.q_proj. Tensors are written as F32.
package peft

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// File names of a PEFT adapter directory.
const (
	ConfigFile  = "adapter_config.json"
	WeightsFile = "adapter_model.safetensors"
)

// allModules are the projections sqlforge's model can adapt, in its order.
var allModules = []string{"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}

// Config is PEFT's LoraConfig with the keys PEFT (0.10-0.13) writes to
// adapter_config.json, in its alphabetical order. Fields sqlforge does not
// implement are written with PEFT's defaults and refused on load when set
// to anything else.
type Config struct {
	AlphaPattern        map[string]float64 `json:"alpha_pattern"`
	AutoMapping         any                `json:"auto_mapping"`
	BaseModelNameOrPath string             `json:"base_model_name_or_path"`
	Bias                string             `json:"bias"`
	FanInFanOut         bool               `json:"fan_in_fan_out"`
	InferenceMode       bool               `json:"inference_mode"`
	InitLoRAWeights     any                `json:"init_lora_weights"`
	LayerReplication    any                `json:"layer_replication"`
	LayersPattern       any                `json:"layers_pattern"`
	LayersToTransform   any                `json:"layers_to_transform"`
	LoftQConfig         map[string]any     `json:"loftq_config"`
	LoRAAlpha           float64            `json:"lora_alpha"`
	LoRADropout         float64            `json:"lora_dropout"`
	MegatronConfig      any                `json:"megatron_config"`
	MegatronCore        string             `json:"megatron_core"`
	ModulesToSave       []string           `json:"modules_to_save"`
	PeftType            string             `json:"peft_type"`
	R                   int                `json:"r"`
	RankPattern         map[string]int     `json:"rank_pattern"`
	Revision            any                `json:"revision"`
	TargetModules       TargetModules      `json:"target_modules"`
	TaskType            string             `json:"task_type"`
	UseDoRA             bool               `json:"use_dora"`
	UseRSLoRA           bool               `json:"use_rslora"`
}

// TargetModules is PEFT's target_modules: a list of module names, or a
// single string (PEFT treats it as a regular expression; sqlforge accepts
// "all-linear" and a bare module name).
type TargetModules []string

// UnmarshalJSON accepts a list of names or one string.
func (t *TargetModules) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if s == "all-linear" {
			*t = slices.Clone(allModules)
			return nil
		}
		if !slices.Contains(allModules, s) {
			return fmt.Errorf("target_modules %q: only a list of names, a single name or \"all-linear\" is supported", s)
		}
		*t = TargetModules{s}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf("target_modules: want a list of names: %w", err)
	}
	*t = list
	return nil
}

// NewConfig describes adapters with the settings lc as PEFT would for a
// causal language model whose base is named base (a hub id or a path).
func NewConfig(lc lm.LoRAConfig, base string) Config {
	return Config{
		AlphaPattern: map[string]float64{}, BaseModelNameOrPath: base, Bias: "none",
		InferenceMode: true, InitLoRAWeights: true, LoftQConfig: map[string]any{},
		LoRAAlpha: lc.Alpha, LoRADropout: lc.Dropout, MegatronCore: "megatron.core",
		PeftType: "LORA", R: lc.R, RankPattern: map[string]int{},
		TargetModules: TargetModules(slices.Clone(lc.TargetModules)), TaskType: "CAUSAL_LM",
	}
}

// LoRAConfig converts the PEFT configuration to lm's, refusing features
// sqlforge's model does not implement.
func (c Config) LoRAConfig() (lm.LoRAConfig, error) {
	var bad []string
	if c.PeftType != "LORA" {
		bad = append(bad, fmt.Sprintf("peft_type %q (want LORA)", c.PeftType))
	}
	if c.Bias != "" && c.Bias != "none" {
		bad = append(bad, fmt.Sprintf("bias %q (want none)", c.Bias))
	}
	if c.FanInFanOut {
		bad = append(bad, "fan_in_fan_out true")
	}
	if c.UseDoRA {
		bad = append(bad, "use_dora true")
	}
	if c.UseRSLoRA {
		bad = append(bad, "use_rslora true")
	}
	if len(c.RankPattern) > 0 || len(c.AlphaPattern) > 0 {
		bad = append(bad, "rank_pattern/alpha_pattern")
	}
	if len(c.ModulesToSave) > 0 {
		bad = append(bad, fmt.Sprintf("modules_to_save %v", c.ModulesToSave))
	}
	if c.LayersToTransform != nil {
		bad = append(bad, "layers_to_transform")
	}
	var targets []string
	for _, name := range c.TargetModules {
		// PEFT matches a name as a suffix of the module path:
		// "self_attn.q_proj" and "q_proj" name the same projections.
		short := name[strings.LastIndex(name, ".")+1:]
		if !slices.Contains(allModules, short) {
			bad = append(bad, fmt.Sprintf("target module %q", name))
			continue
		}
		targets = append(targets, short)
	}
	if len(bad) > 0 {
		return lm.LoRAConfig{}, fmt.Errorf("unsupported adapter configuration: %s", strings.Join(bad, ", "))
	}
	return lm.LoRAConfig{R: c.R, Alpha: c.LoRAAlpha, Dropout: c.LoRADropout, TargetModules: targets}, nil
}

// ReadConfig reads and decodes an adapter_config.json.
func ReadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("reading adapter config: %w", err)
	}
	var c Config
	if err := json.Unmarshal(data, &c); err != nil {
		return Config{}, fmt.Errorf("%s: decoding adapter config: %w", path, err)
	}
	return c, nil
}
