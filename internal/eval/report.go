package eval

import (
	"encoding/hex"
	"fmt"
	"math"

	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// ReportVersion is the version of the report.json layout.
const ReportVersion = 1

// Item statuses.
const (
	StatusCorrect       = "correct"        // EX holds
	StatusWrong         = "wrong"          // EX fails (see ErrorClass)
	StatusBrokenGold    = "broken_gold"    // the gold query fails: says nothing about the model
	StatusNoPrediction  = "no_prediction"  // the model gave no answer
	StatusNotApplicable = "not_applicable" // no database to execute on (sql-create-context)
)

// Error classes beyond sqlexec's and match's.
const (
	ClassGeneration = "generation" // the model call failed
	ClassEmpty      = "empty"      // the model answered without SQL
)

// Per-metric verdicts.
const (
	Pass = "pass"
	Fail = "fail"
	NA   = "n/a"
)

// Report is the outcome of a run: settings and, per model, items and summaries.
type Report struct {
	Version      int    `json:"version"`
	Data         string `json:"data"`
	DB           string `json:"db,omitempty"`
	Mode         string `json:"mode"`
	KeepDistinct bool   `json:"keep_distinct"`
	// WithValues: Spider's exact-set match compared condition values.
	WithValues bool    `json:"with_values,omitempty"`
	Tolerance  float64 `json:"tolerance"`
	// VESRepeat is how many times each correct prediction and its gold were
	// timed for R-VES; 0 when R-VES was not measured.
	VESRepeat int    `json:"ves_repeat"`
	Judge     string `json:"judge,omitempty"`
	// Similarity names how metrics.sim was computed: "" for the local
	// token vector, "embeddings:REF" for an embedding model's cosine.
	Similarity string        `json:"similarity,omitempty"`
	Items      int           `json:"items"`
	Models     []ModelReport `json:"models"`
}

// ModelReport is one model's results.
type ModelReport struct {
	Model      string            `json:"model"`
	Summary    Summary           `json:"summary"`
	ByHardness []HardnessSummary `json:"by_hardness"`
	// ByDifficulty summarises BIRD's difficulty classes, when items have one.
	ByDifficulty []DifficultySummary `json:"by_difficulty,omitempty"`
	// Calibration bins the items' confidence against EX; nil (absent) for a
	// model whose answers carry no confidence.
	Calibration *Calibration `json:"calibration,omitempty"`
	Items       []ItemResult `json:"items"`
	Timing      Timing       `json:"-"`
}

// Timing is what the run spent on one model's queries (kept out of
// report.json so reports are reproducible; bench reads it).
type Timing struct {
	// GoldSeconds and PredSeconds sum the executor's time for the gold and
	// predicted queries (first run, not VES repeats).
	GoldSeconds, PredSeconds float64
}

// HardnessSummary is a summary restricted to one Spider hardness class.
type HardnessSummary struct {
	Hardness string  `json:"hardness"`
	Summary  Summary `json:"summary"`
}

// DifficultySummary is a summary restricted to one BIRD difficulty class.
type DifficultySummary struct {
	Difficulty string  `json:"difficulty"`
	Summary    Summary `json:"summary"`
}

// Summary aggregates items. Rates are fractions in [0, 1] over the items
// where the metric applies (EX, F1, VES over items with a working gold;
// ESM over items whose gold can be taken apart).
type Summary struct {
	Items      int     `json:"items"`
	Scored     int     `json:"scored"`
	BrokenGold int     `json:"broken_gold"`
	EX         float64 `json:"ex"`
	Subset     float64 `json:"subset"`
	EM         float64 `json:"em"`
	ESM        float64 `json:"esm"`
	Valid      float64 `json:"valid"`
	F1         float64 `json:"f1"`
	// RVES is BIRD's R-VES: the mean reward (0 to 1.25) times 100, over the
	// VESItems items where it was measured (0 and 0 when it was not: reports
	// show n/a).
	RVES     float64 `json:"rves"`
	VESItems int     `json:"ves_items,omitempty"`
	Sim      float64 `json:"sim"`
	// JudgeCalls counts items the judge saw (deterministic mismatches);
	// JudgeEquivalent those it called equivalent; EXWithJudge is EX
	// counting those too.
	JudgeCalls       int            `json:"judge_calls,omitempty"`
	JudgeEquivalent  int            `json:"judge_equivalent,omitempty"`
	EXWithJudge      float64        `json:"ex_with_judge,omitempty"`
	Errors           map[string]int `json:"errors"`
	LatencyMS        Latency        `json:"latency_ms"`
	PromptTokens     int            `json:"prompt_tokens"`
	CompletionTokens int            `json:"completion_tokens"`
}

// Latency summarises model latencies in milliseconds.
type Latency struct {
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	Max  float64 `json:"max"`
}

// Metrics are one item's scores. Pointers are nil where the metric does not
// apply (no database, broken gold, unparsable gold).
type Metrics struct {
	EX     *bool    `json:"ex"`
	Subset *bool    `json:"subset,omitempty"`
	EM     bool     `json:"em"`
	ESM    *bool    `json:"esm"`
	Valid  bool     `json:"valid"`
	F1     *float64 `json:"f1"`
	VES    *float64 `json:"ves"`
	Sim    float64  `json:"sim"`
	Judge  *bool    `json:"judge,omitempty"`
}

// ItemResult is one model's result on one item.
type ItemResult struct {
	Index      int               `json:"index"`
	ID         string            `json:"id,omitempty"`
	DB         string            `json:"db,omitempty"`
	Question   string            `json:"question"`
	Gold       string            `json:"gold"`
	Prediction string            `json:"prediction"`
	Raw        string            `json:"raw,omitempty"`
	Hardness   string            `json:"hardness,omitempty"`
	Difficulty string            `json:"difficulty,omitempty"`
	Status     string            `json:"status"`
	Metrics    Metrics           `json:"metrics"`
	Verdicts   map[string]string `json:"verdicts"`
	Reason     string            `json:"reason,omitempty"`
	ErrorClass string            `json:"error_class,omitempty"`
	PredError  string            `json:"pred_error,omitempty"`
	GoldError  string            `json:"gold_error,omitempty"`
	GoldResult *ResultExcerpt    `json:"gold_result,omitempty"`
	PredResult *ResultExcerpt    `json:"pred_result,omitempty"`
	// JudgeRationale is the judge's explanation, when it was asked.
	JudgeRationale string `json:"judge_rationale,omitempty"`
	JudgeError     string `json:"judge_error,omitempty"`
	// Confidence is the answer's confidence in [0, 1], computed like the
	// server's (confidence.Signals.Value); nil when the predictor is not a model.
	Confidence *float64 `json:"confidence,omitempty"`
	// LatencyMS is the model's latency (0 for gold and files).
	LatencyMS        float64 `json:"latency_ms"`
	Cached           bool    `json:"cached,omitempty"`
	PromptTokens     int     `json:"prompt_tokens,omitempty"`
	CompletionTokens int     `json:"completion_tokens,omitempty"`
}

// ResultExcerpt is a result capped to a few rows, for reading.
type ResultExcerpt struct {
	Columns   []string `json:"columns"`
	Rows      [][]any  `json:"rows"`
	TotalRows int      `json:"total_rows"`
	Truncated bool     `json:"truncated,omitempty"`
}

// excerptResult keeps the first max rows of r as JSON-friendly values (blobs
// as x'hex').
func excerptResult(r *sqlexec.Result, max int) *ResultExcerpt {
	if r == nil {
		return nil
	}
	ex := &ResultExcerpt{Columns: r.Columns, Rows: [][]any{}, TotalRows: len(r.Rows), Truncated: r.Truncated}
	if ex.Columns == nil {
		ex.Columns = []string{}
	}
	for i, row := range r.Rows {
		if i >= max {
			ex.Truncated = true
			break
		}
		out := make([]any, len(row))
		for j, v := range row {
			switch v.Kind {
			case sqlexec.Int:
				out[j] = v.Int
			case sqlexec.Real:
				if math.IsNaN(v.Real) || math.IsInf(v.Real, 0) {
					out[j] = fmt.Sprint(v.Real) // JSON has no NaN or infinity
				} else {
					out[j] = v.Real
				}
			case sqlexec.Text:
				out[j] = v.Str
			case sqlexec.Blob:
				out[j] = "x'" + hex.EncodeToString([]byte(v.Str)) + "'"
			default:
				out[j] = nil
			}
		}
		ex.Rows = append(ex.Rows, out)
	}
	return ex
}
