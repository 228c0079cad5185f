package lm

import (
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		check   func(Config) bool
		wantErr string
	}{
		{"llama defaults", `{"model_type":"llama","hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"vocab_size":100}`,
			func(c Config) bool {
				return c.NumKeyValueHeads == 8 && c.HeadDim == 8 && c.RopeTheta == 10000 && c.RMSNormEps == 1e-6 && !c.QKVBias() && !c.OBias()
			}, ""},
		{"qwen2 biases", `{"model_type":"qwen2","hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"num_key_value_heads":2,"vocab_size":100,"rope_theta":1000000,"tie_word_embeddings":true,"torch_dtype":"bfloat16","rope_scaling":null}`,
			func(c Config) bool { return c.QKVBias() && !c.OBias() && c.KVDim() == 16 && c.TieWordEmbeddings }, ""},
		{"llama attention_bias and head_dim", `{"model_type":"llama","hidden_size":64,"intermediate_size":128,"num_hidden_layers":1,"num_attention_heads":4,"head_dim":32,"vocab_size":10,"attention_bias":true}`,
			func(c Config) bool { return c.QKVBias() && c.OBias() && c.QDim() == 128 }, ""},
		{"gqa mismatch", `{"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"num_key_value_heads":3,"vocab_size":100}`, nil, "multiple of num_key_value_heads"},
		{"missing vocab", `{"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8}`, nil, "vocab_size must be positive"},
		{"relu", `{"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"vocab_size":100,"hidden_act":"relu"}`, nil, `hidden_act "relu"`},
		{"rope scaling", `{"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"vocab_size":100,"rope_scaling":{"rope_type":"llama3"}}`, nil, "rope_scaling"},
		{"mistral window", `{"model_type":"mistral","hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"vocab_size":100,"sliding_window":4096}`,
			func(c Config) bool { return c.Window(0) == 4096 && c.Window(1) == 4096 && !c.QKVBias() }, ""},
		{"mistral null window", `{"model_type":"mistral","hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"vocab_size":100,"sliding_window":null}`,
			func(c Config) bool { return c.Window(0) == 0 }, ""},
		{"gemma defaults", `{"model_type":"gemma","hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"head_dim":16,"vocab_size":100,"hidden_act":"gelu"}`,
			func(c Config) bool {
				return c.act() == actGELUTanh && c.gemmaNorm() && c.embedScale() == 8 && c.QDim() == 128
			}, ""},
		{"gemma2 alternating", `{"model_type":"gemma2","hidden_size":64,"intermediate_size":128,"num_hidden_layers":3,"num_attention_heads":8,"vocab_size":100,"sliding_window":16,"query_pre_attn_scalar":64,"attn_logit_softcapping":50,"final_logit_softcapping":30}`,
			func(c Config) bool {
				return c.Window(0) == 16 && c.Window(1) == 0 && c.Window(2) == 16 && c.attnScale() == 0.125 && c.attnSoftcap() == 50 && c.finalSoftcap() == 30
			}, ""},
		{"phi3 fused", `{"model_type":"phi3","hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"vocab_size":100,"sliding_window":2047}`,
			func(c Config) bool { return c.Fused() && c.Window(0) == 2047 }, ""},
		{"qwen3 head norms", `{"model_type":"qwen3","hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"head_dim":16,"vocab_size":100,"sliding_window":4096}`,
			func(c Config) bool { return c.QKNorm() && !c.QKVBias() && c.Window(0) == 0 }, ""},
		{"qwen sliding refused", `{"model_type":"qwen2","hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"vocab_size":100,"use_sliding_window":true}`, nil, "use_sliding_window"},
		{"partial rotary refused", `{"model_type":"phi3","hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"vocab_size":100,"partial_rotary_factor":0.75}`, nil, "partial_rotary_factor"},
		{"unknown model type", `{"model_type":"falcon","hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"vocab_size":100}`, nil, `model_type "falcon"`},
		{"bad json", `{"hidden_size":"x"}`, nil, "decoding model config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConfig([]byte(tt.json))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseConfig error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseConfig: %v", err)
			}
			if !tt.check(c) {
				t.Errorf("ParseConfig = %+v, fails the check", c)
			}
		})
	}
}
