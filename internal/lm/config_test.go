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
		{"gelu", `{"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"vocab_size":100,"hidden_act":"gelu"}`, nil, `hidden_act "gelu"`},
		{"rope scaling", `{"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"vocab_size":100,"rope_scaling":{"rope_type":"llama3"}}`, nil, "rope_scaling"},
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
