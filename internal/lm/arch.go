package lm

import (
	"fmt"
	"math"
)

// architectures maps each supported model_type to Hugging Face's class
// name, written into config.json's "architectures". An empty model_type
// is read as Llama.
var architectures = map[string]string{
	"":        "LlamaForCausalLM",
	"llama":   "LlamaForCausalLM",
	"mistral": "MistralForCausalLM",
	"qwen2":   "Qwen2ForCausalLM",
	"qwen3":   "Qwen3ForCausalLM",
	"gemma":   "GemmaForCausalLM",
	"gemma2":  "Gemma2ForCausalLM",
	"phi3":    "Phi3ForCausalLM",
}

// What each architecture changes from Llama (pre-norm attention, pre-norm
// SwiGLU MLP, RMSNorm w·x̂, rotary embedding):
//
//   - mistral: sliding-window attention on every layer.
//   - qwen2: biases on q, k and v.
//   - qwen3: RMSNorm over each query and key head (q_norm, k_norm, weight
//     [Dh]) before the rotary embedding.
//   - gemma: GeGLU (gelu_pytorch_tanh), RMSNorm (1+w)·x̂, embeddings scaled
//     by √D, tied lm_head.
//   - gemma2: gemma plus RMSNorms on the attention and MLP outputs
//     (post_attention_layernorm, post_feedforward_layernorm; the MLP's input
//     norm is pre_feedforward_layernorm), attention scale
//     query_pre_attn_scalar^-½, soft-capped attention scores and logits and
//     sliding windows on alternate layers.
//   - phi3: q, k, v fused in qkv_proj [Hq·Dh+2·Hkv·Dh, D] and gate, up in
//     gate_up_proj [2F, D] (gate first); sliding window on every layer.

// gemmaNorm reports whether RMSNorm multiplies by 1+w (Gemma) rather than w.
func (c Config) gemmaNorm() bool { return c.ModelType == "gemma" || c.ModelType == "gemma2" }

// embedScale is the factor applied to embedding rows: √D for Gemma, else 1.
func (c Config) embedScale() float32 {
	if c.gemmaNorm() {
		return float32(math.Sqrt(float64(c.HiddenSize)))
	}
	return 1
}

// QKNorm reports whether each query and key head is RMS-normalised (Qwen3).
func (c Config) QKNorm() bool { return c.ModelType == "qwen3" }

// Fused reports whether q, k, v and gate, up are stored fused (Phi-3).
func (c Config) Fused() bool { return c.ModelType == "phi3" }

// sandwichNorm reports whether attention and MLP outputs are normalised
// before joining the residual stream (Gemma-2).
func (c Config) sandwichNorm() bool { return c.ModelType == "gemma2" }

// QKVBias reports whether the q, k and v projections carry biases: always
// for Qwen2, never for Mistral and Phi-3, and elsewhere when
// attention_bias is set.
func (c Config) QKVBias() bool {
	switch c.ModelType {
	case "qwen2":
		return true
	case "mistral", "phi3":
		return false
	}
	return c.AttentionBias
}

// OBias reports whether the output projection carries a bias
// (attention_bias, except for Qwen2, Mistral and Phi-3, which have none).
func (c Config) OBias() bool {
	switch c.ModelType {
	case "qwen2", "mistral", "phi3":
		return false
	}
	return c.AttentionBias
}

// attnScale is the factor on q·kᵀ: query_pre_attn_scalar^-½ for Gemma-2,
// head_dim^-½ otherwise.
func (c Config) attnScale() float32 {
	if c.ModelType == "gemma2" && c.QueryPreAttnScalar > 0 {
		return float32(1 / math.Sqrt(c.QueryPreAttnScalar))
	}
	return float32(1 / math.Sqrt(float64(c.HeadDim)))
}

// attnSoftcap is Gemma-2's attention soft-capping value, 0 when off.
func (c Config) attnSoftcap() float32 {
	if c.ModelType == "gemma2" && c.AttnLogitSoftcapping != nil {
		return float32(*c.AttnLogitSoftcapping)
	}
	return 0
}

// finalSoftcap is Gemma-2's logit soft-capping value, 0 when off.
func (c Config) finalSoftcap() float32 {
	if c.ModelType == "gemma2" && c.FinalLogitSoftcapping != nil {
		return float32(*c.FinalLogitSoftcapping)
	}
	return 0
}

// Window returns the sliding window of layer li: 0 means full causal
// attention.
func (c Config) Window(li int) int {
	if c.SlidingWindow == nil || *c.SlidingWindow <= 0 {
		return 0
	}
	switch c.ModelType {
	case "mistral", "phi3":
		return *c.SlidingWindow
	case "gemma2":
		if li < len(c.LayerTypes) {
			if c.LayerTypes[li] == "sliding_attention" {
				return *c.SlidingWindow
			}
			return 0
		}
		if li%2 == 0 {
			return *c.SlidingWindow
		}
	}
	return 0
}

// act is the MLP activation named by the configuration.
func (c Config) act() activation {
	if c.HiddenActivation != "" {
		return activations[c.HiddenActivation]
	}
	return activations[c.HiddenAct]
}

// fillArchDefaults fills the defaults Hugging Face's configuration classes
// give: silu, and gelu_pytorch_tanh for Gemma.
func (c *Config) fillArchDefaults() {
	if c.gemmaNorm() && c.HiddenActivation == "" {
		c.HiddenActivation = "gelu_pytorch_tanh"
	}
	if c.HiddenAct == "" {
		c.HiddenAct = "silu"
	}
}

// validateArch checks the fields particular to some architectures.
func (c Config) validateArch() []error {
	var errs []error
	if _, ok := architectures[c.ModelType]; !ok {
		errs = append(errs, fmt.Errorf("model_type %q is not supported (llama, mistral, qwen2, qwen3, gemma, gemma2, phi3)", c.ModelType))
	}
	name := c.HiddenAct
	if c.HiddenActivation != "" {
		name = c.HiddenActivation
	}
	if _, ok := activations[name]; !ok {
		errs = append(errs, fmt.Errorf("hidden_act %q is not supported (silu, gelu, gelu_pytorch_tanh)", name))
	}
	if c.UseSlidingWindow && (c.ModelType == "qwen2" || c.ModelType == "qwen3") {
		errs = append(errs, fmt.Errorf("use_sliding_window is not supported for %s", c.ModelType))
	}
	if c.PartialRotaryFactor != 0 && c.PartialRotaryFactor != 1 {
		errs = append(errs, fmt.Errorf("partial_rotary_factor %g is not supported (only 1)", c.PartialRotaryFactor))
	}
	if c.ModelType == "gemma2" && len(c.LayerTypes) > 0 && len(c.LayerTypes) != c.NumHiddenLayers {
		errs = append(errs, fmt.Errorf("layer_types has %d entries for %d layers", len(c.LayerTypes), c.NumHiddenLayers))
	}
	return errs
}
