package lm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLoRAZeroBLeavesLogitsUnchanged(t *testing.T) {
	m := tinyModel(t, tinyConfig("llama", false, false), 31)
	tokens := randomTokens(12, 32, 32)
	base := mustForward(t, m, tokens, 2, 6, ForwardOptions{}).Logits
	if err := m.AddLoRA(DefaultLoRAConfig(), 33); err != nil {
		t.Fatal(err)
	}
	for _, opts := range []ForwardOptions{{}, {Train: true, Seed: 1}} {
		got := mustForward(t, m, tokens, 2, 6, opts).Logits
		if d := maxAbsDiff(got, base); d != 0 {
			t.Errorf("with B = 0 (train=%v) logits moved by %g", opts.Train, d)
		}
	}
	for _, p := range m.Params() {
		if p.Trainable() {
			t.Errorf("base tensor %s has a gradient buffer in LoRA mode", p.Name)
		}
	}
	if got, want := len(m.TrainableParams()), 2*2*2; got != want {
		t.Errorf("trainable tensors = %d, want %d (A and B of q_proj and v_proj in 2 layers)", got, want)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	for _, cfg := range archConfigs() {
		m := tinyModel(t, cfg, 41)
		dir := t.TempDir()
		if err := m.Save(dir); err != nil {
			t.Fatal(err)
		}
		back, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		tokens := randomTokens(10, 32, 42)
		if d := maxAbsDiff(mustForward(t, back, tokens, 1, 10, ForwardOptions{}).Logits, mustForward(t, m, tokens, 1, 10, ForwardOptions{}).Logits); d != 0 {
			t.Errorf("%s: reloaded logits differ by %g", cfg.ModelType, d)
		}
	}
}

func TestLoadSharded(t *testing.T) {
	m := tinyModel(t, tinyConfig("llama", false, false), 51)
	dir := t.TempDir()
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "model.safetensors"))
	index := map[string]string{}
	shards := map[string][]namedTensor{}
	for _, p := range m.Params() {
		file := "model-00001-of-00002.safetensors"
		if strings.Contains(p.Name, "layers.1.") || p.Name == "lm_head.weight" {
			file = "model-00002-of-00002.safetensors"
		}
		index[p.Name] = file
		shards[file] = append(shards[file], namedTensor{Name: p.Name, Shape: p.Shape, Data: p.W})
	}
	for file, ts := range shards {
		if err := writeSafetensors(filepath.Join(dir, file), ts); err != nil {
			t.Fatal(err)
		}
	}
	data, _ := json.Marshal(map[string]any{"metadata": map[string]any{}, "weight_map": index})
	if err := os.WriteFile(filepath.Join(dir, "model.safetensors.index.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	tokens := randomTokens(8, 32, 52)
	if d := maxAbsDiff(mustForward(t, back, tokens, 1, 8, ForwardOptions{}).Logits, mustForward(t, m, tokens, 1, 8, ForwardOptions{}).Logits); d != 0 {
		t.Errorf("sharded reload: logits differ by %g", d)
	}
	delete(index, "model.norm.weight")
	data, _ = json.Marshal(map[string]any{"weight_map": index})
	os.WriteFile(filepath.Join(dir, "model.safetensors.index.json"), data, 0o644)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), `tensor "model.norm.weight" is missing`) {
		t.Errorf("missing tensor: error = %v", err)
	}
}

func TestMergeMatchesAdapter(t *testing.T) {
	m := tinyModel(t, tinyConfig("qwen2", false, false), 61)
	lc := DefaultLoRAConfig()
	lc.R = 4
	lc.TargetModules = []string{"q_proj", "v_proj", "o_proj", "down_proj"}
	if err := m.AddLoRA(lc, 62); err != nil {
		t.Fatal(err)
	}
	randomizeLoRA(m, 63)
	tokens := randomTokens(12, 32, 64)
	adapted := mustForward(t, m, tokens, 2, 6, ForwardOptions{}).Logits
	m.Merge()
	if n := len(m.LoRAParams()); n != 0 {
		t.Fatalf("%d adapter tensors remain after Merge", n)
	}
	merged := mustForward(t, m, tokens, 2, 6, ForwardOptions{}).Logits
	if d := maxAbsDiff(merged, adapted); d > 1e-5 {
		t.Errorf("merged logits differ from base+adapter by %g (> 1e-5)", d)
	}
}

func TestForwardRejectsBadInput(t *testing.T) {
	m := tinyModel(t, tinyConfig("llama", false, false), 71)
	tests := []struct {
		name   string
		tokens []int
		B, T   int
		want   string
	}{
		{"length", []int{1, 2, 3}, 2, 2, "3 tokens for batch 2"},
		{"vocab", []int{1, 32}, 1, 2, "outside the vocabulary"},
	}
	for _, tt := range tests {
		if _, err := m.Forward(tt.tokens, tt.B, tt.T, ForwardOptions{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestParamShapesMatchNewModel(t *testing.T) {
	for _, cfg := range archConfigs() {
		t.Run(cfg.ModelType, func(t *testing.T) {
			shapes, err := ParamShapes(cfg)
			if err != nil {
				t.Fatal(err)
			}
			m, err := NewModel(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ps := m.Params()
			if len(shapes) != len(ps) {
				t.Fatalf("ParamShapes lists %d tensors, NewModel has %d", len(shapes), len(ps))
			}
			for i, p := range ps {
				if s := shapes[i]; s.Name != p.Name || !slices.Equal(s.Shape, p.Shape) || s.W != nil {
					t.Errorf("tensor %d: ParamShapes gives %s %v (W allocated: %v), NewModel %s %v", i, s.Name, s.Shape, s.W != nil, p.Name, p.Shape)
				}
			}
		})
	}
}
