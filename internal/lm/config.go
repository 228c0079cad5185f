// Package lm is sqlforge's local Llama-architecture language model: a decoder
// configured from a Hugging Face config.json, loaded from safetensors, with
// hand-written forward and backward passes over gonum's blas32 interface and
// LoRA adapters for fine-tuning. It covers Llama 2/3, Mistral, Qwen2,
// Qwen3, Gemma, Gemma-2, Phi-3 and SmolLM-style checkpoints by
// configuration, and reads and writes GGUF files.
//
// Activations are row-major float32 matrices. Throughout, B is the batch
// size, T the sequence length, N = B·T the number of token positions, D the
// hidden size, F the intermediate (MLP) size, V the vocabulary size, Hq and
// Hkv the query and key/value head counts and Dh the head dimension.
package lm

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// Config is the architecture of a model, read from the fields of a Hugging
// Face LlamaConfig, MistralConfig, Qwen2Config, Qwen3Config, GemmaConfig,
// Gemma2Config or Phi3Config (arch.go says what each model_type changes).
type Config struct {
	ModelType             string  `json:"model_type"`
	HiddenSize            int     `json:"hidden_size"`
	IntermediateSize      int     `json:"intermediate_size"`
	NumHiddenLayers       int     `json:"num_hidden_layers"`
	NumAttentionHeads     int     `json:"num_attention_heads"`
	NumKeyValueHeads      int     `json:"num_key_value_heads"`
	HeadDim               int     `json:"head_dim,omitempty"`
	VocabSize             int     `json:"vocab_size"`
	RMSNormEps            float64 `json:"rms_norm_eps"`
	RopeTheta             float64 `json:"rope_theta"`
	MaxPositionEmbeddings int     `json:"max_position_embeddings"`
	TieWordEmbeddings     bool    `json:"tie_word_embeddings"`
	// AttentionBias is Llama's flag: biases on q, k, v and o projections.
	AttentionBias bool   `json:"attention_bias"`
	HiddenAct     string `json:"hidden_act"`
	TorchDtype    string `json:"torch_dtype,omitempty"`
	// RopeScaling is Hugging Face's rope_scaling object, kept as written:
	// "linear" and "llama3" (Llama 3.1/3.2) are applied to the rotary
	// frequencies (RopeScalingParams); other types are refused.
	RopeScaling json.RawMessage `json:"rope_scaling,omitempty"`

	// SlidingWindow limits each query to the last SlidingWindow keys
	// (itself included): every layer for Mistral and Phi-3, the layers
	// LayerTypes marks "sliding_attention" (by default the even ones) for
	// Gemma-2. Nil or 0: full causal attention. Qwen2/Qwen3 apply it only
	// with use_sliding_window, which is refused.
	SlidingWindow    *int `json:"sliding_window,omitempty"`
	UseSlidingWindow bool `json:"use_sliding_window,omitempty"`
	// LayerTypes is Gemma-2's per-layer "sliding_attention" or
	// "full_attention"; empty means alternating, sliding first.
	LayerTypes []string `json:"layer_types,omitempty"`
	// HiddenActivation is Gemma's name for the MLP activation; when set it
	// overrides HiddenAct (Gemma defaults to gelu_pytorch_tanh).
	HiddenActivation string `json:"hidden_activation,omitempty"`
	// QueryPreAttnScalar (Gemma-2) makes the attention scale
	// QueryPreAttnScalar^-½ instead of head_dim^-½.
	QueryPreAttnScalar float64 `json:"query_pre_attn_scalar,omitempty"`
	// AttnLogitSoftcapping and FinalLogitSoftcapping (Gemma-2) squash
	// attention scores and output logits as cap·tanh(x/cap); nil or 0: off.
	AttnLogitSoftcapping  *float64 `json:"attn_logit_softcapping,omitempty"`
	FinalLogitSoftcapping *float64 `json:"final_logit_softcapping,omitempty"`
	// PartialRotaryFactor (Phi) must be 1 when present: partial rotary
	// embedding is not supported.
	PartialRotaryFactor float64 `json:"partial_rotary_factor,omitempty"`
}

// RopeScalingParams are the fields of rope_scaling the supported types use.
type RopeScalingParams struct {
	// Type is rope_type (or the older "type"): "", "default", "linear" or "llama3".
	Type string
	// Factor divides the frequencies (linear: all; llama3: the low ones).
	Factor float64
	// LowFreqFactor, HighFreqFactor and OriginalMaxPositionEmbeddings
	// place llama3's band between scaled and unscaled frequencies.
	LowFreqFactor, HighFreqFactor float64
	OriginalMaxPositionEmbeddings int
}

// ParseRopeScaling decodes c.RopeScaling; a missing or null object gives
// the zero value (no scaling).
func (c Config) ParseRopeScaling() (RopeScalingParams, error) {
	var p RopeScalingParams
	if len(c.RopeScaling) == 0 || string(c.RopeScaling) == "null" {
		return p, nil
	}
	var raw struct {
		RopeType       string  `json:"rope_type"`
		Type           string  `json:"type"`
		Factor         float64 `json:"factor"`
		LowFreqFactor  float64 `json:"low_freq_factor"`
		HighFreqFactor float64 `json:"high_freq_factor"`
		OriginalMax    int     `json:"original_max_position_embeddings"`
	}
	if err := json.Unmarshal(c.RopeScaling, &raw); err != nil {
		return p, fmt.Errorf("rope_scaling %s: %w", c.RopeScaling, err)
	}
	p = RopeScalingParams{Type: raw.RopeType, Factor: raw.Factor, LowFreqFactor: raw.LowFreqFactor,
		HighFreqFactor: raw.HighFreqFactor, OriginalMaxPositionEmbeddings: raw.OriginalMax}
	if p.Type == "" {
		p.Type = raw.Type
	}
	switch p.Type {
	case "", "default":
		return RopeScalingParams{}, nil
	case "linear":
		if p.Factor <= 0 {
			return p, fmt.Errorf("rope_scaling %s: linear needs factor > 0", c.RopeScaling)
		}
	case "llama3":
		if p.Factor <= 0 || p.LowFreqFactor <= 0 || p.HighFreqFactor <= p.LowFreqFactor || p.OriginalMaxPositionEmbeddings <= 0 {
			return p, fmt.Errorf("rope_scaling %s: llama3 needs factor > 0, 0 < low_freq_factor < high_freq_factor and original_max_position_embeddings > 0", c.RopeScaling)
		}
	default:
		return p, fmt.Errorf("rope_scaling type %q is not supported (linear, llama3)", p.Type)
	}
	return p, nil
}

// LoadConfig reads and validates a Hugging Face config.json.
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("reading model config: %w", err)
	}
	c, err := ParseConfig(data)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParseConfig decodes a config.json, fills Hugging Face's defaults
// (num_key_value_heads = num_attention_heads, head_dim = hidden/heads,
// rope_theta 10000, rms_norm_eps 1e-6, hidden_act silu) and validates it.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if err := json.Unmarshal(data, &c); err != nil {
		return Config{}, fmt.Errorf("decoding model config: %w", err)
	}
	if c.NumKeyValueHeads == 0 {
		c.NumKeyValueHeads = c.NumAttentionHeads
	}
	if c.HeadDim == 0 && c.NumAttentionHeads > 0 {
		c.HeadDim = c.HiddenSize / c.NumAttentionHeads
	}
	if c.RopeTheta == 0 {
		c.RopeTheta = 10000
	}
	if c.RMSNormEps == 0 {
		c.RMSNormEps = 1e-6
	}
	c.fillArchDefaults()
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Validate reports the first field that makes the configuration unusable.
func (c Config) Validate() error {
	var errs []error
	positive := func(name string, v int) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("%s must be positive, got %d", name, v))
		}
	}
	positive("hidden_size", c.HiddenSize)
	positive("intermediate_size", c.IntermediateSize)
	positive("num_hidden_layers", c.NumHiddenLayers)
	positive("num_attention_heads", c.NumAttentionHeads)
	positive("num_key_value_heads", c.NumKeyValueHeads)
	positive("head_dim", c.HeadDim)
	positive("vocab_size", c.VocabSize)
	if c.NumAttentionHeads > 0 && c.NumKeyValueHeads > 0 && c.NumAttentionHeads%c.NumKeyValueHeads != 0 {
		errs = append(errs, fmt.Errorf("num_attention_heads (%d) must be a multiple of num_key_value_heads (%d)", c.NumAttentionHeads, c.NumKeyValueHeads))
	}
	if c.HeadDim%2 != 0 {
		errs = append(errs, fmt.Errorf("head_dim must be even for rotary embedding, got %d", c.HeadDim))
	}
	if c.RMSNormEps < 0 || c.RopeTheta <= 0 {
		errs = append(errs, fmt.Errorf("rms_norm_eps (%g) must be >= 0 and rope_theta (%g) > 0", c.RMSNormEps, c.RopeTheta))
	}
	errs = append(errs, c.validateArch()...)
	if _, err := c.ParseRopeScaling(); err != nil {
		errs = append(errs, err)
	}
	switch c.TorchDtype {
	case "", "float32", "bfloat16", "float16":
	default:
		errs = append(errs, fmt.Errorf("torch_dtype %q is not supported (float32, bfloat16, float16)", c.TorchDtype))
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid model config: %w", errors.Join(errs...))
	}
	return nil
}

// QDim is Hq·Dh, the width of the query projection.
func (c Config) QDim() int { return c.NumAttentionHeads * c.HeadDim }

// KVDim is Hkv·Dh, the width of the key and value projections.
func (c Config) KVDim() int { return c.NumKeyValueHeads * c.HeadDim }

// Marshal encodes the configuration as a Hugging Face config.json.
func (c Config) Marshal() ([]byte, error) {
	type hf struct {
		Config
		Architectures []string `json:"architectures"`
	}
	arch := architectures[c.ModelType]
	out, err := json.MarshalIndent(hf{Config: c, Architectures: []string{arch}}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding model config: %w", err)
	}
	return out, nil
}
