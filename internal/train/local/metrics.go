package local

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Row is one step's metrics, as a row of results.csv. Validation fields are
// NaN on steps without a validation pass.
type Row struct {
	Step                   int
	TrainLoss              float64 // mean loss over the step's answer tokens
	TrainMeanTokenAccuracy float64 // fraction of answer tokens predicted exactly (argmax)
	ValidLoss              float64
	ValidMeanTokenAccuracy float64
}

// Progress is what an Observer sees after each step.
type Progress struct {
	Row                     // this step's metrics (Row.Step is the step, 1-based)
	TotalSteps      int     // the planned number of steps
	Epoch           float64 // epochs completed, fractional
	LearningRate    float64 // the rate this step used
	GradNorm        float64 // global gradient norm before clipping
	Tokens          int     // tokens (not padding) in this step
	TokensPerSecond float64 // this step's throughput
}

// Observer receives progress after every step (the CLI's progress bar). It
// runs on the training goroutine: it should return quickly.
type Observer func(Progress)

// ResultsHeader is results.csv's header: OpenAI's fine-tuning columns.
const ResultsHeader = "step,train_loss,train_mean_token_accuracy,valid_loss,valid_mean_token_accuracy"

// ResultsFile is the name of the metrics file in a run directory.
const ResultsFile = "results.csv"

// csvLine formats a row; NaN validation values are empty cells.
func (r Row) csvLine() string {
	cell := func(v float64) string {
		if math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'g', 8, 64)
	}
	return strings.Join([]string{strconv.Itoa(r.Step), cell(r.TrainLoss), cell(r.TrainMeanTokenAccuracy),
		cell(r.ValidLoss), cell(r.ValidMeanTokenAccuracy)}, ",") + "\n"
}

// resultsWriter appends rows to results.csv unbuffered, so a killed process
// keeps every finished step.
type resultsWriter struct {
	f *os.File
}

// openResults writes results.csv afresh with the header and the rows of
// history (through a temporary file, renamed), then opens it for appending.
// Resume uses it to drop rows written after the checkpoint.
func openResults(dir string, history []Row) (*resultsWriter, error) {
	var b strings.Builder
	b.WriteString(ResultsHeader + "\n")
	for _, r := range history {
		b.WriteString(r.csvLine())
	}
	path := filepath.Join(dir, ResultsFile)
	if err := writeFileAtomic(path, []byte(b.String())); err != nil {
		return nil, fmt.Errorf("writing %s: %w", ResultsFile, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", ResultsFile, err)
	}
	return &resultsWriter{f: f}, nil
}

func (w *resultsWriter) append(r Row) error {
	if w == nil {
		return nil
	}
	if _, err := w.f.WriteString(r.csvLine()); err != nil {
		return fmt.Errorf("appending to %s: %w", ResultsFile, err)
	}
	return nil
}

func (w *resultsWriter) close() error {
	if w == nil {
		return nil
	}
	return w.f.Close()
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it into place, so readers see the old file or the new one, never half.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp.Name(), 0o644) // not CreateTemp's 0600
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
	}
	return werr
}
