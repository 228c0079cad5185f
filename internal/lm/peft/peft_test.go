package peft

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// tinyModel is hidden 16, 2 layers, 4 query heads over 2 key/value heads,
// intermediate 24, vocabulary 32, random weights.
func tinyModel(t *testing.T, seed uint64) *lm.Model {
	t.Helper()
	m, err := lm.NewModel(lm.Config{ModelType: "llama", HiddenSize: 16, IntermediateSize: 24, NumHiddenLayers: 2,
		NumAttentionHeads: 4, NumKeyValueHeads: 2, HeadDim: 4, VocabSize: 32, RMSNormEps: 1e-6,
		RopeTheta: 10000, MaxPositionEmbeddings: 64, HiddenAct: "silu"})
	if err != nil {
		t.Fatal(err)
	}
	m.InitRandom(seed, 0.3)
	return m
}

// adapted adds adapters on the targets and gives B random values (zero B
// would make every logits comparison pass trivially).
func adapted(t *testing.T, m *lm.Model, targets ...string) {
	t.Helper()
	if err := m.AddLoRA(lm.LoRAConfig{R: 4, Alpha: 8, Dropout: 0.05, TargetModules: targets}, 5); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(6, 6))
	for _, p := range m.LoRAParams() {
		if strings.HasSuffix(p.Name, "lora_B.weight") {
			for i := range p.W {
				p.W[i] = float32(0.3 * rng.NormFloat64())
			}
		}
	}
}

func logits(t *testing.T, m *lm.Model) []float32 {
	t.Helper()
	a, err := m.Forward([]int{1, 5, 9, 2, 31, 7, 3, 0}, 2, 4, lm.ForwardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return a.Logits
}

func TestSaveLayout(t *testing.T) {
	m := tinyModel(t, 1)
	adapted(t, m, "q_proj", "v_proj", "down_proj")
	dir := t.TempDir()
	if err := Save(dir, m, "sqlforge-tiny"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"peft_type": "LORA", "task_type": "CAUSAL_LM", "r": 4.0, "lora_alpha": 8.0,
		"lora_dropout": 0.05, "bias": "none", "base_model_name_or_path": "sqlforge-tiny", "fan_in_fan_out": false,
		"inference_mode": true, "use_rslora": false, "use_dora": false, "modules_to_save": nil,
		"target_modules": []any{"q_proj", "v_proj", "down_proj"}, "init_lora_weights": true,
		"layers_to_transform": nil, "layers_pattern": nil, "rank_pattern": map[string]any{},
		"alpha_pattern": map[string]any{}, "revision": nil, "megatron_core": "megatron.core"}
	for k, v := range want {
		got, ok := cfg[k]
		if !ok {
			t.Errorf("adapter_config.json lacks %q", k)
			continue
		}
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(v)
		if string(gj) != string(wj) {
			t.Errorf("%s = %s, want %s", k, gj, wj)
		}
	}
	tensors, err := lm.ReadTensorFile(filepath.Join(dir, WeightsFile))
	if err != nil {
		t.Fatal(err)
	}
	shapes := map[string][]int{}
	for i := range 2 {
		p := "base_model.model.model.layers." + string(rune('0'+i))
		shapes[p+".self_attn.q_proj.lora_A.weight"] = []int{4, 16}
		shapes[p+".self_attn.q_proj.lora_B.weight"] = []int{16, 4}
		shapes[p+".self_attn.v_proj.lora_A.weight"] = []int{4, 16}
		shapes[p+".self_attn.v_proj.lora_B.weight"] = []int{8, 4}
		shapes[p+".mlp.down_proj.lora_A.weight"] = []int{4, 24}
		shapes[p+".mlp.down_proj.lora_B.weight"] = []int{16, 4}
	}
	if len(tensors) != len(shapes) {
		t.Errorf("%d tensors, want %d", len(tensors), len(shapes))
	}
	for name, shape := range shapes {
		got, ok := tensors[name]
		if !ok {
			t.Errorf("tensor %s missing", name)
		} else if !slices.Equal(got.Shape, shape) {
			t.Errorf("%s shape %v, want %v", name, got.Shape, shape)
		}
	}
}

func TestLoadGivesIdenticalLogits(t *testing.T) {
	for _, targets := range [][]string{{"q_proj", "v_proj"}, {"k_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}} {
		t.Run(strings.Join(targets, ","), func(t *testing.T) {
			m := tinyModel(t, 2)
			adapted(t, m, targets...)
			dir := t.TempDir()
			if err := Save(dir, m, "base"); err != nil {
				t.Fatal(err)
			}
			fresh := tinyModel(t, 2)
			if err := Load(dir, fresh); err != nil {
				t.Fatal(err)
			}
			got, want := logits(t, fresh), logits(t, m)
			if !slices.Equal(got, want) {
				t.Fatalf("logits after load differ from the saved model's")
			}
			if len(fresh.TrainableParams()) != len(m.LoRAParams()) {
				t.Errorf("%d trainable tensors after load, want the %d adapter matrices", len(fresh.TrainableParams()), len(m.LoRAParams()))
			}
		})
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name, wantErr string
		edit          func(cfg map[string]any)
	}{
		{"rslora", "use_rslora", func(c map[string]any) { c["use_rslora"] = true }},
		{"dora", "use_dora", func(c map[string]any) { c["use_dora"] = true }},
		{"unknown module", "target module", func(c map[string]any) { c["target_modules"] = []string{"c_attn"} }},
		{"wrong rank", "shape", func(c map[string]any) { c["r"] = 2 }},
		{"missing tensors", "missing", func(c map[string]any) { c["target_modules"] = []string{"q_proj", "k_proj"} }},
		{"extra tensors", "does not explain", func(c map[string]any) { c["target_modules"] = []string{"q_proj"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tinyModel(t, 3)
			adapted(t, m, "q_proj", "v_proj")
			dir := t.TempDir()
			if err := Save(dir, m, "base"); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, ConfigFile)
			data, _ := os.ReadFile(path)
			var cfg map[string]any
			if err := json.Unmarshal(data, &cfg); err != nil {
				t.Fatal(err)
			}
			tt.edit(cfg)
			data, _ = json.Marshal(cfg)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			err := Load(dir, tinyModel(t, 3))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Load error %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
}

func TestTargetModulesForms(t *testing.T) {
	tests := []struct {
		json string
		want []string
	}{
		{`["q_proj","v_proj"]`, []string{"q_proj", "v_proj"}},
		{`"all-linear"`, allModules},
		{`"o_proj"`, []string{"o_proj"}},
	}
	for _, tt := range tests {
		var tm TargetModules
		if err := json.Unmarshal([]byte(tt.json), &tm); err != nil {
			t.Fatalf("%s: %v", tt.json, err)
		}
		if !slices.Equal(tm, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.json, tm, tt.want)
		}
	}
	var tm TargetModules
	if err := json.Unmarshal([]byte(`".*attn.*"`), &tm); err == nil {
		t.Errorf("a regular expression was accepted")
	}
}

// TestMerge checks that the merged model written to disk computes the
// adapted model's logits, and (with PyTorch, when installed) that an
// independent reader finds PEFT's names and shapes and W + (alpha/r)·B·A.
func TestMerge(t *testing.T) {
	root := t.TempDir()
	base, adapter, merged := filepath.Join(root, "base"), filepath.Join(root, "adapter"), filepath.Join(root, "merged")
	m := tinyModel(t, 4)
	if err := m.Save(base); err != nil {
		t.Fatal(err)
	}
	adapted(t, m, "q_proj", "v_proj", "up_proj")
	if err := Save(adapter, m, base); err != nil {
		t.Fatal(err)
	}
	want := logits(t, m)
	if err := Merge(base, adapter, merged); err != nil {
		t.Fatal(err)
	}
	mm, err := lm.Load(merged)
	if err != nil {
		t.Fatal(err)
	}
	got := logits(t, mm)
	var d float64
	for i := range got {
		d = max(d, float64(abs(got[i]-want[i])))
	}
	if d > 1e-5 {
		t.Fatalf("merged logits differ from base+adapter by %g", d)
	}
	python := torchPython()
	if python == "" {
		t.Skip("skipping the PyTorch check: neither $SQLFORGE_PYTHON, python3 nor /usr/bin/python3 can import torch; install python3-torch")
	}
	out, err := exec.Command(python, "testdata/check_peft.py", adapter, base, merged).CombinedOutput()
	if err != nil {
		t.Fatalf("check_peft.py: %v\n%s", err, out)
	}
	t.Logf("check_peft.py: %s", strings.TrimSpace(string(out)))
}

func abs(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

// torchPython returns the first interpreter that can import torch:
// $SQLFORGE_PYTHON, python3 on PATH, then Debian's /usr/bin/python3.
func torchPython() string {
	for _, py := range []string{os.Getenv("SQLFORGE_PYTHON"), "python3", "/usr/bin/python3"} {
		if py != "" && exec.Command(py, "-c", "import torch").Run() == nil {
			return py
		}
	}
	return ""
}
