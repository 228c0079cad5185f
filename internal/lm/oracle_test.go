package lm

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestPyTorchOracle compares logits, loss and LoRA gradients with an
// independent PyTorch implementation (testdata/oracle.py) on the same
// weights, written from Go. It skips where python3 cannot import torch
// (Debian: apt-get install python3-torch).
func TestPyTorchOracle(t *testing.T) {
	python := torchPython()
	if python == "" {
		t.Skip("skipping the PyTorch oracle: neither $SQLFORGE_PYTHON, python3 nor /usr/bin/python3 can import torch; install python3-torch")
	}
	tests := []struct {
		name string
		cfg  Config
	}{
		{"llama gqa untied", tinyConfig("llama", false, false)},
		{"qwen2 biases tied", tinyConfig("qwen2", true, false)},
		{"llama attention bias", tinyConfig("llama", false, true)},
		{"mistral sliding window", archConfig("mistral")},
		{"qwen3 head norms", archConfig("qwen3")},
		{"gemma", archConfig("gemma")},
		{"gemma2", archConfig("gemma2")},
		{"phi3 fused", archConfig("phi3")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			m := tinyModel(t, tt.cfg, 21)
			if err := m.Save(dir); err != nil {
				t.Fatal(err)
			}
			lc := LoRAConfig{R: 4, Alpha: 8, Dropout: 0.05, TargetModules: []string{"q_proj", "v_proj"}}
			if tt.cfg.ModelType != "llama" && tt.cfg.ModelType != "qwen2" {
				lc.TargetModules = allModules(m)
			}
			if err := m.AddLoRA(lc, 22); err != nil {
				t.Fatal(err)
			}
			randomizeLoRA(m, 23)
			var ts []namedTensor
			for _, p := range m.LoRAParams() {
				ts = append(ts, namedTensor{Name: p.Name, Shape: p.Shape, Data: p.W})
			}
			if err := writeSafetensors(filepath.Join(dir, "lora.safetensors"), ts); err != nil {
				t.Fatal(err)
			}
			const B, T = 2, 7
			tokens := randomTokens(B*T, tt.cfg.VocabSize, 24)
			targets := randomTokens(B*T, tt.cfg.VocabSize, 25)
			mask := []float32{0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1}
			in, _ := json.Marshal(map[string]any{"B": B, "T": T, "tokens": tokens, "targets": targets, "mask": mask, "lora_r": lc.R, "lora_alpha": lc.Alpha})
			if err := os.WriteFile(filepath.Join(dir, "inputs.json"), in, 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(python, "testdata/oracle.py", dir)
			cmd.Stderr = os.Stderr
			cmd.Env = append(os.Environ(), "OMP_NUM_THREADS=1")
			raw, err := cmd.Output()
			if err != nil {
				t.Fatalf("running oracle.py: %v", err)
			}
			var want struct {
				Logits []float32
				Loss   float64
				Grads  map[string][]float32
			}
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatalf("decoding oracle output: %v", err)
			}

			a := mustForward(t, m, tokens, B, T, ForwardOptions{})
			loss, dlogits, err := CrossEntropy(a.Logits, tt.cfg.VocabSize, targets, mask)
			if err != nil {
				t.Fatal(err)
			}
			m.ZeroGrad()
			if err := m.Backward(a, dlogits); err != nil {
				t.Fatal(err)
			}
			const tol = 1e-4
			if d := maxAbsDiff(a.Logits, want.Logits); d > tol {
				t.Errorf("logits: max abs difference from PyTorch %.3g > %g", d, tol)
			}
			if d := math.Abs(loss - want.Loss); d > tol {
				t.Errorf("loss = %.7f, PyTorch %.7f", loss, want.Loss)
			}
			worst := 0.0
			for _, p := range m.LoRAParams() {
				g, ok := want.Grads[p.Name]
				if !ok {
					t.Fatalf("oracle gave no gradient for %s", p.Name)
				}
				d := maxAbsDiff(p.G, g)
				worst = max(worst, d)
				if d > tol {
					t.Errorf("%s gradient: max abs difference from PyTorch %.3g > %g", p.Name, d, tol)
				}
			}
			t.Logf("%s: max abs differences from PyTorch: logits %.2g, loss %.2g, LoRA gradients %.2g", tt.name, maxAbsDiff(a.Logits, want.Logits), math.Abs(loss-want.Loss), worst)
		})
	}
}

// torchPython returns the first interpreter that can import torch:
// $SQLFORGE_PYTHON, python3 on PATH, then Debian's /usr/bin/python3 (a
// pyenv python3 on PATH does not see Debian's python3-torch).
func torchPython() string {
	for _, py := range []string{os.Getenv("SQLFORGE_PYTHON"), "python3", "/usr/bin/python3"} {
		if py != "" && exec.Command(py, "-c", "import torch").Run() == nil {
			return py
		}
	}
	return ""
}
