// Package ranking fine-tunes several base models with one recipe and ranks them by one
// evaluation: the seed's flow of trying Gemma, Mistral and Llama bases on the same data and
// keeping the best (`sqlforge train --base A --base B ...`).
//
// Each base is trained by the caller's Trainer (the recipe: data, steps, LoRA settings are
// fixed there), then its fine-tuned model answers the evaluation items through
// internal/eval; the per-base reports are merged into one eval.Report (one model row per
// base, best first) written by internal/report, beside a ranking table that adds training
// speed and peak memory.
package ranking

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/sqlforge/sqlforge/internal/eval"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
)

// Trained is what a Trainer reports about one fine-tuning run.
type Trained struct {
	// Model is the fine-tuned model's reference: local:DIR or local:BASE+ADAPTER.
	Model string
	// Steps, FinalLoss and BestValidLoss (NaN without validation data) describe the run.
	Steps         int
	FinalLoss     float64
	BestValidLoss float64
	// TokensPerSecond is the training throughput.
	TokensPerSecond float64
}

// Trainer fine-tunes base with the caller's recipe, writing its run into runDir.
type Trainer func(ctx context.Context, base, runDir string) (Trained, error)

// Config is one ranking run.
type Config struct {
	// Bases are the base models (directories, GGUF files or embedded names), at least two.
	Bases []string
	// Out receives one run directory per base (runs/NN-NAME), report/ and ranking.{json,md}.
	Out string
	// Train fine-tunes one base.
	Train Trainer
	// Items are the evaluation items every fine-tuned model answers.
	Items []eval.Item
	// DB is the items' default database (eval.NewDatabases).
	DB string
	// Eval are the evaluation options (workers, query limits, comparison mode).
	Eval eval.Options
	// Resolve maps embedded model names to directories (models.Resolve); may be nil.
	Resolve localmodel.Resolver
	// Progress, when set, is told what starts ("training BASE", "evaluating BASE").
	Progress func(stage string)
	// MaxTokens bounds each answer (384 when 0).
	MaxTokens int
}

// Row is one base's line of the ranking.
type Row struct {
	Rank  int    `json:"rank"`
	Base  string `json:"base"`
	Model string `json:"model"`
	// RunDir is the base's training run directory.
	RunDir string `json:"run_dir"`
	// EX, EM, Valid and Sim are the evaluation's rates (fractions) over the items.
	EX    float64 `json:"ex"`
	EM    float64 `json:"em"`
	Valid float64 `json:"valid"`
	Sim   float64 `json:"sim"`
	// TrainTokensPerSecond is the fine-tuning throughput; AnswerTokensPerSecond the
	// generated tokens per second of answering (prompt processing included).
	TrainTokensPerSecond  float64 `json:"train_tokens_per_second"`
	AnswerTokensPerSecond float64 `json:"answer_tokens_per_second"`
	// PeakMemoryBytes is the process's peak resident memory while this base was trained
	// and evaluated (PeakMemorySource says how it was measured).
	PeakMemoryBytes  uint64   `json:"peak_memory_bytes"`
	PeakMemorySource string   `json:"peak_memory_source"`
	Steps            int      `json:"steps"`
	FinalLoss        float64  `json:"final_train_loss"`
	BestValidLoss    *float64 `json:"best_valid_loss,omitempty"`
	Seconds          float64  `json:"seconds"`
}

// Ranking is the result of Run: rows best first and the merged evaluation report.
type Ranking struct {
	Rows   []Row        `json:"rows"`
	Items  int          `json:"items"`
	Report *eval.Report `json:"-"`
	// ReportDir holds report.{json,md,html} with one model per base, best first.
	ReportDir string `json:"report_dir"`
}

// Run trains every base, evaluates each fine-tuned model on the items, ranks them (EX,
// then similarity, then validity, then training speed) and writes the reports into Out.
func Run(ctx context.Context, cfg Config) (*Ranking, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	dbs := eval.NewDatabases(cfg.DB)
	defer dbs.Close()
	var rows []Row
	var reps []*eval.Report
	for i, base := range cfg.Bases {
		row, rep, err := cfg.runBase(ctx, dbs, i, base)
		if err != nil {
			return nil, fmt.Errorf("rank bases: %s: %w", base, err)
		}
		rows, reps = append(rows, row), append(reps, rep)
	}
	order := rankOrder(rows)
	r := &Ranking{Items: len(cfg.Items), ReportDir: filepath.Join(cfg.Out, "report")}
	for k, i := range order {
		rows[i].Rank = k + 1
		r.Rows = append(r.Rows, rows[i])
		if r.Report == nil {
			cp := *reps[i]
			cp.Models = nil
			r.Report = &cp
		}
		r.Report.Models = append(r.Report.Models, reps[i].Models...)
	}
	if err := r.write(cfg.Out); err != nil {
		return nil, fmt.Errorf("rank bases: %w", err)
	}
	return r, nil
}

func (cfg *Config) validate() error {
	switch {
	case len(cfg.Bases) < 2:
		return errors.New("rank bases: give at least two bases")
	case cfg.Out == "":
		return errors.New("rank bases: no output directory")
	case cfg.Train == nil:
		return errors.New("rank bases: no trainer")
	case len(cfg.Items) == 0:
		return errors.New("rank bases: no evaluation items")
	}
	seen := map[string]bool{}
	for _, b := range cfg.Bases {
		if seen[b] {
			return fmt.Errorf("rank bases: base %q given twice", b)
		}
		seen[b] = true
	}
	return nil
}

// runBase trains and evaluates one base, measuring the peak memory of both.
func (cfg *Config) runBase(ctx context.Context, dbs *eval.Databases, i int, base string) (Row, *eval.Report, error) {
	start := time.Now()
	peak := startPeak()
	runDir := filepath.Join(cfg.Out, "runs", runName(i, base))
	cfg.progress("training " + base)
	tr, err := cfg.Train(ctx, base, runDir)
	if err != nil {
		peak.stop()
		return Row{}, nil, fmt.Errorf("train: %w", err)
	}
	cfg.progress("evaluating " + base)
	rep, err := cfg.evaluate(ctx, dbs, base, tr.Model)
	bytes, source := peak.stop()
	if err != nil {
		return Row{}, nil, err
	}
	s := rep.Models[0].Summary
	row := Row{Base: base, Model: tr.Model, RunDir: runDir, EX: s.EX, EM: s.EM, Valid: s.Valid, Sim: s.Sim,
		TrainTokensPerSecond: tr.TokensPerSecond, PeakMemoryBytes: bytes, PeakMemorySource: source,
		Steps: tr.Steps, FinalLoss: tr.FinalLoss, Seconds: time.Since(start).Seconds()}
	if answering := s.LatencyMS.Mean * float64(s.Items) / 1000; answering > 0 {
		row.AnswerTokensPerSecond = float64(s.CompletionTokens) / answering
	}
	if !math.IsNaN(tr.BestValidLoss) {
		v := tr.BestValidLoss
		row.BestValidLoss = &v
	}
	return row, rep, nil
}

// evaluate opens the fine-tuned model and runs the evaluation on it alone.
func (cfg *Config) evaluate(ctx context.Context, dbs *eval.Databases, base, ref string) (*eval.Report, error) {
	r, err := model.ParseRef(ref)
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	if r.Scheme != model.SchemeLocal {
		return nil, fmt.Errorf("evaluate: %s is not a local model", ref)
	}
	m, err := localmodel.Load(r.Name, r.Adapter, cfg.Resolve)
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	p := Predictor{Backend: localmodel.NewBackend(m, base+" (fine-tuned)"), MaxTokens: cfg.MaxTokens}
	rep, err := eval.Run(ctx, cfg.Items, []eval.Predictor{p}, dbs, cfg.Eval)
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: %w", ref, err)
	}
	return rep, nil
}

func (cfg *Config) progress(stage string) {
	if cfg.Progress != nil {
		cfg.Progress(stage)
	}
}

// rankOrder returns the row indexes best first: EX, then similarity, then validity, then
// training speed, then the order the bases were given.
func rankOrder(rows []Row) []int {
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := rows[order[a]], rows[order[b]]
		switch {
		case x.EX != y.EX:
			return x.EX > y.EX
		case x.Sim != y.Sim:
			return x.Sim > y.Sim
		case x.Valid != y.Valid:
			return x.Valid > y.Valid
		default:
			return x.TrainTokensPerSecond > y.TrainTokensPerSecond
		}
	})
	return order
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// runName is the run directory of the i-th base: its position and the last part of its name.
func runName(i int, base string) string {
	name := unsafeName.ReplaceAllString(filepath.Base(filepath.Clean(base)), "_")
	if name == "" || name == "." || name == "_" {
		name = "base"
	}
	return fmt.Sprintf("%02d-%s", i+1, name)
}
