package gguf

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// ConfigKey holds the model's Hugging Face config.json, so that sqlforge
// reads back exactly the architecture it wrote (llama.cpp ignores it).
const ConfigKey = "sqlforge.config"

// ggufArch is llama.cpp's architecture name for a model_type: Mistral is
// served as llama (llama.cpp applies no sliding window to it).
func ggufArch(modelType string) string {
	switch modelType {
	case "", "llama", "mistral":
		return "llama"
	}
	return modelType
}

// permuted reports whether q and k are stored in llama.cpp's interleaved
// rotary layout, which convert_hf_to_gguf.py produces for llama models
// (the other architectures use the rotate-half layout Hugging Face has).
func permuted(cfg lm.Config) bool { return ggufArch(cfg.ModelType) == "llama" }

var layerName = regexp.MustCompile(`^model\.layers\.(\d+)\.(.+)$`)

// tensorName maps a Hugging Face tensor name to llama.cpp's.
func tensorName(cfg lm.Config, hf string) (string, error) {
	switch hf {
	case "model.embed_tokens.weight":
		return "token_embd.weight", nil
	case "model.norm.weight":
		return "output_norm.weight", nil
	case "lm_head.weight":
		return "output.weight", nil
	}
	m := layerName.FindStringSubmatch(hf)
	if m == nil {
		return "", fmt.Errorf("no GGUF name for tensor %q", hf)
	}
	rest, suffix, ok := cutLast(m[2])
	if !ok {
		return "", fmt.Errorf("no GGUF name for tensor %q", hf)
	}
	names := map[string]string{
		"input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm",
		"self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
		"self_attn.o_proj": "attn_output", "self_attn.qkv_proj": "attn_qkv",
		"self_attn.q_norm": "attn_q_norm", "self_attn.k_norm": "attn_k_norm",
		"mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down", "mlp.gate_up_proj": "ffn_up",
		"pre_feedforward_layernorm": "ffn_norm", "post_feedforward_layernorm": "post_ffw_norm",
	}
	if cfg.ModelType == "gemma2" {
		names["post_attention_layernorm"] = "post_attention_norm"
	}
	g, ok := names[rest]
	if !ok {
		return "", fmt.Errorf("no GGUF name for tensor %q", hf)
	}
	return "blk." + m[1] + "." + g + "." + suffix, nil
}

// cutLast splits "a.b.weight" into "a.b" and "weight".
func cutLast(s string) (string, string, bool) {
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// toGGUF returns the values llama.cpp expects for tensor p: q and k rows
// permuted for llama, Gemma's norm weights as 1+w.
func toGGUF(cfg lm.Config, p *lm.Param) []float32 {
	return transform(cfg, p, false)
}

// fromGGUF undoes toGGUF in place.
func fromGGUF(cfg lm.Config, p *lm.Param) {
	copy(p.W, transform(cfg, p, true))
}

func transform(cfg lm.Config, p *lm.Param, inverse bool) []float32 {
	w := append([]float32(nil), p.Values()...)
	if (cfg.ModelType == "gemma" || cfg.ModelType == "gemma2") && strings.HasSuffix(p.Name, "norm.weight") {
		d := float32(1)
		if inverse {
			d = -1
		}
		for i := range w {
			w[i] += d
		}
		return w
	}
	if !permuted(cfg) {
		return w
	}
	heads := 0
	switch {
	case strings.Contains(p.Name, ".self_attn.q_proj."):
		heads = cfg.NumAttentionHeads
	case strings.Contains(p.Name, ".self_attn.k_proj."):
		heads = cfg.NumKeyValueHeads
	default:
		return w
	}
	rows := p.Shape[0]
	cols := len(w) / rows
	dh := rows / heads
	half := dh / 2
	out := make([]float32, len(w))
	for h := 0; h < heads; h++ {
		for i := 0; i < half; i++ {
			for s := 0; s < 2; s++ {
				hf, gg := h*dh+s*half+i, h*dh+2*i+s
				src, dst := hf, gg
				if inverse {
					src, dst = gg, hf
				}
				copy(out[dst*cols:(dst+1)*cols], w[src*cols:(src+1)*cols])
			}
		}
	}
	return out
}

// configKVs describes cfg in llama.cpp's metadata keys.
func configKVs(cfg lm.Config) ([]KV, error) {
	a := ggufArch(cfg.ModelType)
	kvs := []KV{
		{a + ".context_length", uint32(cfg.MaxPositionEmbeddings)},
		{a + ".embedding_length", uint32(cfg.HiddenSize)},
		{a + ".block_count", uint32(cfg.NumHiddenLayers)},
		{a + ".feed_forward_length", uint32(cfg.IntermediateSize)},
		{a + ".attention.head_count", uint32(cfg.NumAttentionHeads)},
		{a + ".attention.head_count_kv", uint32(cfg.NumKeyValueHeads)},
		{a + ".attention.key_length", uint32(cfg.HeadDim)},
		{a + ".attention.value_length", uint32(cfg.HeadDim)},
		{a + ".attention.layer_norm_rms_epsilon", float32(cfg.RMSNormEps)},
		{a + ".rope.freq_base", float32(cfg.RopeTheta)},
		{a + ".rope.dimension_count", uint32(cfg.HeadDim)},
		{a + ".vocab_size", uint32(cfg.VocabSize)},
	}
	if w := cfg.Window(0); w > 0 || (cfg.ModelType == "gemma2" && cfg.SlidingWindow != nil) {
		kvs = append(kvs, KV{a + ".attention.sliding_window", uint32(*cfg.SlidingWindow)})
	}
	if cfg.AttnLogitSoftcapping != nil && cfg.ModelType == "gemma2" {
		kvs = append(kvs, KV{a + ".attn_logit_softcapping", float32(*cfg.AttnLogitSoftcapping)})
	}
	if cfg.FinalLogitSoftcapping != nil && cfg.ModelType == "gemma2" {
		kvs = append(kvs, KV{a + ".final_logit_softcapping", float32(*cfg.FinalLogitSoftcapping)})
	}
	sc, err := cfg.ParseRopeScaling()
	if err != nil {
		return nil, err
	}
	switch sc.Type {
	case "":
	case "linear":
		kvs = append(kvs, KV{a + ".rope.scaling.type", "linear"}, KV{a + ".rope.scaling.factor", float32(sc.Factor)})
	default:
		return nil, fmt.Errorf("rope_scaling %q cannot be written to GGUF yet (llama.cpp keeps it as a rope_freqs tensor)", sc.Type)
	}
	return kvs, nil
}

// configFromMetadata rebuilds a Config from llama.cpp's keys, for GGUF
// files sqlforge did not write.
func configFromMetadata(g *File) (lm.Config, error) {
	a, _ := g.Metadata["general.architecture"].(string)
	switch a {
	case "llama", "qwen2", "qwen3", "gemma", "gemma2", "phi3":
	default:
		return lm.Config{}, fmt.Errorf("architecture %q is not supported (llama, qwen2, qwen3, gemma, gemma2, phi3)", a)
	}
	cfg := lm.Config{ModelType: a, HiddenAct: "silu", TieWordEmbeddings: true}
	if _, ok := g.Tensor("output.weight"); ok {
		cfg.TieWordEmbeddings = false
	}
	if _, ok := g.Tensor("blk.0.attn_q.bias"); ok && a == "llama" {
		cfg.AttentionBias = true
	}
	ints := []struct {
		key string
		dst *int
	}{{"context_length", &cfg.MaxPositionEmbeddings}, {"embedding_length", &cfg.HiddenSize}, {"block_count", &cfg.NumHiddenLayers},
		{"feed_forward_length", &cfg.IntermediateSize}, {"attention.head_count", &cfg.NumAttentionHeads},
		{"attention.head_count_kv", &cfg.NumKeyValueHeads}, {"attention.key_length", &cfg.HeadDim}}
	for _, it := range ints {
		if v, ok := number(g.Metadata[a+"."+it.key]); ok {
			*it.dst = int(v)
		}
	}
	if v, ok := number(g.Metadata[a+".attention.layer_norm_rms_epsilon"]); ok {
		cfg.RMSNormEps = v
	}
	if v, ok := number(g.Metadata[a+".rope.freq_base"]); ok {
		cfg.RopeTheta = v
	}
	if t, ok := g.Tensor("token_embd.weight"); ok && len(t.Dims) == 2 {
		cfg.VocabSize = int(t.Dims[1])
	}
	if v, ok := number(g.Metadata[a+".attention.sliding_window"]); ok && (a == "gemma2" || a == "phi3") {
		w := int(v)
		cfg.SlidingWindow = &w
	}
	for _, c := range []struct {
		key string
		dst **float64
	}{{"attn_logit_softcapping", &cfg.AttnLogitSoftcapping}, {"final_logit_softcapping", &cfg.FinalLogitSoftcapping}} {
		if v, ok := number(g.Metadata[a+"."+c.key]); ok {
			*c.dst = &v
		}
	}
	if s, _ := g.Metadata[a+".rope.scaling.type"].(string); s == "linear" {
		f, _ := number(g.Metadata[a+".rope.scaling.factor"])
		cfg.RopeScaling = []byte(`{"type":"linear","factor":` + strconv.FormatFloat(f, 'g', -1, 64) + `}`)
	}
	cfg, err := lm.ParseConfig(mustMarshalConfig(cfg))
	if err != nil {
		return lm.Config{}, fmt.Errorf("configuration from GGUF metadata: %w", err)
	}
	return cfg, nil
}

// mustMarshalConfig encodes a Config for ParseConfig, which fills the
// defaults an architecture needs (head_dim, Gemma's activation).
func mustMarshalConfig(cfg lm.Config) []byte {
	data, err := cfg.Marshal()
	if err != nil {
		return []byte("{}") // Config always encodes; ParseConfig reports the gap
	}
	return data
}

// number reads any numeric metadata value as float64.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case uint8:
		return float64(x), true
	case int8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case int16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case int32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case int64:
		return float64(x), true
	case float32:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}
