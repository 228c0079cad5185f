// Package ftcheck checks a fine-tuning JSONL file against OpenAI's published chat format rules
// before anything is uploaded, and estimates its token count, cost and duration. It reports
// every problem as file:line: rule: message so a bad file is found in a second, not after a
// queued job fails. Chat (supervised) and preference (DPO) files are recognised.
package ftcheck

import "github.com/sqlforge/sqlforge/internal/dataset"

// ModelLimit is what ftcheck knows about a fine-tunable base model.
type ModelLimit struct {
	// ExampleTokens is the largest training example, in tokens. OpenAI's fine-tuning guide
	// ("Token limits"): 65,536 for gpt-4o-mini-2024-07-18 and gpt-4o-2024-08-06 (and the
	// gpt-4.1 snapshots), 16,385 for gpt-3.5-turbo-0125. Longer examples are truncated by the
	// service, which cuts off the assistant's answer, so ftcheck rejects them.
	ExampleTokens int
	// Encoding is the tiktoken encoding of the model.
	Encoding string
}

// PricesAsOf is the date the training prices were read; the price table itself is
// internal/dataset's TrainingPricePerMTok, the one place prices live.
const PricesAsOf = dataset.PricesAsOf

// Models lists the base models ftcheck knows. Azure deployment names of the same snapshots
// (gpt-35-turbo-0125, gpt-4o-mini-2024-07-18) map to the same limits.
var Models = map[string]ModelLimit{
	"gpt-4o-mini-2024-07-18":  {65536, "o200k_base"},
	"gpt-4o-2024-08-06":       {65536, "o200k_base"},
	"gpt-4.1-nano-2025-04-14": {65536, "o200k_base"},
	"gpt-4.1-mini-2025-04-14": {65536, "o200k_base"},
	"gpt-4.1-2025-04-14":      {65536, "o200k_base"},
	"gpt-3.5-turbo-0125":      {16385, "cl100k_base"},
	"gpt-35-turbo-0125":       {16385, "cl100k_base"},
}

// MinExamples is the smallest training file OpenAI accepts.
const MinExamples = 10

// DefaultEpochs is internal/dataset's AutoEpochs, OpenAI's "auto" n_epochs rule, the one
// data stats uses too.
func DefaultEpochs(n int) int { return dataset.AutoEpochs(n) }

// TrainingTokensPerSecond is the throughput assumed for the duration estimate. OpenAI does
// not publish one; this is a deliberately rough figure, and the estimate says so.
const TrainingTokensPerSecond = 2000

// QueueOverheadSeconds is the fixed time assumed for validation, queueing and model export.
const QueueOverheadSeconds = 15 * 60
