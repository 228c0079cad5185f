package lm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// LoRAConfig describes low-rank adapters as PEFT's LoraConfig does.
type LoRAConfig struct {
	R             int      // rank r
	Alpha         float64  // scaling numerator: the update is (Alpha/R)·B·A
	Dropout       float64  // dropout on the adapter's input while training
	TargetModules []string // projection names, e.g. q_proj, v_proj
}

// DefaultLoRAConfig is the seeds' setting: r=16, alpha=32, dropout 0.05 on
// q_proj and v_proj.
func DefaultLoRAConfig() LoRAConfig {
	return LoRAConfig{R: 16, Alpha: 32, Dropout: 0.05, TargetModules: []string{"q_proj", "v_proj"}}
}

// LoRA is a low-rank update of a Linear: y += (Alpha/R)·dropout(x)·Aᵀ·Bᵀ.
type LoRA struct {
	R       int
	Scale   float32 // Alpha/R
	Dropout float32
	A       *Param // [R, In], lora_A
	B       *Param // [Out, R], lora_B
}

// AddLoRA attaches adapters to the target modules of every layer and
// freezes the base model (its tensors lose their gradient buffers). A is
// initialised like PEFT (kaiming-uniform with a=√5, i.e. U(±1/√In)) from
// seed, and B is zero, so the adapted model starts equal to the base.
// On a fused model (Phi-3) q_proj, k_proj and v_proj name qkv_proj, and
// gate_proj and up_proj name gate_up_proj, as the fused tensor is what
// PEFT adapts there.
func (m *Model) AddLoRA(cfg LoRAConfig, seed uint64) error {
	if cfg.R <= 0 || cfg.Alpha <= 0 || cfg.Dropout < 0 || cfg.Dropout >= 1 {
		return fmt.Errorf("adding lora: need r > 0, alpha > 0 and 0 <= dropout < 1, got r=%d alpha=%g dropout=%g", cfg.R, cfg.Alpha, cfg.Dropout)
	}
	targets, err := m.loraTargets(cfg.TargetModules)
	if err != nil {
		return fmt.Errorf("adding lora: %w", err)
	}
	m.Freeze()
	rng := rand.New(rand.NewPCG(seed, 0x10a))
	for _, l := range m.Layers {
		for _, mod := range targets {
			lin := l.Proj[mod]
			base := "base_model.model." + lin.W.Name[:len(lin.W.Name)-len(".weight")]
			lo := &LoRA{R: cfg.R, Scale: float32(cfg.Alpha / float64(cfg.R)), Dropout: float32(cfg.Dropout),
				A: newParam(base+".lora_A.weight", cfg.R, lin.In), B: newParam(base+".lora_B.weight", lin.Out, cfg.R)}
			bound := 1 / math.Sqrt(float64(lin.In))
			for i := range lo.A.W {
				lo.A.W[i] = float32((2*rng.Float64() - 1) * bound)
			}
			lo.A.G, lo.B.G = make([]float32, len(lo.A.W)), make([]float32, len(lo.B.W))
			lin.LoRA = lo
		}
	}
	return nil
}

// loraTargets resolves target module names to the projections this
// architecture has.
func (m *Model) loraTargets(names []string) ([]Module, error) {
	var targets []Module
	for _, name := range names {
		i := slices.Index(moduleNames[:], name)
		if i < 0 {
			return nil, fmt.Errorf("unknown target module %q (want one of %v)", name, moduleNames)
		}
		mod := Module(i)
		if m.Config.Fused() {
			switch mod {
			case QProj, KProj, VProj:
				mod = QKVProj
			case GateProj, UpProj:
				mod = GateUpProj
			}
		}
		if len(m.Layers) > 0 && m.Layers[0].Proj[mod] == nil {
			return nil, fmt.Errorf("target module %q does not exist in a %q model", name, m.Config.ModelType)
		}
		if !slices.Contains(targets, mod) {
			targets = append(targets, mod)
		}
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("no target modules")
	}
	return targets, nil
}

// LoRAParams lists the adapter matrices (A then B, layer by layer).
func (m *Model) LoRAParams() []*Param {
	var ps []*Param
	for _, l := range m.Layers {
		for _, lin := range l.linears() {
			if lin.LoRA != nil {
				ps = append(ps, lin.LoRA.A, lin.LoRA.B)
			}
		}
	}
	return ps
}

// Merge folds every adapter into its base weight, W += (Alpha/R)·B·A, and
// removes the adapters; the merged model computes the same function.
func (m *Model) Merge() {
	for _, l := range m.Layers {
		for _, lin := range l.linears() {
			lo := lin.LoRA
			if lo == nil {
				continue
			}
			if lin.W.Q != nil {
				lin.W.W, lin.W.Q = lin.W.Values(), nil
			}
			matmul(false, false, lin.Out, lin.In, lo.R, lo.Scale, lo.B.W, lo.R, lo.A.W, lin.In, 1, lin.W.W, lin.In)
			lin.LoRA = nil
		}
	}
}

// dropout draws inverted-dropout masks from a seeded RNG.
type dropout struct {
	rng *rand.Rand
}

// apply returns a mask with entries 0 (probability p) or 1/(1−p), and
// x ⊙ mask.
func (d *dropout) apply(x []float32, p float32, ar *arena) (mask, y []float32) {
	mask, y = ar.floats(len(x)), ar.floats(len(x))
	keep := 1 / (1 - p)
	for i, v := range x {
		if d.rng.Float32() >= p {
			mask[i], y[i] = keep, v*keep
		}
	}
	return mask, y
}
