package peft

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// Report describes an adapter that passed Check.
type Report struct {
	Base          string   `json:"base_model_name_or_path"`
	R             int      `json:"r"`
	Alpha         float64  `json:"lora_alpha"`
	TargetModules []string `json:"target_modules"`
	// Modules is the number of adapted module instances (lora_A/lora_B pairs).
	Modules int `json:"modules"`
	// Layers is the number of distinct decoder layers adapted.
	Layers int `json:"layers"`
	// DType is the tensors' safetensors dtype (F32, BF16, F16).
	DType string `json:"dtype"`
	// CheckedAgainst is the base config.json the shapes were checked against ("" when none).
	CheckedAgainst string `json:"checked_against,omitempty"`
}

// tensorInfo is one entry of a safetensors header.
type tensorInfo struct {
	DType   string   `json:"dtype"`
	Shape   []int    `json:"shape"`
	Offsets [2]int64 `json:"data_offsets"`
}

// readHeader reads a safetensors file's header (every tensor's dtype, shape and offsets)
// and checks that the data it describes is in the file.
func readHeader(path string) (map[string]tensorInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var n uint64
	if err := binary.Read(f, binary.LittleEndian, &n); err != nil {
		return nil, fmt.Errorf("%s: header length: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if n == 0 || n > uint64(st.Size()-8) || n > 100<<20 {
		return nil, fmt.Errorf("%s: header length %d does not fit a %d-byte file", path, n, st.Size())
	}
	raw := make([]byte, n)
	if _, err := io.ReadFull(f, raw); err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	var hdr map[string]json.RawMessage
	if err := json.Unmarshal(raw, &hdr); err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	out := map[string]tensorInfo{}
	dataLen := st.Size() - 8 - int64(n)
	for name, v := range hdr {
		if name == "__metadata__" {
			continue
		}
		var ti tensorInfo
		if err := json.Unmarshal(v, &ti); err != nil {
			return nil, fmt.Errorf("%s: tensor %s: %w", path, name, err)
		}
		if ti.Offsets[1] < ti.Offsets[0] || ti.Offsets[1] > dataLen {
			return nil, fmt.Errorf("%s: tensor %s: data %v outside the file's %d data bytes", path, name, ti.Offsets, dataLen)
		}
		out[name] = ti
	}
	return out, nil
}

// loraKey matches PEFT's tensor names: base_model.model.<module>.lora_A[.default].weight.
var loraKey = regexp.MustCompile(`^base_model\.model\.(.+)\.lora_([AB])(?:\.[A-Za-z0-9_]+)?\.weight$`)

var layerIndex = regexp.MustCompile(`\.layers\.(\d+)\.`)

// Check reads the PEFT LoRA adapter in dir (adapter_config.json and adapter_model.safetensors)
// and checks it is complete and consistent: peft_type LORA, a positive rank and alpha, the base
// named, target modules, a lora_A [r, in] and lora_B [out, r] pair for every adapted module and
// only those, each module one of target_modules. With base (a model directory or its
// config.json) the shapes and layer indices are checked against the base's architecture too.
// The error lists every problem found.
func Check(dir, base string) (Report, error) {
	var rep Report
	cfg, err := ReadConfig(filepath.Join(dir, ConfigFile))
	if err != nil {
		return rep, err
	}
	bad := configProblems(cfg)
	rep = Report{Base: cfg.BaseModelNameOrPath, R: cfg.R, Alpha: cfg.LoRAAlpha, TargetModules: cfg.TargetModules}
	tensors, err := readHeader(filepath.Join(dir, WeightsFile))
	if err != nil {
		return rep, fmt.Errorf("adapter %s: %w", dir, err)
	}
	var arch *lm.Config
	if base != "" {
		path := base
		if st, err := os.Stat(base); err == nil && st.IsDir() {
			path = filepath.Join(base, "config.json")
		}
		c, err := lm.LoadConfig(path)
		if err != nil {
			return rep, fmt.Errorf("base %s: %w", base, err)
		}
		arch, rep.CheckedAgainst = &c, path
	}
	pairs, dtypes, notLoRA := pairTensors(tensors)
	bad = append(bad, notLoRA...)
	if len(pairs) == 0 {
		bad = append(bad, WeightsFile+" holds no LoRA weights")
	}
	modules := make([]string, 0, len(pairs))
	for m := range pairs {
		modules = append(modules, m)
	}
	sort.Strings(modules)
	layers := map[int]bool{}
	for _, mod := range modules {
		bad = append(bad, moduleProblems(cfg, arch, mod, pairs[mod], layers)...)
	}
	rep.Modules, rep.Layers = len(pairs), len(layers)
	for d := range dtypes {
		rep.DType = d
	}
	if len(dtypes) > 1 {
		bad = append(bad, "tensors of several dtypes")
	}
	if len(bad) > 0 {
		return rep, fmt.Errorf("adapter %s: %s", dir, strings.Join(bad, "; "))
	}
	return rep, nil
}

// configProblems lists what is wrong in adapter_config.json on its own.
func configProblems(cfg Config) []string {
	var bad []string
	if cfg.PeftType != "LORA" {
		bad = append(bad, fmt.Sprintf("peft_type %q (want LORA)", cfg.PeftType))
	}
	if cfg.R < 1 {
		bad = append(bad, fmt.Sprintf("r %d (want at least 1)", cfg.R))
	}
	if cfg.LoRAAlpha <= 0 {
		bad = append(bad, fmt.Sprintf("lora_alpha %g (want positive)", cfg.LoRAAlpha))
	}
	if cfg.BaseModelNameOrPath == "" {
		bad = append(bad, "base_model_name_or_path is empty")
	}
	if len(cfg.TargetModules) == 0 {
		bad = append(bad, "target_modules is empty")
	}
	return bad
}

// loraPair is one module's lora_A and lora_B tensors.
type loraPair struct{ a, b *tensorInfo }

// pairTensors groups the adapter's tensors by module, with the dtypes seen and the names of
// tensors that are not LoRA weights.
func pairTensors(tensors map[string]tensorInfo) (map[string]*loraPair, map[string]bool, []string) {
	pairs := map[string]*loraPair{}
	dtypes := map[string]bool{}
	var bad []string
	for name, ti := range tensors {
		m := loraKey.FindStringSubmatch(name)
		if m == nil {
			bad = append(bad, fmt.Sprintf("tensor %s is not a LoRA weight (base_model.model.<module>.lora_A|lora_B.weight)", name))
			continue
		}
		p := pairs[m[1]]
		if p == nil {
			p = &loraPair{}
			pairs[m[1]] = p
		}
		ti := ti
		if m[2] == "A" {
			p.a = &ti
		} else {
			p.b = &ti
		}
		dtypes[ti.DType] = true
	}
	return pairs, dtypes, bad
}

// moduleProblems checks one module's pair against the config (target, rank) and, when arch
// is set, the base's shapes; it records the module's layer in layers.
func moduleProblems(cfg Config, arch *lm.Config, mod string, p *loraPair, layers map[int]bool) []string {
	var bad []string
	short := mod[strings.LastIndex(mod, ".")+1:]
	allLinear := len(cfg.TargetModules) == len(allModules) && slices.Equal(cfg.TargetModules, allModules)
	if !allLinear && !targeted(cfg.TargetModules, mod) {
		bad = append(bad, fmt.Sprintf("%s is not among target_modules %v", mod, cfg.TargetModules))
	}
	if p.a == nil || p.b == nil {
		return append(bad, fmt.Sprintf("%s has only lora_%s", mod, map[bool]string{true: "A", false: "B"}[p.a != nil]))
	}
	if len(p.a.Shape) != 2 || len(p.b.Shape) != 2 {
		return append(bad, fmt.Sprintf("%s: lora_A %v, lora_B %v are not matrices", mod, p.a.Shape, p.b.Shape))
	}
	r := cfg.R
	if pr, ok := cfg.RankPattern[short]; ok {
		r = pr
	}
	if p.a.Shape[0] != r || p.b.Shape[1] != r {
		bad = append(bad, fmt.Sprintf("%s: lora_A %v and lora_B %v do not have rank r=%d", mod, p.a.Shape, p.b.Shape, r))
	}
	li := -1
	if m := layerIndex.FindStringSubmatch("." + mod + "."); m != nil {
		li, _ = strconv.Atoi(m[1])
		layers[li] = true
	}
	if arch == nil {
		return bad
	}
	if li >= arch.NumHiddenLayers {
		bad = append(bad, fmt.Sprintf("%s: layer %d, but the base has %d layers", mod, li, arch.NumHiddenLayers))
	}
	if in, out, ok := projShape(*arch, short); ok && (p.a.Shape[1] != in || p.b.Shape[0] != out) {
		bad = append(bad, fmt.Sprintf("%s: adapts a [%d → %d] projection, but the base's %s is [%d → %d]", mod, p.a.Shape[1], p.b.Shape[0], short, in, out))
	}
	if r > arch.HiddenSize {
		bad = append(bad, fmt.Sprintf("%s: rank %d is above the base's hidden size %d", mod, r, arch.HiddenSize))
	}
	return bad
}

// targeted reports whether module path mod is selected by PEFT's target_modules list: a name
// that equals the path or ends it after a dot.
func targeted(targets []string, mod string) bool {
	for _, t := range targets {
		if mod == t || strings.HasSuffix(mod, "."+t) {
			return true
		}
	}
	return false
}

// projShape is the [in → out] size of a Llama-family projection of c.
func projShape(c lm.Config, name string) (in, out int, ok bool) {
	hd := c.HeadDim
	if hd == 0 && c.NumAttentionHeads > 0 {
		hd = c.HiddenSize / c.NumAttentionHeads
	}
	kv := c.NumKeyValueHeads
	if kv == 0 {
		kv = c.NumAttentionHeads
	}
	switch name {
	case "q_proj":
		return c.HiddenSize, c.NumAttentionHeads * hd, true
	case "k_proj", "v_proj":
		return c.HiddenSize, kv * hd, true
	case "o_proj":
		return c.NumAttentionHeads * hd, c.HiddenSize, true
	case "gate_proj", "up_proj":
		return c.HiddenSize, c.IntermediateSize, true
	case "down_proj":
		return c.IntermediateSize, c.HiddenSize, true
	case "qkv_proj":
		return c.HiddenSize, (c.NumAttentionHeads + 2*kv) * hd, true
	case "gate_up_proj":
		return c.HiddenSize, 2 * c.IntermediateSize, true
	}
	return 0, 0, false
}

// IsAdapter reports whether dir holds an adapter_config.json.
func IsAdapter(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, ConfigFile))
	return !errors.Is(err, fs.ErrNotExist)
}
