package cli

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/lm/bench"
	"github.com/sqlforge/sqlforge/models"
)

func (a *app) newBenchTrainCmd() *cobra.Command {
	opts := bench.DefaultOptions()
	var modelDir string
	var noTorch bool
	var cpuProfile string
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Training and generation speed of the local model, next to the BLAS's matmul rate and PyTorch's",
		Long: `bench train measures, in one process: the BLAS's float32 matmul rate (1024³), training tokens per
second and achieved GFLOP/s of a LoRA step (q_proj, v_proj, r=16) and a full step (forward, loss, backward,
AdamW) on a built-in ~5M-parameter configuration and on --model (default: the embedded sqlforge-tiny),
generation tokens per second (prefill and KV-cached decoding), and the peak memory of LoRA training. It then
runs the same step of the same architecture in PyTorch on CPU (internal/lm/testdata/bench_torch.py, found
from the working directory; python3 with torch, or $SQLFORGE_PYTHON) and prints the ratio; without torch that
half is skipped with a note. Build with -tags openblas to measure OpenBLAS instead of gonum's pure-Go BLAS.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if opts.Steps < 1 || opts.Batch < 1 || opts.SeqLen < 1 {
				return userErr(fmt.Errorf("--steps, --batch and --seq-len must be at least 1"))
			}
			opts.ModelDir = modelDir
			if modelDir == "" {
				dir, _, err := models.Resolve(models.Tiny)
				if err != nil {
					return err
				}
				opts.ModelDir, opts.ModelName = dir, models.Tiny
			}
			note := "PyTorch half skipped: --no-torch"
			if !noTorch {
				wd, _ := os.Getwd()
				opts.Python, opts.TorchScript, note = bench.FindTorch(ctx, wd)
			}
			logf := func(format string, args ...any) { fmt.Fprintf(a.stderr, format+"\n", args...) }
			if cpuProfile != "" {
				f, err := os.Create(cpuProfile)
				if err != nil {
					return userErr(fmt.Errorf("--cpuprofile: %w", err))
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return fmt.Errorf("--cpuprofile: %w", err)
				}
				defer pprof.StopCPUProfile()
			}
			rep, err := bench.Run(ctx, opts, logf)
			if err != nil {
				return err
			}
			if rep.TorchNote == "" || opts.Python == "" {
				rep.TorchNote = note
			}
			if a.jsonOut {
				return a.printJSON(rep)
			}
			fmt.Fprintf(a.stdout, "BLAS %s, GOMAXPROCS %d, load average %s\n", rep.BLAS, rep.GOMAXPROCS, rep.LoadAverage)
			fmt.Fprintf(a.stdout, "matmul 1024³: %.1f GFLOP/s\n", rep.MatmulGFLOPs)
			fmt.Fprintf(a.stdout, "training, batch %d×%d tokens:\n", opts.Batch, opts.SeqLen)
			fmt.Fprintf(a.stdout, "  %-14s %-4s %9s %9s %8s %9s %11s %7s\n", "model", "mode", "params", "trainable", "GFLOP/s", "tokens/s", "torch tok/s", "go/torch")
			for _, t := range rep.Train {
				torch, ratio := "-", "-"
				if t.Torch != nil {
					torch, ratio = fmt.Sprintf("%.0f", t.Torch.TokensPerSecond), fmt.Sprintf("%.2fx", t.Torch.Ratio)
				}
				fmt.Fprintf(a.stdout, "  %-14s %-4s %9d %9d %8.2f %9.0f %11s %7s\n", t.Model, t.Mode, t.Params, t.Trainable, t.GFLOPs, t.TokensPerSecond, torch, ratio)
			}
			for _, t := range rep.Train {
				if t.Torch != nil {
					fmt.Fprintf(a.stdout, "PyTorch %s: %d intra-op thread(s), OpenBLAS %d thread(s); Go: GOMAXPROCS %d\n", t.Torch.Version, t.Torch.Threads, t.Torch.BLASThreads, rep.GOMAXPROCS)
					break
				}
			}
			for _, g := range rep.Generate {
				fmt.Fprintf(a.stdout, "generation %s: prefill %.0f tokens/s, decode %.0f tokens/s\n", g.Model, g.PrefillTokensPerSecond, g.DecodeTokensPerSecond)
			}
			fmt.Fprintf(a.stdout, "LoRA training peak memory: %.0f MiB RSS, %.0f MiB Go heap in use\n", rep.LoRAPeakRSSMiB, rep.LoRAPeakHeapMiB)
			if rep.TorchNote != "" {
				fmt.Fprintln(a.stdout, rep.TorchNote)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&opts.Steps, "steps", opts.Steps, "timed training steps per mode (after one warm-up step; the fastest is reported)")
	fl.IntVar(&opts.Batch, "batch", opts.Batch, "sequences per step")
	fl.IntVar(&opts.SeqLen, "seq-len", opts.SeqLen, "tokens per sequence")
	fl.IntVar(&opts.GenTokens, "gen-tokens", opts.GenTokens, "tokens to generate for the decoding rate")
	fl.StringVar(&modelDir, "model", "", "checkpoint directory to measure besides the built-in 5M configuration (default: the embedded sqlforge-tiny)")
	fl.BoolVar(&noTorch, "no-torch", false, "skip the PyTorch comparison")
	fl.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the Go side to this file (go tool pprof)")
	return cmd
}
