package lm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
)

// Param is a named weight tensor and, when it is being trained, its gradient.
// Names are Hugging Face's tensor names (PEFT's for LoRA matrices).
type Param struct {
	Name  string
	Shape []int
	W     []float32 // the values, row-major, len = product of Shape; nil when Q holds them
	G     []float32 // the accumulated gradient; nil when the tensor is frozen
	// Q holds a frozen matrix in 4-bit NormalFloat (QLoRA) instead of W.
	Q *NF4
}

func newParam(name string, shape ...int) *Param {
	return &Param{Name: name, Shape: shape, W: make([]float32, shapeSize(shape))}
}

// Trainable reports whether the parameter has a gradient buffer.
func (p *Param) Trainable() bool { return p.G != nil }

// Module names the projections of a decoder layer, as in Hugging Face and
// PEFT's target_modules. A layer has either q, k, v or the fused qkv_proj,
// and either gate, up or the fused gate_up_proj (Phi-3).
type Module int

// The projections of a decoder layer.
const (
	QProj Module = iota
	KProj
	VProj
	OProj
	GateProj
	UpProj
	DownProj
	QKVProj
	GateUpProj
	numModules
)

var moduleNames = [numModules]string{"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj", "qkv_proj", "gate_up_proj"}

func (m Module) String() string { return moduleNames[m] }

// Linear is y = x·Wᵀ + b (+ LoRA), with W [out, in] as Hugging Face stores it.
type Linear struct {
	In, Out int
	W       *Param // [Out, In]
	B       *Param // [Out], or nil
	LoRA    *LoRA  // nil without an adapter
}

// Layer is one decoder block: pre-norm attention and pre-norm gated MLP,
// each added to the residual stream.
type Layer struct {
	InputNorm *Param              // [D], the attention's input norm
	PostNorm  *Param              // [D], the MLP's input norm (Gemma-2: pre_feedforward_layernorm)
	Proj      [numModules]*Linear // nil where the architecture lacks the projection
	// QNorm and KNorm [Dh] normalise each query and key head (Qwen3); nil elsewhere.
	QNorm, KNorm *Param
	// AttnOutNorm and MLPOutNorm [D] normalise the attention and MLP
	// outputs before the residual (Gemma-2); nil elsewhere.
	AttnOutNorm, MLPOutNorm *Param
}

// linears lists the layer's projections that exist, in Module order.
func (l *Layer) linears() []*Linear {
	var out []*Linear
	for _, lin := range l.Proj {
		if lin != nil {
			out = append(out, lin)
		}
	}
	return out
}

// norms lists the layer's RMSNorm weights in a stable order.
func (l *Layer) norms() []*Param {
	var out []*Param
	for _, p := range []*Param{l.InputNorm, l.QNorm, l.KNorm, l.AttnOutNorm, l.PostNorm, l.MLPOutNorm} {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

// Model is a Llama-architecture decoder.
type Model struct {
	Config Config
	Embed  *Param // [V, D]
	Layers []*Layer
	Norm   *Param // [D]
	LMHead *Param // [V, D]; the same Param as Embed when embeddings are tied
	rope   *rope
	// shapesOnly builds the structure without allocating weights (ParamShapes).
	shapesOnly bool
}

// NewModel allocates a model of the given architecture with zero weights
// and norms that start as the identity (weight one; zero for Gemma's 1+w).
func NewModel(cfg Config) (*Model, error) {
	return build(cfg, false)
}

// ParamShapes lists the names and shapes of the tensors NewModel(cfg)
// would allocate, in Params' order, without allocating them: a loader of
// untrusted files checks them against what the file holds first.
func ParamShapes(cfg Config) ([]Param, error) {
	m, err := build(cfg, true)
	if err != nil {
		return nil, err
	}
	var out []Param
	for _, p := range m.Params() {
		out = append(out, Param{Name: p.Name, Shape: p.Shape})
	}
	return out, nil
}

func build(cfg Config, shapesOnly bool) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	D, V := cfg.HiddenSize, cfg.VocabSize
	m := &Model{Config: cfg, shapesOnly: shapesOnly}
	m.Embed = m.param("model.embed_tokens.weight", V, D)
	m.Norm = m.newNorm("model.norm.weight", D)
	if cfg.TieWordEmbeddings {
		m.LMHead = m.Embed
	} else {
		m.LMHead = m.param("lm_head.weight", V, D)
	}
	for i := 0; i < cfg.NumHiddenLayers; i++ {
		m.Layers = append(m.Layers, m.newLayer(i))
	}
	sc, err := cfg.ParseRopeScaling()
	if err != nil {
		return nil, err
	}
	if !shapesOnly {
		m.rope = newRope(cfg.HeadDim, cfg.RopeTheta, sc)
	}
	return m, nil
}

// param allocates a base tensor (only names its shape with shapesOnly).
func (m *Model) param(name string, shape ...int) *Param {
	if m.shapesOnly {
		return &Param{Name: name, Shape: shape}
	}
	return newParam(name, shape...)
}

// newNorm allocates an RMSNorm weight that starts as the identity.
func (m *Model) newNorm(name string, n int) *Param {
	p := m.param(name, n)
	if !m.Config.gemmaNorm() && !m.shapesOnly {
		fill(p.W, 1)
	}
	return p
}

// newLayer allocates decoder layer i with the tensors its architecture has.
func (m *Model) newLayer(i int) *Layer {
	cfg := m.Config
	D, F := cfg.HiddenSize, cfg.IntermediateSize
	pre := fmt.Sprintf("model.layers.%d.", i)
	l := &Layer{InputNorm: m.newNorm(pre+"input_layernorm.weight", D)}
	if cfg.sandwichNorm() {
		l.AttnOutNorm = m.newNorm(pre+"post_attention_layernorm.weight", D)
		l.PostNorm = m.newNorm(pre+"pre_feedforward_layernorm.weight", D)
		l.MLPOutNorm = m.newNorm(pre+"post_feedforward_layernorm.weight", D)
	} else {
		l.PostNorm = m.newNorm(pre+"post_attention_layernorm.weight", D)
	}
	if cfg.QKNorm() {
		l.QNorm = m.newNorm(pre+"self_attn.q_norm.weight", cfg.HeadDim)
		l.KNorm = m.newNorm(pre+"self_attn.k_norm.weight", cfg.HeadDim)
	}
	dims := [numModules][2]int{{D, cfg.QDim()}, {D, cfg.KVDim()}, {D, cfg.KVDim()}, {cfg.QDim(), D},
		{D, F}, {D, F}, {F, D}, {D, cfg.QDim() + 2*cfg.KVDim()}, {D, 2 * F}}
	mods := []Module{QProj, KProj, VProj, OProj, GateProj, UpProj, DownProj}
	if cfg.Fused() {
		mods = []Module{QKVProj, OProj, GateUpProj, DownProj}
	}
	for _, mod := range mods {
		group := "self_attn."
		if mod >= GateProj && mod != QKVProj {
			group = "mlp."
		}
		in, out := dims[mod][0], dims[mod][1]
		lin := &Linear{In: in, Out: out, W: m.param(pre+group+mod.String()+".weight", out, in)}
		if (mod <= VProj && cfg.QKVBias()) || (mod == OProj && cfg.OBias()) {
			lin.B = m.param(pre+group+mod.String()+".bias", out)
		}
		l.Proj[mod] = lin
	}
	return l
}

// Params lists the base model's tensors in a stable order (the tied
// lm_head appears once, as the embedding). LoRA matrices are not included.
func (m *Model) Params() []*Param {
	ps := []*Param{m.Embed}
	for _, l := range m.Layers {
		ps = append(ps, l.InputNorm)
		for _, lin := range l.linears() {
			ps = append(ps, lin.W)
			if lin.B != nil {
				ps = append(ps, lin.B)
			}
		}
		for _, p := range l.norms()[1:] {
			ps = append(ps, p)
		}
	}
	ps = append(ps, m.Norm)
	if m.LMHead != m.Embed {
		ps = append(ps, m.LMHead)
	}
	return ps
}

// TrainableParams lists every parameter with a gradient buffer: LoRA
// matrices in LoRA mode, all base tensors after TrainAll.
func (m *Model) TrainableParams() []*Param {
	var ps []*Param
	for _, p := range m.Params() {
		if p.Trainable() {
			ps = append(ps, p)
		}
	}
	for _, l := range m.Layers {
		for _, lin := range l.linears() {
			if lin.LoRA != nil {
				ps = append(ps, lin.LoRA.A, lin.LoRA.B)
			}
		}
	}
	return ps
}

// TrainAll gives every base tensor a gradient buffer (full fine-tuning or
// pretraining).
func (m *Model) TrainAll() {
	for _, p := range m.Params() {
		if p.G == nil {
			p.G = make([]float32, len(p.W))
		}
	}
}

// Freeze drops the gradient buffers of every base tensor.
func (m *Model) Freeze() {
	for _, p := range m.Params() {
		p.G = nil
	}
}

// ZeroGrad clears every gradient buffer.
func (m *Model) ZeroGrad() {
	for _, p := range m.TrainableParams() {
		clear(p.G)
	}
}

// InitRandom fills the weights as Hugging Face initialises a Llama
// (normal with standard deviation std, norms at the identity), from a
// seeded RNG.
func (m *Model) InitRandom(seed uint64, std float64) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	for _, p := range m.Params() {
		if len(p.Shape) == 1 && strings.HasSuffix(p.Name, "norm.weight") {
			fill(p.W, 1)
			if m.Config.gemmaNorm() {
				clear(p.W)
			}
			continue
		}
		for i := range p.W {
			p.W[i] = float32(rng.NormFloat64() * std)
		}
	}
}

// NumParams counts the base model's parameters.
func (m *Model) NumParams() int {
	n := 0
	for _, p := range m.Params() {
		n += shapeSize(p.Shape)
	}
	return n
}

func fill(x []float32, v float32) {
	for i := range x {
		x[i] = v
	}
}

// rope holds Hugging Face's rotary frequencies: invFreq[i] = 1/θ^(2i/Dh)
// for i < Dh/2 (scaled as rope_scaling says), applied in the rotate-half
// layout.
type rope struct {
	half    int
	invFreq []float32
	// tab caches cos and sin of every position seen so far: row p holds
	// cos(p·invFreq) then sin(p·invFreq), half values each. It only grows
	// (a new table replaces it, under mu), so readers need no lock.
	tab atomic.Pointer[[]float32]
	mu  sync.Mutex
}

// table returns the cos/sin table with at least the rows 0..p.
func (r *rope) table(p int) []float32 {
	if t := r.tab.Load(); t != nil && len(*t) > p*2*r.half {
		return *t
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.tab.Load()
	if old != nil && len(*old) > p*2*r.half {
		return *old
	}
	rows := max(p+1, 256)
	if old != nil {
		rows = max(rows, 2*len(*old)/(2*r.half))
	}
	t := make([]float32, rows*2*r.half)
	for q := 0; q < rows; q++ {
		row := t[q*2*r.half : (q+1)*2*r.half]
		for i, f := range r.invFreq {
			a := float64(float32(q) * f)
			row[i], row[r.half+i] = float32(math.Cos(a)), float32(math.Sin(a))
		}
	}
	r.tab.Store(&t)
	return t
}

func newRope(headDim int, theta float64, sc RopeScalingParams) *rope {
	r := &rope{half: headDim / 2, invFreq: make([]float32, headDim/2)}
	for i := range r.invFreq {
		r.invFreq[i] = float32(scaleFreq(1/math.Pow(theta, float64(2*i)/float64(headDim)), sc))
	}
	return r
}

// scaleFreq applies rope_scaling to one rotary frequency as Hugging Face's
// _compute_linear_scaling / _compute_llama3_parameters do: linear divides
// every frequency by factor; llama3 divides the low frequencies (wavelength
// above original_max_position_embeddings / low_freq_factor), keeps the high
// ones (wavelength below original / high_freq_factor) and interpolates
// smoothly between the two.
func scaleFreq(f float64, sc RopeScalingParams) float64 {
	switch sc.Type {
	case "linear":
		return f / sc.Factor
	case "llama3":
		old := float64(sc.OriginalMaxPositionEmbeddings)
		lowWavelen, highWavelen := old/sc.LowFreqFactor, old/sc.HighFreqFactor
		wavelen := 2 * math.Pi / f
		switch {
		case wavelen > lowWavelen:
			return f / sc.Factor
		case wavelen < highWavelen:
			return f
		}
		smooth := (old/wavelen - sc.LowFreqFactor) / (sc.HighFreqFactor - sc.LowFreqFactor)
		return (1-smooth)*f/sc.Factor + smooth*f
	}
	return f
}
