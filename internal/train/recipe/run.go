package recipe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/train"
	"github.com/sqlforge/sqlforge/internal/train/local"
)

// What a run leaves in the recipe directory, besides the engine's OutputDir.
//
// Both engines drive transformers' Trainer, whose layout the Tracker reads:
//
//	out/checkpoint-N/trainer_state.json   TrainerState: global_step, max_steps, log_history
//	                                      [{"loss", "grad_norm", "learning_rate", "epoch", "step"},
//	                                       {"eval_loss", "eval_runtime", ..., "epoch", "step"}, ...]
//	                                      (TRL adds mean_token_accuracy / eval_mean_token_accuracy)
//	out/checkpoint-N/adapter_config.json, adapter_model.safetensors (+ optimizer.pt, scheduler.pt, rng_state.pth)
//	out/adapter_config.json, out/adapter_model.safetensors   the final adapter (trainer.save_model)
//	                                      (a full fine-tune leaves config.json + model*.safetensors)
//
// and prints, per logging step, a Python dict line such as {'loss': 1.234, 'grad_norm': 0.5,
// 'learning_rate': 0.0002, 'epoch': 0.12} between tqdm progress updates "12/200 [".
const (
	LogFile    = "logs/train.log"
	ExitFile   = "logs/exit_code"
	CancelFile = "logs/cancelled"
	RunFile    = "logs/run.json"
)

// RunState is what Start records in RunFile.
type RunState struct {
	JobID  string `json:"job_id"`
	Engine Engine `json:"engine"`
	Base   string `json:"base"`
	// Name is the adapter's serving name; Rank its LoRA rank (0 for a full fine-tune).
	Name    string    `json:"name"`
	Rank    int       `json:"rank,omitempty"`
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
}

// Installed reports, as a *FieldError naming --run, the first program of e's launch that is
// not on PATH.
func Installed(e Engine) error {
	for _, prog := range []string{string(e), "accelerate"} {
		if _, err := exec.LookPath(prog); err != nil {
			return &FieldError{Flag: "--run", Msg: fmt.Sprintf("%s is not on PATH: install the recipe's requirements.txt (pip install -r requirements.txt) or run launch.sh where it is", prog)}
		}
	}
	return nil
}

// Start launches dir/launch.sh detached from this process (its own session), its output in
// LogFile and its exit status in ExitFile, and records RunFile. A killed sqlforge leaves the
// training running; a Tracker finds it again from the files. st describes the run; Start
// fills its PID and start time.
func Start(dir string, st RunState) (RunState, error) {
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		return RunState{}, fmt.Errorf("start %s: %w", dir, err)
	}
	for _, f := range []string{ExitFile, CancelFile} {
		os.Remove(filepath.Join(dir, f))
	}
	cmd := exec.Command("/bin/sh", "-c", "bash launch.sh >"+LogFile+" 2>&1; echo $? >"+ExitFile+".tmp; mv "+ExitFile+".tmp "+ExitFile)
	cmd.Dir = dir
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return RunState{}, fmt.Errorf("start %s: %w", dir, err)
	}
	go cmd.Wait() // reap it when it ends while this process still runs
	st.PID, st.Started = cmd.Process.Pid, time.Now().UTC()
	data, _ := json.MarshalIndent(st, "", "  ")
	if err := writeFile(filepath.Join(dir, RunFile), append(data, '\n')); err != nil {
		return st, err
	}
	return st, nil
}

// Tracker follows a started recipe through its files; it is the train.JobAPI of a cluster
// engine run, so train.Follow records it in the registry like a managed job.
type Tracker struct {
	// Dir is the recipe directory.
	Dir string
}

// State reads RunFile.
func (t Tracker) State() (RunState, error) {
	var st RunState
	data, err := os.ReadFile(filepath.Join(t.Dir, RunFile))
	if err != nil {
		return st, fmt.Errorf("read run state: %w", err)
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return st, fmt.Errorf("%s: %w", filepath.Join(t.Dir, RunFile), err)
	}
	return st, nil
}

// Adapter is the final adapter's (or model's) directory.
func (t Tracker) Adapter() string { return filepath.Join(t.Dir, OutputDir) }

// GetJob reports the run's status: succeeded once the engine exited 0 and left an adapter or
// model in OutputDir, failed on any other exit or a vanished process, cancelled after Cancel.
func (t Tracker) GetJob(_ context.Context, id string) (train.Job, error) {
	st, err := t.State()
	if err != nil {
		return train.Job{}, err
	}
	j := train.Job{ID: id, BaseModel: st.Base, TrainingFile: filepath.Join(t.Dir, "data", "train.jsonl"),
		ValidationFile: filepath.Join(t.Dir, "data", "val.jsonl"), Method: train.MethodSupervised, CreatedAt: st.Started}
	_, cerr := os.Stat(filepath.Join(t.Dir, CancelFile))
	code, exited := t.exitCode()
	switch {
	case cerr == nil:
		j.Status = train.StatusCancelled
	case exited && code == 0:
		if t.finished() {
			j.Status, j.FineTunedModel = train.StatusSucceeded, t.Adapter()
		} else {
			j.Status, j.Error = train.StatusFailed, "the engine exited 0 but left no adapter or model in "+t.Adapter()
		}
	case exited:
		j.Status, j.Error = train.StatusFailed, fmt.Sprintf("the engine exited with status %d: %s", code, t.lastLogLine())
	case alive(st.PID):
		j.Status = train.StatusRunning
	default:
		j.Status, j.Error = train.StatusFailed, fmt.Sprintf("the engine process %d ended without an exit status (killed?): %s", st.PID, t.lastLogLine())
	}
	if j.Status.Terminal() {
		if fi, err := os.Stat(filepath.Join(t.Dir, LogFile)); err == nil {
			j.FinishedAt = fi.ModTime().UTC()
		}
	}
	return j, nil
}

func (t Tracker) exitCode() (int, bool) {
	data, err := os.ReadFile(filepath.Join(t.Dir, ExitFile))
	if err != nil {
		return 0, false
	}
	code, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return -1, true
	}
	return code, true
}

func (t Tracker) finished() bool {
	for _, f := range []string{"adapter_config.json", "config.json"} {
		if _, err := os.Stat(filepath.Join(t.Adapter(), f)); err == nil {
			return true
		}
	}
	return false
}

func (t Tracker) lastLogLine() string {
	data, _ := os.ReadFile(filepath.Join(t.Dir, LogFile))
	lines := strings.FieldsFunc(string(data), func(r rune) bool { return r == '\n' || r == '\r' })
	for i := len(lines) - 1; i >= 0; i-- {
		if s := strings.TrimSpace(lines[i]); s != "" {
			return s
		}
	}
	return "see " + filepath.Join(t.Dir, LogFile)
}

// Cancel marks the run cancelled and stops the launcher's whole process group.
func (t Tracker) Cancel() error {
	st, err := t.State()
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(t.Dir, CancelFile), []byte(time.Now().UTC().Format(time.RFC3339)+"\n")); err != nil {
		return err
	}
	return terminate(st.PID)
}

var (
	progressRE = regexp.MustCompile(`(\d+)/(\d+) \[`)
	dictRE     = regexp.MustCompile(`\{'[a-z_]+': [^{}]*\}`)
)

// logEntry is one logged dict of the engine's output with the training step it came at.
type logEntry struct {
	step, total int
	values      map[string]float64
}

// logEntries parses the engine's log: the dicts the Trainer prints at each logging and
// evaluation step, each with the training progress bar's last step before it.
func (t Tracker) logEntries() []logEntry {
	data, err := os.ReadFile(filepath.Join(t.Dir, LogFile))
	if err != nil {
		return nil
	}
	var out []logEntry
	step, total := 0, 0
	for _, line := range strings.FieldsFunc(string(data), func(r rune) bool { return r == '\n' || r == '\r' }) {
		for _, m := range progressRE.FindAllStringSubmatch(line, -1) {
			n, _ := strconv.Atoi(m[1])
			tot, _ := strconv.Atoi(m[2])
			if total == 0 || tot == total { // the training bar: the first one seen, not an evaluation's
				step, total = n, tot
			}
		}
		for _, d := range dictRE.FindAllString(line, -1) {
			if v := parsePyDict(d); len(v) > 0 {
				if s, ok := v["step"]; ok {
					step = int(s)
				}
				out = append(out, logEntry{step: step, total: total, values: v})
			}
		}
	}
	return out
}

// parsePyDict reads the numbers of a printed Python dict {'loss': 1.2, 'lr': '2e-04'}.
func parsePyDict(s string) map[string]float64 {
	out := map[string]float64{}
	for _, part := range strings.Split(strings.Trim(s, "{}"), ",") {
		k, v, ok := strings.Cut(part, ":")
		if !ok {
			continue
		}
		k = strings.Trim(strings.TrimSpace(k), `'"`)
		f, err := strconv.ParseFloat(strings.Trim(strings.TrimSpace(v), `'"`), 64)
		if err == nil {
			out[k] = f
		}
	}
	return out
}

// EventsSince returns the run's logged steps after event afterID, oldest first: "log-N" for
// the N-th logged dict, with the step, losses and learning rate in the message.
func (t Tracker) EventsSince(_ context.Context, _ string, afterID string) ([]train.Event, error) {
	entries := t.logEntries()
	from := 0
	if n, ok := strings.CutPrefix(afterID, "log-"); ok {
		i, _ := strconv.Atoi(n)
		from = i
	}
	var evs []train.Event
	for i := from; i < len(entries); i++ {
		e := entries[i]
		msg := "step " + strconv.Itoa(e.step)
		if e.total > 0 {
			msg += "/" + strconv.Itoa(e.total)
		}
		for _, k := range []string{"loss", "eval_loss", "learning_rate", "mean_token_accuracy", "eval_mean_token_accuracy", "epoch"} {
			if v, ok := e.values[k]; ok {
				msg += fmt.Sprintf(" %s %.4g", k, v)
			}
		}
		data, _ := json.Marshal(map[string]any{"step": e.step, "total_steps": e.total, "values": e.values})
		evs = append(evs, train.Event{ID: fmt.Sprintf("log-%d", i+1), CreatedAt: time.Now().UTC(), Level: "info", Type: "metrics", Message: msg, Data: data})
	}
	return evs, nil
}

// trainerState is the part of transformers' TrainerState (trainer_state.json) the tracker reads.
type trainerState struct {
	GlobalStep int                  `json:"global_step"`
	MaxSteps   int                  `json:"max_steps"`
	LogHistory []map[string]float64 `json:"log_history"`
}

// checkpointDirs lists OutputDir/checkpoint-N by N.
func (t Tracker) checkpointDirs() []int {
	entries, _ := os.ReadDir(t.Adapter())
	var steps []int
	for _, e := range entries {
		if n, ok := strings.CutPrefix(e.Name(), "checkpoint-"); ok && e.IsDir() {
			if s, err := strconv.Atoi(n); err == nil {
				steps = append(steps, s)
			}
		}
	}
	slices.Sort(steps)
	return steps
}

func readTrainerState(path string) (trainerState, error) {
	var st trainerState
	data, err := os.ReadFile(path)
	if err != nil {
		return st, err
	}
	// log_history values are numbers; a string or null (rare) is dropped by decoding into a
	// map of float64 per entry.
	var raw struct {
		GlobalStep int              `json:"global_step"`
		MaxSteps   int              `json:"max_steps"`
		LogHistory []map[string]any `json:"log_history"`
	}
	if err := json.Unmarshal(bytes.ReplaceAll(data, []byte("NaN"), []byte("null")), &raw); err != nil {
		return st, fmt.Errorf("%s: %w", path, err)
	}
	st.GlobalStep, st.MaxSteps = raw.GlobalStep, raw.MaxSteps
	for _, h := range raw.LogHistory {
		m := map[string]float64{}
		for k, v := range h {
			if f, ok := v.(float64); ok {
				m[k] = f
			}
		}
		st.LogHistory = append(st.LogHistory, m)
	}
	return st, nil
}

// History is the run's per-step metrics from the newest trainer_state.json (the final one in
// OutputDir when the engine wrote it, else the last checkpoint's), by step; unmeasured NaN.
func (t Tracker) History() ([]train.Metrics, error) {
	path := filepath.Join(t.Adapter(), "trainer_state.json")
	if _, err := os.Stat(path); err != nil {
		steps := t.checkpointDirs()
		if len(steps) == 0 {
			return nil, nil
		}
		path = filepath.Join(t.Adapter(), fmt.Sprintf("checkpoint-%d", steps[len(steps)-1]), "trainer_state.json")
	}
	st, err := readTrainerState(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	byStep := map[int]*train.Metrics{}
	var order []int
	for _, h := range st.LogHistory {
		s, ok := h["step"]
		if !ok {
			continue
		}
		m := byStep[int(s)]
		if m == nil {
			nan := math.NaN()
			m = &train.Metrics{Step: s, TrainLoss: nan, TrainMeanTokenAccuracy: nan, ValidLoss: nan, ValidMeanTokenAccuracy: nan,
				FullValidLoss: nan, FullValidMeanTokenAccuracy: nan}
			byStep[int(s)] = m
			order = append(order, int(s))
		}
		set := func(dst *float64, key string) {
			if v, ok := h[key]; ok {
				*dst = v
			}
		}
		set(&m.TrainLoss, "loss")
		set(&m.TrainMeanTokenAccuracy, "mean_token_accuracy")
		set(&m.ValidLoss, "eval_loss")
		set(&m.ValidMeanTokenAccuracy, "eval_mean_token_accuracy")
	}
	slices.Sort(order)
	out := make([]train.Metrics, 0, len(order))
	for _, s := range order {
		out = append(out, *byStep[s])
	}
	return out, nil
}

// Checkpoints lists OutputDir/checkpoint-N with the metrics logged at step N.
func (t Tracker) Checkpoints() ([]train.Checkpoint, error) {
	hist, err := t.History()
	if err != nil {
		return nil, err
	}
	var out []train.Checkpoint
	for _, s := range t.checkpointDirs() {
		dir := filepath.Join(t.Adapter(), fmt.Sprintf("checkpoint-%d", s))
		c := train.Checkpoint{ID: fmt.Sprintf("checkpoint-%d", s), Model: dir, Step: int64(s)}
		if fi, err := os.Stat(dir); err == nil {
			c.CreatedAt = fi.ModTime().UTC()
		}
		for _, h := range hist {
			if int(h.Step) == s {
				c.Metrics = h
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// ResultsCSV renders rows in results.csv's columns, the same as local runs
// (local.ResultsHeader) and managed ones: empty cells for what was not measured.
func ResultsCSV(rows []train.Metrics) []byte {
	var b strings.Builder
	b.WriteString(local.ResultsHeader + "\n")
	cell := func(v float64) string {
		if math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'g', 8, 64)
	}
	for _, r := range rows {
		b.WriteString(strings.Join([]string{strconv.FormatFloat(r.Step, 'f', -1, 64), cell(r.TrainLoss), cell(r.TrainMeanTokenAccuracy),
			cell(r.ValidLoss), cell(r.ValidMeanTokenAccuracy)}, ",") + "\n")
	}
	return []byte(b.String())
}

// WriteResults writes ResultsCSV(rows) to path atomically.
func WriteResults(path string, rows []train.Metrics) error { return writeFile(path, ResultsCSV(rows)) }
