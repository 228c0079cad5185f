package tokenizer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Save writes the tokenizer as a Hugging Face tokenizer.json: the pipeline components as they
// were loaded (or as Train made them), the vocabulary in id order and the merges.
func (t *Tokenizer) Save(path string) error {
	data, err := t.MarshalJSON()
	if err != nil {
		return fmt.Errorf("save tokenizer %s: %w", path, err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("save tokenizer: %w", err)
	}
	return nil
}

// MarshalJSON encodes the tokenizer in tokenizer.json form.
func (t *Tokenizer) MarshalJSON() ([]byte, error) {
	if t.sp != nil {
		return nil, fmt.Errorf("a SentencePiece tokenizer has no tokenizer.json form: copy its %s", SentencePieceFile)
	}
	spec := t.spec
	if spec.Version == "" {
		spec.Version = "1.0"
	}
	// Merges as "a b" strings (read by every tokenizers version) unless a token holds a space.
	stringForm := true
	for _, m := range t.merges {
		stringForm = stringForm && !strings.Contains(m[0], " ") && !strings.Contains(m[1], " ")
	}
	var merges any
	if stringForm {
		ms := make([]string, len(t.merges))
		for i, m := range t.merges {
			ms[i] = m[0] + " " + m[1]
		}
		merges = ms
	} else {
		merges = t.merges
	}
	mergesJSON, err := json.Marshal(merges)
	if err != nil {
		return nil, err
	}
	vocabJSON, err := orderedVocab(spec.Model.Vocab)
	if err != nil {
		return nil, err
	}
	m := spec.Model
	model := struct {
		Type                    string          `json:"type"`
		Dropout                 *float64        `json:"dropout"`
		UnkToken                *string         `json:"unk_token"`
		ContinuingSubwordPrefix *string         `json:"continuing_subword_prefix"`
		EndOfWordSuffix         *string         `json:"end_of_word_suffix"`
		FuseUnk                 bool            `json:"fuse_unk"`
		ByteFallback            bool            `json:"byte_fallback"`
		IgnoreMerges            bool            `json:"ignore_merges"`
		Vocab                   json.RawMessage `json:"vocab"`
		Merges                  json.RawMessage `json:"merges"`
	}{"BPE", m.Dropout, m.UnkToken, m.ContinuingSubwordPrefix, m.EndOfWordSuffix, m.FuseUnk,
		m.ByteFallback, m.IgnoreMerges, vocabJSON, mergesJSON}
	raw := func(r json.RawMessage) json.RawMessage {
		if isNull(r) {
			return json.RawMessage("null")
		}
		return r
	}
	added := spec.AddedTokens
	if added == nil {
		added = []AddedToken{}
	}
	out := struct {
		Version       string          `json:"version"`
		Truncation    json.RawMessage `json:"truncation"`
		Padding       json.RawMessage `json:"padding"`
		AddedTokens   []AddedToken    `json:"added_tokens"`
		Normalizer    json.RawMessage `json:"normalizer"`
		PreTokenizer  json.RawMessage `json:"pre_tokenizer"`
		PostProcessor json.RawMessage `json:"post_processor"`
		Decoder       json.RawMessage `json:"decoder"`
		Model         any             `json:"model"`
	}{spec.Version, raw(spec.Truncation), raw(spec.Padding), added, raw(spec.Normalizer),
		raw(spec.PreTokenizer), raw(spec.PostProcessor), raw(spec.Decoder), model}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// orderedVocab writes the vocabulary object with its entries in id order, as Hugging Face does.
func orderedVocab(vocab map[string]int) (json.RawMessage, error) {
	type entry struct {
		tok string
		id  int
	}
	es := make([]entry, 0, len(vocab))
	for s, id := range vocab {
		es = append(es, entry{s, id})
	}
	sort.Slice(es, func(i, j int) bool { return es[i].id < es[j].id || (es[i].id == es[j].id && es[i].tok < es[j].tok) })
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range es {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshalNoEscape(e.tok)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%s:%d", k, e.id)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
