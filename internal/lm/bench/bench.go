// Package bench measures the local model's speed in one process: the
// BLAS's own matrix-multiply rate, training tokens per second and achieved
// FLOP/s for a LoRA and a full step, generation tokens per second, peak
// memory of LoRA training, and the same training step in PyTorch on CPU
// (internal/lm/testdata/bench_torch.py) for a side-by-side ratio.
package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// Options choose what Run measures.
type Options struct {
	// Steps is the number of timed training steps per mode, after one
	// untimed warm-up step; the fastest is reported (on a shared machine the
	// least disturbed), by PyTorch's script too. Generation is timed as many
	// times, also keeping the fastest.
	Steps int
	// Batch and SeqLen are the training batch shape (B sequences of T
	// tokens).
	Batch, SeqLen int
	// GenPrompt and GenTokens are the prompt length and the tokens
	// generated greedily for the generation rate.
	GenPrompt, GenTokens int
	// ModelDir, when it holds a checkpoint (models/sqlforge-tiny), is
	// measured too, after the built-in ~5M-parameter configuration.
	ModelDir string
	// ModelName labels ModelDir in the report (default: its base name).
	ModelName string
	// Python and TorchScript run the PyTorch half; an empty Python skips it.
	Python, TorchScript string
}

// DefaultOptions measures 3 steps of 4×128 tokens and 64 generated tokens
// after a 32-token prompt.
func DefaultOptions() Options {
	return Options{Steps: 3, Batch: 4, SeqLen: 128, GenPrompt: 32, GenTokens: 64}
}

// Train is one training measurement.
type Train struct {
	Model           string  `json:"model"`
	Mode            string  `json:"mode"` // lora or full
	Params          int     `json:"params"`
	Trainable       int     `json:"trainable"`
	SecondsPerStep  float64 `json:"seconds_per_step"`
	TokensPerSecond float64 `json:"tokens_per_second"`
	// GFLOPs is the achieved rate of the step's matmul work: see FLOPsPerToken.
	GFLOPs float64 `json:"gflops"`
	Torch  *Torch  `json:"torch,omitempty"`
}

// Torch is PyTorch's time for the same step.
type Torch struct {
	SecondsPerStep  float64 `json:"seconds_per_step"`
	TokensPerSecond float64 `json:"tokens_per_second"`
	Threads         int     `json:"threads"` // torch's intra-op threads
	// BLASThreads is OpenBLAS's own thread count (0: not OpenBLAS): the
	// matrix products run on these whatever Threads says.
	BLASThreads int    `json:"blas_threads"`
	Version     string `json:"torch"`
	Trainable   int    `json:"trainable"`
	// Ratio is Go's tokens per second over PyTorch's (above 1: Go is faster).
	Ratio float64 `json:"ratio"`
}

// Generation is one generation measurement.
type Generation struct {
	Model                  string  `json:"model"`
	PrefillTokensPerSecond float64 `json:"prefill_tokens_per_second"`
	DecodeTokensPerSecond  float64 `json:"decode_tokens_per_second"`
}

// Report is what Run measured.
type Report struct {
	BLAS         string       `json:"blas"`
	GOMAXPROCS   int          `json:"gomaxprocs"`
	LoadAverage  string       `json:"load_average"`
	MatmulGFLOPs float64      `json:"matmul_gflops"` // 1024³ float32 GEMM
	Train        []Train      `json:"train"`
	Generate     []Generation `json:"generate"`
	// LoRAPeakRSSMiB is the process's peak resident memory (VmHWM) after
	// the LoRA steps, before any full step; 0 where /proc is missing.
	LoRAPeakRSSMiB float64 `json:"lora_peak_rss_mib"`
	// LoRAPeakHeapMiB is the Go heap's largest in-use size seen between
	// LoRA steps.
	LoRAPeakHeapMiB float64 `json:"lora_peak_heap_mib"`
	TorchNote       string  `json:"torch_note,omitempty"`
}

// Config5M is the built-in ~5M-parameter model: hidden 256, 4 layers, 8
// heads over 4 key/value heads, vocabulary 8192, tied embeddings (the shape
// of BenchmarkTrainStep).
func Config5M() lm.Config {
	return lm.Config{ModelType: "llama", HiddenSize: 256, IntermediateSize: 688, NumHiddenLayers: 4,
		NumAttentionHeads: 8, NumKeyValueHeads: 4, HeadDim: 32, VocabSize: 8192, RMSNormEps: 1e-5,
		RopeTheta: 10000, MaxPositionEmbeddings: 512, TieWordEmbeddings: true, HiddenAct: "silu"}
}

// Run measures everything Options ask for; progress lines go to logf.
func Run(ctx context.Context, opts Options, logf func(string, ...any)) (Report, error) {
	rep := Report{BLAS: lm.BLASName, GOMAXPROCS: runtime.GOMAXPROCS(0), LoadAverage: loadAverage()}
	rep.MatmulGFLOPs = Matmul(1024, 3)
	logf("matmul 1024³: %.1f GFLOP/s (%s)", rep.MatmulGFLOPs, rep.BLAS)
	type named struct {
		name string
		cfg  lm.Config
		load func() (*lm.Model, error)
	}
	models := []named{{name: "5M", cfg: Config5M(), load: func() (*lm.Model, error) {
		m, err := lm.NewModel(Config5M())
		if err == nil {
			m.InitRandom(1, 0.02)
		}
		return m, err
	}}}
	if opts.ModelDir != "" {
		if _, err := os.Stat(opts.ModelDir + "/config.json"); err == nil {
			dir, name := opts.ModelDir, opts.ModelName
			if name == "" {
				name = filepath.Base(dir)
			}
			m, err := lm.Load(dir)
			if err != nil {
				return rep, fmt.Errorf("bench: %w", err)
			}
			models = append(models, named{name: name, cfg: m.Config, load: func() (*lm.Model, error) { return lm.Load(dir) }})
		}
	}
	torch := opts.Python != ""
	if !torch {
		rep.TorchNote = "PyTorch half skipped: no python with torch"
	}
	// LoRA first, so the peak RSS read after them is LoRA training's.
	for _, mode := range []string{"lora", "full"} {
		for _, nm := range models {
			m, err := nm.load()
			if err != nil {
				return rep, fmt.Errorf("bench: %w", err)
			}
			tr, peakHeap, err := trainStep(ctx, m, nm.name, mode, opts)
			if err != nil {
				return rep, err
			}
			if mode == "lora" {
				rep.LoRAPeakHeapMiB = max(rep.LoRAPeakHeapMiB, peakHeap)
			}
			if torch {
				if tt, err := runTorch(ctx, opts, m.Config, mode); err != nil {
					rep.TorchNote = err.Error()
					torch = false
				} else {
					tt.Ratio = tr.TokensPerSecond / tt.TokensPerSecond
					tr.Torch = &tt
				}
			}
			logf("train %-4s %s: %.0f tokens/s, %.2f GFLOP/s, %.3f s/step", mode, nm.name, tr.TokensPerSecond, tr.GFLOPs, tr.SecondsPerStep)
			rep.Train = append(rep.Train, tr)
		}
		if mode == "lora" {
			rep.LoRAPeakRSSMiB = peakRSSMiB()
		}
	}
	for _, nm := range models {
		m, err := nm.load()
		if err != nil {
			return rep, fmt.Errorf("bench: %w", err)
		}
		g, err := generate(ctx, m, nm.name, opts)
		if err != nil {
			return rep, err
		}
		logf("generate %s: prefill %.0f tokens/s, decode %.0f tokens/s", nm.name, g.PrefillTokensPerSecond, g.DecodeTokensPerSecond)
		rep.Generate = append(rep.Generate, g)
	}
	return rep, nil
}

// Matmul returns the BLAS's float32 GEMM rate in GFLOP/s on n×n matrices,
// the best of reps runs.
func Matmul(n, reps int) float64 {
	a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	for i := range a {
		a[i], b[i] = float32(i%7)-3, float32(i%5)-2
	}
	A := blas32.General{Rows: n, Cols: n, Stride: n, Data: a}
	B := blas32.General{Rows: n, Cols: n, Stride: n, Data: b}
	C := blas32.General{Rows: n, Cols: n, Stride: n, Data: c}
	best := math.Inf(1)
	for range reps {
		t := time.Now()
		blas32.Gemm(blas.NoTrans, blas.Trans, 1, A, B, 0, C)
		best = min(best, time.Since(t).Seconds())
	}
	return 2 * float64(n) * float64(n) * float64(n) / best / 1e9
}

// FLOPsPerToken is the matmul work of one training token: 2·P forward,
// 2·P for input gradients, and in full mode 2·P more for weight gradients
// (P counts a tied embedding once, as the head), plus attention's scores
// and weighted sum (4·T·Hq·Dh per layer forward), tripled for backward.
func FLOPsPerToken(cfg lm.Config, params, T int, full bool) float64 {
	factor := 4.0
	if full {
		factor = 6
	}
	attn := 3 * 4 * float64(T) * float64(cfg.QDim()) * float64(cfg.NumHiddenLayers)
	return factor*float64(params) + attn
}

// trainStep times forward, loss, backward and an AdamW update; it returns
// the measurement and the largest Go heap in use seen after a step, MiB.
func trainStep(ctx context.Context, m *lm.Model, name, mode string, opts Options) (Train, float64, error) {
	if mode == "lora" {
		if err := m.AddLoRA(lm.DefaultLoRAConfig(), 2); err != nil {
			return Train{}, 0, fmt.Errorf("bench: %w", err)
		}
	} else {
		m.TrainAll()
	}
	cfg := m.Config
	B, T := opts.Batch, opts.SeqLen
	rng := rand.New(rand.NewPCG(3, 4))
	tokens, targets := make([]int, B*T), make([]int, B*T)
	for i := range tokens {
		tokens[i], targets[i] = rng.IntN(cfg.VocabSize), rng.IntN(cfg.VocabSize)
	}
	opt := newAdamW(m.TrainableParams())
	var peak float64
	var ms runtime.MemStats
	step := func(seed uint64) error {
		m.ZeroGrad()
		a, err := m.Forward(tokens, B, T, lm.ForwardOptions{Train: true, Seed: seed})
		if err != nil {
			return err
		}
		_, dl, err := a.CrossEntropy(cfg.VocabSize, targets, nil)
		if err != nil {
			return err
		}
		if err := m.Backward(a, dl); err != nil {
			return err
		}
		a.Release()
		opt.step(1e-4)
		runtime.ReadMemStats(&ms)
		peak = max(peak, float64(ms.HeapInuse)/(1<<20))
		return nil
	}
	if err := step(0); err != nil {
		return Train{}, 0, fmt.Errorf("bench: %s %s step: %w", name, mode, err)
	}
	sec := math.Inf(1)
	for i := range opts.Steps {
		if err := ctx.Err(); err != nil {
			return Train{}, 0, fmt.Errorf("bench: %w", err)
		}
		start := time.Now()
		if err := step(uint64(i + 1)); err != nil {
			return Train{}, 0, fmt.Errorf("bench: %s %s step: %w", name, mode, err)
		}
		sec = min(sec, time.Since(start).Seconds())
	}
	trainable := 0
	for _, p := range m.TrainableParams() {
		trainable += len(p.W)
	}
	tps := float64(B*T) / sec
	return Train{Model: name, Mode: mode, Params: m.NumParams(), Trainable: trainable, SecondsPerStep: sec,
		TokensPerSecond: tps, GFLOPs: FLOPsPerToken(cfg, m.NumParams(), T, mode == "full") * tps / 1e9}, peak, nil
}

// generate times a prefill of GenPrompt tokens and GenTokens greedy steps,
// Steps times, and keeps the fastest of each.
func generate(ctx context.Context, m *lm.Model, name string, opts Options) (Generation, error) {
	rng := rand.New(rand.NewPCG(5, 6))
	prompt := make([]int, opts.GenPrompt)
	for i := range prompt {
		prompt[i] = rng.IntN(m.Config.VocabSize)
	}
	prefill, decode := math.Inf(1), math.Inf(1)
	for range max(opts.Steps, 1) {
		c := m.NewKVCache(opts.GenPrompt + opts.GenTokens)
		t := time.Now()
		logits, err := m.Prefill(c, prompt)
		if err != nil {
			return Generation{}, fmt.Errorf("bench: %w", err)
		}
		prefill = min(prefill, time.Since(t).Seconds())
		t = time.Now()
		for range opts.GenTokens {
			if err := ctx.Err(); err != nil {
				return Generation{}, fmt.Errorf("bench: %w", err)
			}
			best := 0
			for i, v := range logits {
				if v > logits[best] {
					best = i
				}
			}
			if logits, err = m.Step(c, best); err != nil {
				return Generation{}, fmt.Errorf("bench: %w", err)
			}
		}
		decode = min(decode, time.Since(t).Seconds())
	}
	return Generation{Model: name, PrefillTokensPerSecond: float64(opts.GenPrompt) / prefill,
		DecodeTokensPerSecond: float64(opts.GenTokens) / decode}, nil
}

// peakRSSMiB reads the process's peak resident set (VmHWM) from /proc.
func peakRSSMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
