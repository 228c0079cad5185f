package ftcheck

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sqlforge/sqlforge/internal/dataset"
)

// Severity tells errors (the upload would fail or train wrongly) from warnings.
type Severity string

// Severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Issue is one problem at a line (0: the whole file).
type Issue struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

func (i Issue) String() string {
	if i.Line == 0 {
		return fmt.Sprintf("%s: %s: %s: %s", i.File, i.Severity, i.Rule, i.Message)
	}
	return fmt.Sprintf("%s:%d: %s: %s: %s", i.File, i.Line, i.Severity, i.Rule, i.Message)
}

// Kind is the kind of training file.
type Kind string

// File kinds.
const (
	KindChat Kind = "supervised"
	KindDPO  Kind = "dpo"
)

// Options configure a check.
type Options struct {
	// Model is the base model (sets the token limit, encoding and price).
	Model string
	// Epochs for the estimate; 0 uses DefaultEpochs.
	Epochs int
	// Validation marks a validation file (no minimum number of examples).
	Validation bool
}

// Report is the result of checking one file.
type Report struct {
	File     string  `json:"file"`
	Kind     Kind    `json:"kind"`
	Model    string  `json:"model"`
	Examples int     `json:"examples"`
	Issues   []Issue `json:"issues"`
	// Tokens is the sum over examples; MaxTokens the longest example.
	Tokens    int `json:"tokens"`
	MaxTokens int `json:"max_tokens"`
	// BilledTokens is min(tokens, limit) summed over examples: what one epoch costs.
	BilledTokens int     `json:"billed_tokens_per_epoch"`
	Epochs       int     `json:"epochs"`
	CostUSD      float64 `json:"estimated_cost_usd"`
	PricesAsOf   string  `json:"prices_as_of,omitempty"`
	// Duration is a rough estimate (see TrainingTokensPerSecond).
	Duration time.Duration `json:"estimated_duration_ns"`
}

// Errors counts the issues of severity error.
func (r *Report) Errors() int {
	n := 0
	for _, i := range r.Issues {
		if i.Severity == Error {
			n++
		}
	}
	return n
}

// CheckFile checks the file at path.
func CheckFile(path string, o Options) (*Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", path, err)
	}
	defer f.Close()
	return Check(f, path, o)
}

// Check reads a JSONL training file from r; name is used in issues.
func Check(r io.Reader, name string, o Options) (*Report, error) {
	lim, known := Models[o.Model]
	rep := &Report{File: name, Model: o.Model, Kind: KindChat}
	if !known {
		rep.add(0, "unknown_model", Warning, fmt.Sprintf("no token limit or price known for base model %q; limits not checked", o.Model))
		lim = ModelLimit{Encoding: "o200k_base"}
	}
	tok, err := newCounter(lim.Encoding)
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", name, err)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	seen := map[string]int{}
	for ln := 1; sc.Scan(); ln++ {
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			rep.add(ln, "empty_line", Warning, "blank line (skipped)")
			continue
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			rep.add(ln, "invalid_json", Error, "not a JSON object: "+err.Error())
			continue
		}
		rep.Examples++
		if rep.Examples == 1 {
			if _, ok := obj["preferred_output"]; ok {
				rep.Kind = KindDPO
			}
		}
		var n int
		if rep.Kind == KindDPO {
			n = checkDPO(rep, ln, obj, tok)
		} else {
			n = checkChat(rep, ln, obj, tok)
		}
		canon, _ := json.Marshal(obj) // map keys sorted: formatting differences do not hide duplicates
		if first, dup := seen[string(canon)]; dup {
			rep.add(ln, "duplicate_example", Warning, fmt.Sprintf("same example as line %d", first))
		} else {
			seen[string(canon)] = ln
		}
		rep.Tokens += n
		rep.MaxTokens = max(rep.MaxTokens, n)
		if known && n > lim.ExampleTokens {
			rep.add(ln, "example_too_long", Error, fmt.Sprintf("%d tokens, over the %d-token example limit of %s (the service would truncate the answer)", n, lim.ExampleTokens, o.Model))
			n = lim.ExampleTokens
		}
		rep.BilledTokens += n
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("check %s: %w", name, err)
	}
	if !o.Validation && rep.Examples < MinExamples {
		rep.add(0, "too_few_examples", Error, fmt.Sprintf("%d examples, at least %d are required", rep.Examples, MinExamples))
	}
	rep.Epochs = o.Epochs
	if rep.Epochs <= 0 {
		rep.Epochs = DefaultEpochs(rep.Examples)
	}
	if known {
		trained := rep.BilledTokens * rep.Epochs
		if c, err := dataset.EstimateCost(rep.Model, rep.BilledTokens, rep.Epochs); err == nil {
			rep.CostUSD, rep.PricesAsOf = c.USD, c.PricesAsOf
		}
		rep.Duration = time.Duration(QueueOverheadSeconds+trained/TrainingTokensPerSecond) * time.Second
	}
	return rep, nil
}

func (r *Report) add(line int, rule string, sev Severity, msg string) {
	r.Issues = append(r.Issues, Issue{File: r.File, Line: line, Rule: rule, Severity: sev, Message: msg})
}
