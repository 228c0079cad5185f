package local

import (
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/peft"
)

// TestLossDecreases trains a tiny model to produce a fixed answer after
// any prompt. A broken optimizer, schedule or gradient leaves the loss near
// its start.
func TestLossDecreases(t *testing.T) {
	for _, mode := range []Mode{ModeLoRA, ModeFull} {
		t.Run(string(mode), func(t *testing.T) {
			m := tinyModel(t, 1)
			data := Dataset{Train: copyTask(16, 2, []int{5, 6, 7, 8})}
			cfg := testConfig(mode, 40)
			// The frozen final norm and head of a random 16-wide model cap
			// how confident a rank-4 adapter can make it: LoRA gets a
			// larger rate and a looser bound.
			fraction := 0.2
			if mode == ModeLoRA {
				cfg.LearningRate, fraction = 5e-2, 0.5
			}
			res, err := Train(context.Background(), m, data, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			first, last := res.History[0].TrainLoss, res.FinalTrainLoss
			t.Logf("%s: loss %.3f -> %.3f, accuracy %.2f, %.0f tokens/s", mode, first, last, res.History[len(res.History)-1].TrainMeanTokenAccuracy, res.TokensPerSecond)
			if !(last < fraction*first) {
				t.Errorf("final loss %.4f, want below %g of the initial %.4f", last, fraction, first)
			}
			if res.Steps != 40 || len(res.History) != 40 {
				t.Errorf("%d steps and %d rows, want 40", res.Steps, len(res.History))
			}
		})
	}
}

// TestAccumulationEqualsLargerBatch checks that 2 micro-batches of 2
// give the gradient of one batch of 4 (dropout off, rows of different
// lengths so padding differs between the two).
func TestAccumulationEqualsLargerBatch(t *testing.T) {
	data := Dataset{Train: copyTask(12, 3, []int{5, 6, 7})}
	grads := func(batch, accum int) ([][]float32, Row) {
		m := tinyModel(t, 4)
		cfg := testConfig(ModeLoRA, 3)
		cfg.LoRA.Dropout = 0
		cfg.BatchSize, cfg.GradAccum = batch, accum
		tr, err := newTrainer(m, data, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		randomLoRA(m)
		tr.step = 1
		r, _, err := tr.trainStep()
		if err != nil {
			t.Fatal(err)
		}
		var g [][]float32
		for _, p := range tr.params {
			g = append(g, slices.Clone(p.G))
		}
		return g, r
	}
	one, r1 := grads(4, 1)
	two, r2 := grads(2, 2)
	if math.Abs(r1.TrainLoss-r2.TrainLoss) > 1e-6 || r1.TrainMeanTokenAccuracy != r2.TrainMeanTokenAccuracy {
		t.Errorf("accumulated loss %v accuracy %v, one batch %v %v", r2.TrainLoss, r2.TrainMeanTokenAccuracy, r1.TrainLoss, r1.TrainMeanTokenAccuracy)
	}
	var scale, diff float64
	for i := range one {
		for j := range one[i] {
			scale = max(scale, math.Abs(float64(one[i][j])))
			diff = max(diff, math.Abs(float64(one[i][j]-two[i][j])))
		}
	}
	if scale == 0 || diff > 1e-5*scale {
		t.Errorf("accumulated gradients differ from one batch's by %g (largest gradient %g)", diff, scale)
	}
}

// randomLoRA gives the B matrices values so every adapter gradient is
// non-zero.
func randomLoRA(m *lm.Model) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, p := range m.LoRAParams() {
		if strings.HasSuffix(p.Name, "lora_B.weight") {
			for i := range p.W {
				p.W[i] = float32(0.2 * rng.NormFloat64())
			}
		}
	}
}

func TestEarlyStopping(t *testing.T) {
	// Validation answers differ from the training answers, so the
	// validation loss rises as the model memorises the training answer.
	m := tinyModel(t, 5)
	data := Dataset{Train: copyTask(8, 6, []int{5, 6, 7}), Valid: copyTask(4, 7, []int{7, 6, 5})}
	cfg := testConfig(ModeFull, 60)
	cfg.EvalEvery, cfg.Patience = 2, 3
	res, err := Train(context.Background(), m, data, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.StoppedEarly || res.Steps >= 60 {
		t.Fatalf("stopped early %v after %d steps, want an early stop before 60", res.StoppedEarly, res.Steps)
	}
	var evals []Row
	for _, r := range res.History {
		if !math.IsNaN(r.ValidLoss) {
			evals = append(evals, r)
		}
	}
	best := slices.MinFunc(evals, func(a, b Row) int { return cmpFloat(a.ValidLoss, b.ValidLoss) })
	if res.BestStep != best.Step || res.BestValidLoss != best.ValidLoss {
		t.Errorf("best step %d loss %g, history's best is step %d loss %g", res.BestStep, res.BestValidLoss, best.Step, best.ValidLoss)
	}
	if got := evals[len(evals)-1].Step - best.Step; got != cfg.Patience*cfg.EvalEvery {
		t.Errorf("stopped %d steps after the best, want patience × eval every = %d", got, cfg.Patience*cfg.EvalEvery)
	}
	// The model keeps the best weights: re-evaluating gives the best loss.
	tr, err := newTrainer(m, data, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if loss, _, err := tr.evaluate(); err != nil || loss != res.BestValidLoss {
		t.Errorf("model's validation loss %v (%v), want the best %v", loss, err, res.BestValidLoss)
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestResumeExact runs 12 steps straight, and 12 steps killed after step
// 7 with a checkpoint at step 5 then resumed: weights, history and
// results.csv must be identical.
func TestResumeExact(t *testing.T) {
	data := Dataset{Train: copyTask(10, 8, []int{5, 6, 7}), Valid: copyTask(3, 9, []int{5, 6, 7})}
	cfg := testConfig(ModeLoRA, 12)
	cfg.EvalEvery, cfg.SaveEvery, cfg.BatchSize, cfg.GradAccum = 3, 5, 3, 2

	straight := tinyModel(t, 10)
	cfg.RunDir = filepath.Join(t.TempDir(), "straight")
	want, err := Train(context.Background(), straight, data, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantCSV, _ := os.ReadFile(filepath.Join(cfg.RunDir, ResultsFile))

	cfg.RunDir = filepath.Join(t.TempDir(), "killed")
	ctx, cancel := context.WithCancel(context.Background())
	_, err = Train(ctx, tinyModel(t, 10), data, cfg, func(p Progress) {
		if p.Step == 7 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("killed run returned %v, want context.Canceled", err)
	}
	if rows := readCSV(t, filepath.Join(cfg.RunDir, ResultsFile)); len(rows) != 1+7 {
		t.Fatalf("killed run's results.csv has %d lines, want header + 7", len(rows))
	}
	resumed := tinyModel(t, 10)
	got, err := Resume(context.Background(), resumed, data, cfg.RunDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	gotCSV, _ := os.ReadFile(filepath.Join(cfg.RunDir, ResultsFile))
	if string(gotCSV) != string(wantCSV) {
		t.Errorf("resumed results.csv:\n%s\nwant:\n%s", gotCSV, wantCSV)
	}
	if len(got.History) != len(want.History) {
		t.Fatalf("resumed history has %d rows, want %d", len(got.History), len(want.History))
	}
	for i := range want.History {
		if !sameRow(got.History[i], want.History[i]) {
			t.Errorf("row %d: resumed %+v, straight %+v", i, got.History[i], want.History[i])
		}
	}
	gw, ww := weights(resumed), weights(straight)
	for i := range ww {
		if !slices.Equal(gw[i], ww[i]) {
			t.Fatalf("tensor %s differs after resume", straight.TrainableParams()[i].Name)
		}
	}
	if got.Tokens != want.Tokens || got.BestStep != want.BestStep {
		t.Errorf("resumed tokens %d best step %d, straight %d %d", got.Tokens, got.BestStep, want.Tokens, want.BestStep)
	}
}

func sameRow(a, b Row) bool {
	eq := func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }
	return a.Step == b.Step && eq(a.TrainLoss, b.TrainLoss) && eq(a.TrainMeanTokenAccuracy, b.TrainMeanTokenAccuracy) &&
		eq(a.ValidLoss, b.ValidLoss) && eq(a.ValidMeanTokenAccuracy, b.ValidMeanTokenAccuracy)
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestRunDirectory checks results.csv's columns and cells, the loss plot
// and the PEFT adapter a LoRA run leaves, and that a second Train into the
// same directory is refused.
func TestRunDirectory(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(ModeLoRA, 6)
	cfg.RunDir, cfg.EvalEvery, cfg.BaseModel = dir, 4, "sqlforge-tiny"
	data := Dataset{Train: copyTask(6, 11, []int{5, 6}), Valid: copyTask(2, 12, []int{5, 6})}
	var seen []int
	if _, err := Train(context.Background(), tinyModel(t, 13), data, cfg, func(p Progress) { seen = append(seen, p.Step) }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen, []int{1, 2, 3, 4, 5, 6}) {
		t.Errorf("observer saw steps %v", seen)
	}
	rows := readCSV(t, filepath.Join(dir, ResultsFile))
	if got := strings.Join(rows[0], ","); got != "step,train_loss,train_mean_token_accuracy,valid_loss,valid_mean_token_accuracy" {
		t.Errorf("header %q", got)
	}
	if len(rows) != 7 {
		t.Fatalf("%d lines, want header + 6", len(rows))
	}
	for i, r := range rows[1:] {
		evalStep := i+1 == 4 || i+1 == 6 // every 4 steps, and the last
		if r[0] != string(rune('1'+i)) || r[1] == "" || r[2] == "" || (r[3] != "") != evalStep || (r[4] != "") != evalStep {
			t.Errorf("row %d = %q (validation expected: %v)", i+1, r, evalStep)
		}
	}
	svg, err := os.ReadFile(filepath.Join(dir, LossPlotFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := xmlWellFormed(svg); err != nil || !strings.Contains(string(svg), "<polyline") {
		t.Errorf("loss.svg is not a well-formed plot: %v", err)
	}
	cfgPEFT, err := peft.ReadConfig(filepath.Join(dir, "adapter", peft.ConfigFile))
	if err != nil || cfgPEFT.R != 4 || cfgPEFT.BaseModelNameOrPath != "sqlforge-tiny" {
		t.Errorf("adapter config %+v, %v", cfgPEFT, err)
	}
	if _, err := Train(context.Background(), tinyModel(t, 13), data, cfg, nil); err == nil || !strings.Contains(err.Error(), "already has a checkpoint") {
		t.Errorf("a second Train into the run directory returned %v", err)
	}
}

func xmlWellFormed(b []byte) error {
	d := xml.NewDecoder(strings.NewReader(string(b)))
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}
