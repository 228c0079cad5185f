package dataset

import (
	"encoding/json"
	"io"
	"slices"
)

// ManifestVersion is the version of the manifest.json layout.
const ManifestVersion = 1

// Manifest describes a written dataset: what is in it, how it was made, and the hash of
// every file, so a training run can name exactly the data it used.
type Manifest struct {
	// Version is ManifestVersion.
	Version int `json:"version"`
	// Generator is the tool and version that produced the records (filled by the caller).
	Generator string `json:"generator,omitempty"`
	// Seed is the seed of the generation and split.
	Seed uint64 `json:"seed"`
	// DB names the database the SQL runs on.
	DB string `json:"db,omitempty"`
	// Total is the number of records over all splits.
	Total int `json:"total"`
	// Splits summarises each split, in split order.
	Splits []SplitStats `json:"splits"`
	// Dedupe and Balance report the preprocessing, when it ran.
	Dedupe  *DedupeReport  `json:"dedupe,omitempty"`
	Balance *BalanceReport `json:"balance,omitempty"`
	// Files maps each written file (relative to the output directory, slash-separated) to
	// its hex sha256.
	Files map[string]string `json:"files"`
	// TokenEncoding is the tokenizer used for token counts (o200k_base).
	TokenEncoding string `json:"token_encoding,omitempty"`
	// Cost estimates fine-tuning on the train split's tokens.
	Cost *CostEstimate `json:"cost,omitempty"`
	// Diversity measures the variety of all the questions (distinct word 3-grams per question).
	Diversity *Diversity `json:"diversity,omitempty"`
}

// SplitStats counts one split's records.
type SplitStats struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
	// Groups is the number of distinct groups (underlying queries).
	Groups     int            `json:"groups"`
	ByHardness map[string]int `json:"by_hardness"`
	ByShape    map[string]int `json:"by_shape"`
	// ByCell counts "hardness/shape" pairs.
	ByCell   map[string]int `json:"by_cell"`
	BySource map[string]int `json:"by_source,omitempty"`
	// Tokens is the OpenAI chat rendering's billed tokens, without and with reasoning.
	Tokens          int `json:"tokens,omitempty"`
	ReasoningTokens int `json:"reasoning_tokens,omitempty"`
}

// Stats counts a split's records by hardness, shape, cell and source.
func Stats(name string, recs []Record) SplitStats {
	s := SplitStats{Name: name, Count: len(recs), ByHardness: map[string]int{}, ByShape: map[string]int{},
		ByCell: map[string]int{}, BySource: map[string]int{}}
	groups := map[string]bool{}
	for i := range recs {
		r := &recs[i]
		h, sh := orUnknown(r.Hardness), orUnknown(r.Shape)
		s.ByHardness[h]++
		s.ByShape[sh]++
		s.ByCell[h+"/"+sh]++
		s.BySource[orUnknown(r.Source)]++
		groups[GroupKey(r)] = true
	}
	s.Groups = len(groups)
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// NewManifest summarises parts; token counts are filled when tc is not nil, and the cost
// estimate when costModel is a priced model. The estimate prices the first split as it is
// uploaded, the OpenAI chat export without reasoning (openai/train.jsonl, what finetune
// check prices too), for epochs epochs (<= 0: AutoEpochs of the split's size).
func NewManifest(parts []Part, tc *TokenCounter, opts ExportOptions, costModel string, epochs int) (*Manifest, error) {
	m := &Manifest{Version: ManifestVersion, Files: map[string]string{}}
	var all []Record
	for _, p := range parts {
		all = append(all, p.Records...)
	}
	d := MeasureDiversity(all)
	m.Diversity = &d
	for _, p := range parts {
		s := Stats(p.Name, p.Records)
		if tc != nil {
			s.Tokens = tc.Records(p.Records, false, opts)
			if hasReasoning(p.Records) {
				s.ReasoningTokens = tc.Records(p.Records, true, opts)
			}
		}
		m.Total += s.Count
		m.Splits = append(m.Splits, s)
	}
	if tc != nil {
		m.TokenEncoding = TokenEncoding
		if costModel != "" && len(m.Splits) > 0 {
			c, err := m.Splits[0].Cost(costModel, epochs, false)
			if err != nil {
				return nil, err
			}
			m.Cost = &c
		}
	}
	return m, nil
}

// Cost prices training on s as uploaded: its OpenAI chat export, with reasoning when
// reasoning is true (the openai_reasoning export), for epochs epochs (<= 0: AutoEpochs of
// its size) on model.
func (s SplitStats) Cost(model string, epochs int, reasoning bool) (CostEstimate, error) {
	if epochs <= 0 {
		epochs = AutoEpochs(s.Count)
	}
	tok := s.Tokens
	if reasoning && s.ReasoningTokens > 0 {
		tok = s.ReasoningTokens
	}
	return EstimateCost(model, tok, epochs)
}

func hasReasoning(recs []Record) bool {
	return slices.ContainsFunc(recs, func(r Record) bool { return r.Reasoning != "" })
}

// WriteJSON writes m as indented JSON.
func (m *Manifest) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(m)
}
