package tokenizer

import (
	"encoding/json"
	"fmt"
	"strings"
)

// fileSpec is the part of a Hugging Face tokenizer.json this package reads. The pipeline
// components stay raw so that Save can write back exactly what was loaded.
type fileSpec struct {
	Version       string          `json:"version"`
	Truncation    json.RawMessage `json:"truncation"`
	Padding       json.RawMessage `json:"padding"`
	AddedTokens   []AddedToken    `json:"added_tokens"`
	Normalizer    json.RawMessage `json:"normalizer"`
	PreTokenizer  json.RawMessage `json:"pre_tokenizer"`
	PostProcessor json.RawMessage `json:"post_processor"`
	Decoder       json.RawMessage `json:"decoder"`
	Model         modelSpec       `json:"model"`
}

// modelSpec is tokenizer.json's "model" object for type BPE.
type modelSpec struct {
	Type                    string          `json:"type"`
	Dropout                 *float64        `json:"dropout"`
	UnkToken                *string         `json:"unk_token"`
	ContinuingSubwordPrefix *string         `json:"continuing_subword_prefix"`
	EndOfWordSuffix         *string         `json:"end_of_word_suffix"`
	FuseUnk                 bool            `json:"fuse_unk"`
	ByteFallback            bool            `json:"byte_fallback"`
	IgnoreMerges            bool            `json:"ignore_merges"`
	Vocab                   map[string]int  `json:"vocab"`
	Merges                  json.RawMessage `json:"merges"`
}

// AddedToken is an entry of tokenizer.json's added_tokens: a token matched in the raw text
// before normalization and pre-tokenization, and never split.
type AddedToken struct {
	ID         int    `json:"id"`
	Content    string `json:"content"`
	SingleWord bool   `json:"single_word"`
	Lstrip     bool   `json:"lstrip"`
	Rstrip     bool   `json:"rstrip"`
	Normalized bool   `json:"normalized"`
	Special    bool   `json:"special"`
}

// component is any normalizer, pre-tokenizer, decoder or post-processor object; each reads
// the fields of its own type.
type component struct {
	Type string `json:"type"`

	Normalizers   []json.RawMessage `json:"normalizers"`
	Pretokenizers []json.RawMessage `json:"pretokenizers"`
	Decoders      []json.RawMessage `json:"decoders"`
	Processors    []json.RawMessage `json:"processors"`

	AddPrefixSpace   *bool        `json:"add_prefix_space"`
	UseRegex         *bool        `json:"use_regex"`
	Pattern          *patternSpec `json:"pattern"`
	Behavior         string       `json:"behavior"`
	Invert           bool         `json:"invert"`
	Content          string       `json:"content"`
	Prepend          string       `json:"prepend"`
	IndividualDigits bool         `json:"individual_digits"`
	Replacement      string       `json:"replacement"`
	PrependScheme    string       `json:"prepend_scheme"`
	Split            *bool        `json:"split"`
	Start            int          `json:"start"`
	Stop             int          `json:"stop"`

	Single        []templatePiece                 `json:"single"`
	SpecialTokens map[string]templateSpecialToken `json:"special_tokens"`
	Cls           []json.RawMessage               `json:"cls"`
	Sep           []json.RawMessage               `json:"sep"`
}

// patternSpec is a Split or Replace pattern: {"String": "..."} or {"Regex": "..."}.
type patternSpec struct {
	String *string `json:"String,omitempty"`
	Regex  *string `json:"Regex,omitempty"`
}

type templatePiece struct {
	SpecialToken *struct {
		ID string `json:"id"`
	} `json:"SpecialToken,omitempty"`
	Sequence *struct {
		ID string `json:"id"`
	} `json:"Sequence,omitempty"`
}

type templateSpecialToken struct {
	ID     string   `json:"id"`
	IDs    []int    `json:"ids"`
	Tokens []string `json:"tokens"`
}

// parseMerges reads merges in either form: ["a b", ...] (older files) or [["a","b"], ...].
func parseMerges(raw json.RawMessage) ([][2]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("model.merges: %w", err)
	}
	out := make([][2]string, len(items))
	for i, it := range items {
		var s string
		if err := json.Unmarshal(it, &s); err == nil {
			a, b, ok := strings.Cut(s, " ")
			if !ok || a == "" || b == "" || strings.Contains(b, " ") {
				return nil, fmt.Errorf("model.merges[%d]: %q is not two tokens separated by one space", i, s)
			}
			out[i] = [2]string{a, b}
			continue
		}
		var pair []string
		if err := json.Unmarshal(it, &pair); err != nil || len(pair) != 2 {
			return nil, fmt.Errorf("model.merges[%d]: want \"a b\" or [\"a\", \"b\"], got %s", i, truncate(string(it), 40))
		}
		out[i] = [2]string{pair[0], pair[1]}
	}
	return out, nil
}

func isNull(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// buildSeq builds each element of a "Sequence" component with build, naming element i
// field[i] in errors and leaving out elements that build to nothing (null).
func buildSeq[T comparable](field string, raws []json.RawMessage, build func(string, json.RawMessage) (T, error)) ([]T, error) {
	var zero T
	var seq []T
	for i, r := range raws {
		v, err := build(fmt.Sprintf("%s[%d]", field, i), r)
		if err != nil {
			return nil, err
		}
		if v != zero {
			seq = append(seq, v)
		}
	}
	return seq, nil
}
