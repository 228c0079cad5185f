package local

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/peft"
)

// Result summarises a run.
type Result struct {
	Steps           int     // optimizer steps done (all runs of a resumed job)
	StoppedEarly    bool    // validation loss stopped improving for Patience evaluations
	BestStep        int     // step of the best validation loss; 0 without validation
	BestValidLoss   float64 // NaN without validation
	FinalTrainLoss  float64
	Tokens          int64   // tokens trained on (not padding), all runs
	TokensPerSecond float64 // over this process's steps
	Elapsed         time.Duration
	History         []Row
}

// Train fine-tunes model on data. In LoRA mode it adds cfg.LoRA adapters
// when the model has none and trains only them; in full mode every weight
// trains. When training ends the model holds the weights of the best
// validation loss (the last weights without validation), and cfg.RunDir, if
// set, receives results.csv, loss.svg, checkpoint.gob and adapter/ or
// model/. A run directory that already has a checkpoint is refused: use
// Resume. Cancelling ctx stops after the current step without writing a
// checkpoint, as a killed process would.
func Train(ctx context.Context, model *lm.Model, data Dataset, cfg Config, obs Observer) (Result, error) {
	t, err := newTrainer(model, data, cfg, obs)
	if err != nil {
		return Result{}, err
	}
	if cfg.RunDir != "" {
		if hasCheckpoint(cfg.RunDir) {
			return Result{}, fmt.Errorf("training: %s already has a checkpoint; resume it or choose another run directory", cfg.RunDir)
		}
		if err := os.MkdirAll(cfg.RunDir, 0o755); err != nil {
			return Result{}, fmt.Errorf("training: %w", err)
		}
		if t.results, err = openResults(cfg.RunDir, nil); err != nil {
			return Result{}, fmt.Errorf("training: %w", err)
		}
	}
	return t.run(ctx)
}

// Resume continues the run whose checkpoint is in runDir, with its saved
// configuration, on the same base model and data it started with (the
// data's fingerprint is checked). results.csv is rewritten from the
// checkpoint's history, dropping rows a killed process wrote after it. The
// weights and metrics equal those of a run that was never interrupted.
func Resume(ctx context.Context, model *lm.Model, data Dataset, runDir string, obs Observer) (Result, error) {
	c, err := loadCheckpoint(runDir)
	if err != nil {
		return Result{}, fmt.Errorf("resuming: %w", err)
	}
	cfg := c.Config
	cfg.RunDir = runDir
	t, err := newTrainer(model, data, cfg, obs)
	if err != nil {
		return Result{}, fmt.Errorf("resuming: %w", err)
	}
	if c.Fingerprint != t.fingerprint || c.TotalSteps != t.total {
		return Result{}, fmt.Errorf("resuming %s: the data differs from the run's (fingerprint %x, %d steps; checkpoint %x, %d steps)", runDir, t.fingerprint, t.total, c.Fingerprint, c.TotalSteps)
	}
	if err := t.restore(c); err != nil {
		return Result{}, fmt.Errorf("resuming %s: %w", runDir, err)
	}
	if t.results, err = openResults(runDir, t.history); err != nil {
		return Result{}, fmt.Errorf("resuming: %w", err)
	}
	return t.run(ctx)
}

// trainer is one run's state.
type trainer struct {
	model       *lm.Model
	cfg         Config
	obs         Observer
	train       []row
	valid       []row
	order       order
	fingerprint uint64
	params      []*lm.Param
	opt         *adamW
	total       int
	results     *resultsWriter

	step, pos int
	tokens    int64
	history   []Row
	best      [][]float32
	bestStep  int
	bestLoss  float64
	badEvals  int
}

func newTrainer(model *lm.Model, data Dataset, cfg Config, obs Observer) (*trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	V := model.Config.VocabSize
	if err := validate("train", data.Train, V); err != nil {
		return nil, fmt.Errorf("training: %w", err)
	}
	if err := validate("valid", data.Valid, V); err != nil {
		return nil, fmt.Errorf("training: %w", err)
	}
	if len(data.Train) == 0 {
		return nil, fmt.Errorf("training: no training examples")
	}
	if cfg.PadID < 0 || cfg.PadID >= V {
		return nil, fmt.Errorf("training: pad id %d is outside the vocabulary of %d", cfg.PadID, V)
	}
	switch cfg.Mode {
	case ModeLoRA:
		if len(model.LoRAParams()) == 0 {
			if err := model.AddLoRA(cfg.LoRA, cfg.Seed); err != nil {
				return nil, fmt.Errorf("training: %w", err)
			}
		}
	case ModeFull:
		model.TrainAll()
	}
	t := &trainer{model: model, cfg: cfg, obs: obs, bestLoss: math.Inf(1),
		train: makeRows(data.Train, cfg.MaxSeqLen, cfg.Packing), valid: makeRows(data.Valid, cfg.MaxSeqLen, false)}
	t.order = order{n: len(t.train), seed: cfg.Seed}
	if cfg.GroupByLength && !cfg.Packing {
		t.order.lengths, t.order.batch = make([]int, len(t.train)), cfg.BatchSize*cfg.GradAccum
		for i, r := range t.train {
			t.order.lengths[i] = len(r.tokens)
		}
	}
	t.fingerprint = fingerprint(t.train, t.valid)
	t.params = model.TrainableParams()
	t.opt = newAdamW(t.params, cfg.Beta1, cfg.Beta2, cfg.Eps, cfg.WeightDecay)
	t.total = cfg.MaxSteps
	if t.total == 0 {
		perStep := cfg.BatchSize * cfg.GradAccum
		t.total = cfg.Epochs * ((len(t.train) + perStep - 1) / perStep)
	}
	return t, nil
}

// run trains from the current state to the end.
func (t *trainer) run(ctx context.Context) (Result, error) {
	defer t.results.close()
	start := time.Now()
	var tokensHere int64
	res := Result{BestValidLoss: math.NaN(), FinalTrainLoss: math.NaN()}
	for t.step < t.total && !res.StoppedEarly {
		if err := ctx.Err(); err != nil {
			return t.result(res, start, tokensHere), fmt.Errorf("training stopped after step %d: %w", t.step, err)
		}
		stepStart := time.Now()
		t.step++
		lr := learningRate(t.cfg, t.step, t.total)
		r, n, err := t.trainStep()
		if err != nil {
			return t.result(res, start, tokensHere), fmt.Errorf("training step %d: %w", t.step, err)
		}
		norm := clipGradNorm(t.params, t.cfg.MaxGradNorm)
		t.opt.step(lr)
		t.tokens += int64(n)
		tokensHere += int64(n)
		sec := time.Since(stepStart).Seconds()
		if t.cfg.EvalEvery > 0 && len(t.valid) > 0 && (t.step%t.cfg.EvalEvery == 0 || t.step == t.total) {
			if r.ValidLoss, r.ValidMeanTokenAccuracy, err = t.evaluate(); err != nil {
				return t.result(res, start, tokensHere), fmt.Errorf("validating at step %d: %w", t.step, err)
			}
			res.StoppedEarly = t.track(r.ValidLoss)
		}
		t.history = append(t.history, r)
		if err := t.results.append(r); err != nil {
			return t.result(res, start, tokensHere), err
		}
		if t.obs != nil {
			t.obs(Progress{Row: r, TotalSteps: t.total, Epoch: float64(t.pos) / float64(len(t.train)),
				LearningRate: lr, GradNorm: norm, Tokens: n, TokensPerSecond: float64(n) / max(sec, 1e-9)})
		}
		if t.cfg.RunDir != "" && t.cfg.SaveEvery > 0 && t.step%t.cfg.SaveEvery == 0 {
			if err := t.checkpoint().save(t.cfg.RunDir); err != nil {
				return t.result(res, start, tokensHere), err
			}
		}
	}
	res = t.result(res, start, tokensHere)
	if err := t.finish(); err != nil {
		return res, err
	}
	return res, nil
}

// track records a validation loss and reports whether to stop early.
func (t *trainer) track(loss float64) bool {
	if loss < t.bestLoss {
		t.bestLoss, t.bestStep, t.badEvals = loss, t.step, 0
		t.best = snapshot(t.params)
		return false
	}
	t.badEvals++
	return t.cfg.Patience > 0 && t.badEvals >= t.cfg.Patience
}

func (t *trainer) result(res Result, start time.Time, tokensHere int64) Result {
	res.Steps, res.Tokens, res.History = t.step, t.tokens, t.history
	res.Elapsed = time.Since(start)
	res.TokensPerSecond = float64(tokensHere) / max(res.Elapsed.Seconds(), 1e-9)
	if len(t.history) > 0 {
		res.FinalTrainLoss = t.history[len(t.history)-1].TrainLoss
	}
	if t.best != nil {
		res.BestStep, res.BestValidLoss = t.bestStep, t.bestLoss
	}
	return res
}

// finish writes the final checkpoint (so a resume after the end does
// nothing), puts the best weights into the model, and writes the plot and
// the weights.
func (t *trainer) finish() error {
	if t.cfg.RunDir != "" {
		if err := t.checkpoint().save(t.cfg.RunDir); err != nil {
			return err
		}
	}
	if t.best != nil {
		for i, p := range t.params {
			copy(p.W, t.best[i])
		}
	}
	if t.cfg.RunDir == "" {
		return nil
	}
	if err := writeFileAtomic(filepath.Join(t.cfg.RunDir, LossPlotFile), []byte(lossSVG(t.history))); err != nil {
		return fmt.Errorf("writing loss plot: %w", err)
	}
	if t.cfg.Mode == ModeLoRA {
		if err := peft.Save(filepath.Join(t.cfg.RunDir, "adapter"), t.model, t.cfg.BaseModel); err != nil {
			return fmt.Errorf("writing the trained adapter: %w", err)
		}
		return nil
	}
	dir := filepath.Join(t.cfg.RunDir, "model")
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	if err := t.model.Save(tmp); err != nil {
		return fmt.Errorf("writing the trained model: %w", err)
	}
	os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("writing the trained model: %w", err)
	}
	return nil
}

func (t *trainer) checkpoint() *checkpoint {
	c := &checkpoint{Version: checkpointVersion, Config: t.cfg, Fingerprint: t.fingerprint, TotalSteps: t.total,
		Step: t.step, Position: t.pos, Tokens: t.tokens, Weights: snapshot(t.params), AdamT: t.opt.t,
		M: t.opt.m, V: t.opt.v, Best: t.best, BestStep: t.bestStep, BestLoss: t.bestLoss, BadEvals: t.badEvals, History: t.history}
	for _, p := range t.params {
		c.Names, c.Shapes = append(c.Names, p.Name), append(c.Shapes, p.Shape)
	}
	return c
}

func (t *trainer) restore(c *checkpoint) error {
	if err := restoreParams(t.params, c.Names, c.Shapes, c.Weights); err != nil {
		return err
	}
	for i := range t.params {
		if len(c.M[i]) != len(t.opt.m[i]) || len(c.V[i]) != len(t.opt.v[i]) {
			return fmt.Errorf("checkpoint moments of %s have the wrong size", c.Names[i])
		}
		copy(t.opt.m[i], c.M[i])
		copy(t.opt.v[i], c.V[i])
	}
	t.opt.t = c.AdamT
	t.step, t.pos, t.tokens, t.history = c.Step, c.Position, c.Tokens, c.History
	t.best, t.bestStep, t.bestLoss, t.badEvals = c.Best, c.BestStep, c.BestLoss, c.BadEvals
	return nil
}

// trainStep accumulates the gradient of one optimizer step over GradAccum
// micro-batches. Each micro-batch's mean loss gradient is weighted by its
// share of the step's answer tokens, so the step's gradient is that of the
// mean over all of them, whatever the split. It returns the step's metrics
// and the number of real tokens.
func (t *trainer) trainStep() (Row, int, error) {
	B := t.cfg.BatchSize
	rows := make([]row, B*t.cfg.GradAccum)
	for i := range rows {
		rows[i] = t.train[t.order.at(t.pos)]
		t.pos++
	}
	batches := make([]batch, t.cfg.GradAccum)
	total := 0
	for k := range batches {
		batches[k] = makeBatch(rows[k*B:(k+1)*B], t.cfg.PadID)
		total += batches[k].count
	}
	if total == 0 {
		return Row{}, 0, fmt.Errorf("no answer tokens in the step's %d rows (truncated by the maximum sequence length %d?)", len(rows), t.cfg.MaxSeqLen)
	}
	t.model.ZeroGrad()
	var lossSum, correct float64
	tokens := 0
	for k, b := range batches {
		tokens += b.real
		if b.count == 0 {
			continue
		}
		seed := rand.New(rand.NewPCG(t.cfg.Seed, uint64(t.step)<<16|uint64(k))).Uint64()
		rows, targets := b.answers()
		acts, err := t.model.Forward(b.tokens, b.B, b.T, lm.ForwardOptions{Train: true, Seed: seed, Rows: rows})
		if err != nil {
			return Row{}, 0, err
		}
		loss, dl, err := acts.CrossEntropy(t.model.Config.VocabSize, targets, nil)
		if err != nil {
			return Row{}, 0, err
		}
		share := float32(float64(b.count) / float64(total))
		for i := range dl {
			dl[i] *= share
		}
		if err := t.model.Backward(acts, dl); err != nil {
			return Row{}, 0, err
		}
		lossSum += loss * float64(b.count)
		correct += float64(hits(acts.Logits, t.model.Config.VocabSize, targets))
		acts.Release()
	}
	r := Row{Step: t.step, TrainLoss: lossSum / float64(total), TrainMeanTokenAccuracy: correct / float64(total),
		ValidLoss: math.NaN(), ValidMeanTokenAccuracy: math.NaN()}
	return r, tokens, nil
}

// evaluate returns the validation loss and mean token accuracy over every
// answer token of the validation rows (no dropout).
func (t *trainer) evaluate() (float64, float64, error) {
	V := t.model.Config.VocabSize
	var lossSum, correct float64
	count := 0
	for i := 0; i < len(t.valid); i += t.cfg.BatchSize {
		b := makeBatch(t.valid[i:min(i+t.cfg.BatchSize, len(t.valid))], t.cfg.PadID)
		if b.count == 0 {
			continue
		}
		rows, targets := b.answers()
		acts, err := t.model.Forward(b.tokens, b.B, b.T, lm.ForwardOptions{Rows: rows})
		if err != nil {
			return 0, 0, err
		}
		loss, _, err := acts.CrossEntropy(V, targets, nil)
		if err != nil {
			return 0, 0, err
		}
		lossSum += loss * float64(b.count)
		correct += float64(hits(acts.Logits, V, targets))
		count += b.count
		acts.Release()
	}
	return lossSum / float64(count), correct / float64(count), nil
}

// hits counts the rows of logits [len(targets), V] whose argmax is the target.
func hits(logits []float32, V int, targets []int) int {
	n := 0
	for i, t := range targets {
		row := logits[i*V : (i+1)*V]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		if best == t {
			n++
		}
	}
	return n
}
