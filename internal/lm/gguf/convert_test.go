package gguf

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/tokenizer"
)

// testConfigs lists a small configuration per architecture, with each
// variant's features on (windows, head norms, soft caps, fused tensors).
func testConfigs() []lm.Config {
	window := func(w int) *int { return &w }
	capv := func(v float64) *float64 { return &v }
	base := lm.Config{HiddenSize: 16, IntermediateSize: 32, NumHiddenLayers: 2, NumAttentionHeads: 4, NumKeyValueHeads: 2,
		HeadDim: 4, VocabSize: 300, RMSNormEps: 1e-6, RopeTheta: 10000, MaxPositionEmbeddings: 64, HiddenAct: "silu"}
	var out []lm.Config
	for _, mt := range []string{"llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2", "phi3"} {
		c := base
		c.ModelType = mt
		switch mt {
		case "llama":
			c.AttentionBias = true
		case "mistral":
			c.SlidingWindow = window(3)
		case "qwen2":
			c.TieWordEmbeddings = true
		case "qwen3":
			c.HeadDim = 8
		case "gemma":
			c.TieWordEmbeddings, c.HiddenActivation = true, "gelu_pytorch_tanh"
		case "gemma2":
			c.TieWordEmbeddings, c.HiddenActivation = true, "gelu_pytorch_tanh"
			c.SlidingWindow, c.QueryPreAttnScalar = window(3), 4
			c.AttnLogitSoftcapping, c.FinalLogitSoftcapping = capv(5), capv(10)
		case "phi3":
			c.SlidingWindow = window(4)
		}
		out = append(out, c)
	}
	return out
}

// randomModel is a model with random weights, norms included.
func randomModel(t *testing.T, cfg lm.Config, seed uint64) *lm.Model {
	t.Helper()
	m, err := lm.NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m.InitRandom(seed, 0.3)
	rng := rand.New(rand.NewPCG(seed, 1))
	for _, p := range m.Params() {
		if len(p.Shape) == 1 {
			for i := range p.W {
				p.W[i] += float32(0.2 * rng.NormFloat64())
			}
		}
	}
	return m
}

func testTokenizer(t *testing.T) *tokenizer.Tokenizer {
	t.Helper()
	texts := slices.Values([]string{"SELECT name FROM customers WHERE city = 'Paris'", "select count(*) from orders group by year"})
	tok, err := tokenizer.Train(texts, 280, []string{"<|bos|>", "<|eos|>", "<|im_start|>", "<|im_end|>"})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func logitsOf(t *testing.T, m *lm.Model, tokens []int) []float32 {
	t.Helper()
	a, err := m.Forward(tokens, 1, len(tokens), lm.ForwardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return a.Logits
}

func maxAbsDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

func TestExportLoadArchitectures(t *testing.T) {
	tok := testTokenizer(t)
	tmpl, _ := tokenizer.TemplateFor(tokenizer.Sqlforge)
	tokens := []int{5, 17, 200, 3, 99, 42, 7, 150}
	for _, cfg := range testConfigs() {
		t.Run(cfg.ModelType, func(t *testing.T) {
			m := randomModel(t, cfg, 3)
			want := logitsOf(t, m, tokens)
			tests := []struct {
				typ Type
				tol float64
			}{{F32, 1e-5}, {F16, 0.05}, {Q8_0, 0.1}}
			for _, tt := range tests {
				path := filepath.Join(t.TempDir(), "m.gguf")
				if err := Export(path, m, tok, ExportOptions{Type: tt.typ, Name: "test", Template: tmpl}); err != nil {
					t.Fatal(err)
				}
				back, err := Load(path)
				if err != nil {
					t.Fatal(err)
				}
				if d := maxAbsDiff(logitsOf(t, back.LM, tokens), want); d > tt.tol {
					t.Errorf("%s: logits differ by %.3g after the round trip (> %g)", tt.typ, d, tt.tol)
				}
				if back.Template != tmpl || back.Tokenizer.VocabSize() != tok.VocabSize() {
					t.Errorf("%s: template %+v, tokenizer of %d ids; want %+v and %d", tt.typ, back.Template, back.Tokenizer.VocabSize(), tmpl, tok.VocabSize())
				}
				if tt.typ != F32 {
					continue
				}
				// llama.cpp's keys alone give the same network where they
				// can say it (not Mistral's window, not Gemma-2's
				// query_pre_attn_scalar when it differs from head_dim).
				g, err := Open(path)
				if err != nil {
					t.Fatal(err)
				}
				mc, err := configFromMetadata(g)
				g.Close()
				if err != nil {
					t.Fatal(err)
				}
				if cfg.ModelType == "mistral" {
					continue
				}
				alt, err := lm.NewModel(mc)
				if err != nil {
					t.Fatal(err)
				}
				for i, p := range alt.Params() {
					p.W = back.LM.Params()[i].W
				}
				if d := maxAbsDiff(logitsOf(t, alt, tokens), want); d > tt.tol {
					t.Errorf("configuration from llama.cpp's keys: logits differ by %.3g (%+v)", d, mc)
				}
			}
		})
	}
}

// TestTinyGreedyRoundTrip exports the embedded sqlforge-tiny model and
// checks that the GGUF gives the same greedy continuation.
func TestTinyGreedyRoundTrip(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "models", "sqlforge-tiny")
	m, err := lm.Load(dir)
	if err != nil {
		t.Skipf("sqlforge-tiny not available: %v", err)
	}
	tok, err := tokenizer.Load(filepath.Join(dir, "tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := tokenizer.LoadChatTemplate(filepath.Join(dir, "tokenizer_config.json"))
	if err != nil {
		t.Fatal(err)
	}
	prompt := append(tok.BOS(), tok.Encode("Question: how many customers live in Paris?\nSQL:")...)
	want, err := m.Generate(context.Background(), prompt, 24, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []Type{F16, Q8_0} {
		path := filepath.Join(t.TempDir(), "tiny.gguf")
		if err := Export(path, m, tok, ExportOptions{Type: typ, Name: "sqlforge-tiny", Template: tmpl}); err != nil {
			t.Fatal(err)
		}
		back, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := back.LM.Generate(context.Background(), prompt, 24, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: greedy output %q, the safetensors model gives %q", typ, tok.Decode(got), tok.Decode(want))
		}
		if ids := back.Tokenizer.Encode("SELECT COUNT(*) FROM customers;"); !slices.Equal(ids, tok.Encode("SELECT COUNT(*) FROM customers;")) {
			t.Errorf("%s: the tokenizer read back encodes differently", typ)
		}
		t.Logf("%s: greedy output %q", typ, tok.Decode(got))
	}
}

// TestTokenizerFromLlamaCppKeys rebuilds a byte-level BPE tokenizer from
// llama.cpp's keys alone (as in GGUF files sqlforge did not write).
func TestTokenizerFromLlamaCppKeys(t *testing.T) {
	tok, err := tokenizer.Load(filepath.Join("..", "..", "..", "models", "sqlforge-tiny", "tokenizer.json"))
	if err != nil {
		t.Skipf("sqlforge-tiny not available: %v", err)
	}
	tmpl, _ := tokenizer.TemplateFor(tokenizer.Sqlforge)
	kvs, err := tokenizerKVs(tok, lm.Config{VocabSize: tok.VocabSize() + 3}, ExportOptions{Template: tmpl})
	if err != nil {
		t.Fatal(err)
	}
	g := &File{Metadata: map[string]any{}}
	for _, kv := range kvs {
		if kv.Key == HFTokenizerKey {
			continue
		}
		var buf []any
		switch v := kv.Value.(type) {
		case []string:
			for _, s := range v {
				buf = append(buf, s)
			}
			g.Metadata[kv.Key] = buf
		case []int32:
			for _, s := range v {
				buf = append(buf, s)
			}
			g.Metadata[kv.Key] = buf
		default:
			g.Metadata[kv.Key] = v
		}
	}
	back, err := bpeFromMetadata(g)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"SELECT name, city FROM customers WHERE id = 42;", "  héllo\n\tworld <|im_end|> 12345", "<|im_start|>user\nhi<|im_end|>"} {
		if got, want := back.EncodeWithSpecial(s), tok.EncodeWithSpecial(s); !slices.Equal(got, want) {
			t.Errorf("%q: rebuilt tokenizer gives %v, original %v", s, got, want)
		}
	}
}

func TestModelfile(t *testing.T) {
	tests := []struct {
		family tokenizer.Family
		want   []string
	}{
		{tokenizer.Sqlforge, []string{"FROM ./m.gguf", "<|im_start|>{{ .Role }}", `PARAMETER stop "<|im_end|>"`, "PARAMETER num_ctx 512"}},
		{tokenizer.Llama3, []string{"<|start_header_id|>assistant<|end_header_id|>", `PARAMETER stop "<|eot_id|>"`}},
		{tokenizer.Mistral, []string{"[INST]", `PARAMETER stop "</s>"`}},
	}
	for _, tt := range tests {
		t.Run(string(tt.family), func(t *testing.T) {
			tmpl, err := tokenizer.TemplateFor(tt.family)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Modelfile("./m.gguf", tmpl, 512)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Modelfile lacks %q:\n%s", w, got)
				}
			}
		})
	}
}
