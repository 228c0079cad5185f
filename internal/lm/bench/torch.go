package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// TorchScriptPath is the PyTorch counterpart's path inside a checkout.
const TorchScriptPath = "internal/lm/testdata/bench_torch.py"

// FindTorch returns a Python interpreter that imports torch ($SQLFORGE_PYTHON,
// python3, then /usr/bin/python3, whose Debian torch a pyenv python3 does
// not see) and the benchmark script, found from dir upwards; or a note
// saying why the PyTorch half is skipped.
func FindTorch(ctx context.Context, dir string) (python, script, note string) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, TorchScriptPath)); err == nil {
			script = filepath.Join(d, TorchScriptPath)
			break
		}
		if filepath.Dir(d) == d {
			return "", "", "PyTorch half skipped: " + TorchScriptPath + " not found (run from a sqlforge checkout)"
		}
	}
	var tried []string
	for _, py := range []string{os.Getenv("SQLFORGE_PYTHON"), "python3", "/usr/bin/python3"} {
		if py == "" {
			continue
		}
		tried = append(tried, py)
		if exec.CommandContext(ctx, py, "-c", "import torch").Run() == nil {
			return py, script, ""
		}
	}
	return "", "", "PyTorch half skipped: no torch in " + strings.Join(tried, ", ") + " (Debian: apt-get install python3-torch)"
}

// runTorch times the same step in PyTorch: same configuration, batch shape,
// LoRA targets and rank, AdamW.
func runTorch(ctx context.Context, opts Options, cfg lm.Config, mode string) (Torch, error) {
	dir, err := os.MkdirTemp("", "sqlforge-bench-")
	if err != nil {
		return Torch{}, fmt.Errorf("torch bench: %w", err)
	}
	defer os.RemoveAll(dir)
	b, err := json.Marshal(cfg)
	if err != nil {
		return Torch{}, fmt.Errorf("torch bench: %w", err)
	}
	path := filepath.Join(dir, "config.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return Torch{}, fmt.Errorf("torch bench: %w", err)
	}
	lc := lm.DefaultLoRAConfig()
	args := []string{opts.TorchScript, path, mode, strconv.Itoa(opts.Batch), strconv.Itoa(opts.SeqLen), strconv.Itoa(opts.Steps),
		strconv.Itoa(lc.R), strconv.FormatFloat(lc.Alpha, 'g', -1, 64), strings.Join(lc.TargetModules, ",")}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, opts.Python, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return Torch{}, fmt.Errorf("torch bench: %w: %s", err, lastLine(stderr.String()))
	}
	var t Torch
	if err := json.Unmarshal(stdout.Bytes(), &t); err != nil {
		return Torch{}, fmt.Errorf("torch bench: reading %q: %w", lastLine(stdout.String()), err)
	}
	if t.TokensPerSecond <= 0 || math.IsInf(t.TokensPerSecond, 0) {
		return Torch{}, fmt.Errorf("torch bench: %v tokens per second", t.TokensPerSecond)
	}
	return t, nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
