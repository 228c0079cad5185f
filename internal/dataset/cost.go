package dataset

import (
	"fmt"
	"slices"
	"strings"
)

// PricesAsOf is the date the fine-tuning prices below were read from OpenAI's pricing page
// (https://openai.com/api/pricing/, "Fine-tuning" table, training price per 1M tokens).
const PricesAsOf = "2025-08-01"

// TrainingPricePerMTok is OpenAI's supervised fine-tuning training price in US dollars
// per million training tokens, by base model snapshot, as of PricesAsOf.
var TrainingPricePerMTok = map[string]float64{
	"gpt-4o-mini-2024-07-18":  3.00,
	"gpt-4o-2024-08-06":       25.00,
	"gpt-4.1-nano-2025-04-14": 1.50,
	"gpt-4.1-mini-2025-04-14": 5.00,
	"gpt-4.1-2025-04-14":      25.00,
	"gpt-3.5-turbo-0125":      8.00,
}

// DefaultCostModel is the model the cost estimate uses unless told otherwise.
const DefaultCostModel = "gpt-4o-mini-2024-07-18"

// DefaultEpochs is OpenAI's usual epoch count (its auto rule, AutoEpochs, picks 3 for a few
// hundred to a few thousand examples).
const DefaultEpochs = 3

// AutoEpochs mirrors the "auto" n_epochs rule of OpenAI's data-preparation cookbook: 3
// epochs, raised so that small files see at least 100 examples in total and lowered so that
// large ones see at most 25,000, within 1..25. Every estimate that is not told an epoch
// count uses it, so that data stats and finetune check agree.
func AutoEpochs(n int) int {
	const target, minEx, maxEx, minE, maxE = DefaultEpochs, 100, 25000, 1, 25
	switch {
	case n <= 0:
		return target
	case n*target < minEx:
		return min(maxE, minEx/n)
	case n*target > maxEx:
		return max(minE, maxEx/n)
	}
	return target
}

// PriceOf returns the training price per million tokens of model, mapping Azure's
// deployment spelling of a snapshot (gpt-35-turbo-0125) to OpenAI's.
func PriceOf(model string) (float64, bool) {
	if p, ok := TrainingPricePerMTok[model]; ok {
		return p, true
	}
	p, ok := TrainingPricePerMTok[strings.Replace(model, "gpt-35-", "gpt-3.5-", 1)]
	return p, ok
}

// CostEstimate is an estimated fine-tuning bill.
type CostEstimate struct {
	Model          string  `json:"model"`
	TrainingTokens int     `json:"training_tokens"`
	Epochs         int     `json:"epochs"`
	PricePerMTok   float64 `json:"usd_per_1m_tokens"`
	USD            float64 `json:"usd"`
	PricesAsOf     string  `json:"prices_as_of"`
}

// EstimateCost prices training on tokens (one epoch's worth) for epochs epochs on model
// (epochs <= 0: DefaultEpochs). It is the one pricing formula of data stats, gen's manifest
// and finetune check.
func EstimateCost(model string, tokens, epochs int) (CostEstimate, error) {
	p, ok := PriceOf(model)
	if !ok {
		return CostEstimate{}, fmt.Errorf("no fine-tuning price for model %q (known: %v)", model, PricedModels())
	}
	if epochs <= 0 {
		epochs = DefaultEpochs
	}
	return CostEstimate{
		Model: model, TrainingTokens: tokens, Epochs: epochs, PricePerMTok: p,
		USD: float64(tokens) * float64(epochs) * p / 1e6, PricesAsOf: PricesAsOf,
	}, nil
}

// PricedModels lists the models with a known price, sorted.
func PricedModels() []string {
	out := make([]string, 0, len(TrainingPricePerMTok))
	for m := range TrainingPricePerMTok {
		out = append(out, m)
	}
	slices.Sort(out)
	return out
}
