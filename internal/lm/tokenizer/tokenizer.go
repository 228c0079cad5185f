package tokenizer

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tokenizer encodes text to token ids and decodes ids to text. It is safe for concurrent use.
type Tokenizer struct {
	spec   fileSpec // what was loaded, for Save
	merges [][2]string

	model  *bpe
	sp     *spModel // a SentencePiece .model in place of model, norm, pre and dec
	norm   normalizer
	pre    preTokenizer
	dec    decoder
	tokens []string // id → token string ("" for ids without one)
	added  []AddedToken
	// addedByFirst indexes added tokens by their first byte, longest first.
	addedByFirst   [256][]int
	special        map[int]bool
	prefix, suffix []int // what the post-processor adds around a sequence
}

// Load reads a Hugging Face tokenizer.json.
func Load(path string) (*Tokenizer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load tokenizer: %w", err)
	}
	t, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("load tokenizer %s: %w", path, err)
	}
	return t, nil
}

// Parse reads the contents of a Hugging Face tokenizer.json.
func Parse(data []byte) (*Tokenizer, error) {
	t, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("parse tokenizer.json: %w", err)
	}
	return t, nil
}

func parse(data []byte) (*Tokenizer, error) {
	var spec fileSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return nil, err
	}
	merges, err := parseMerges(spec.Model.Merges)
	if err != nil {
		return nil, err
	}
	return build(spec, merges)
}

// build assembles a tokenizer from a parsed file.
func build(spec fileSpec, merges [][2]string) (*Tokenizer, error) {
	m := spec.Model
	if m.Type != "BPE" && !(m.Type == "" && m.Vocab != nil) {
		return nil, fmt.Errorf("model.type: unsupported %q (only BPE)", m.Type)
	}
	if m.ContinuingSubwordPrefix != nil && *m.ContinuingSubwordPrefix != "" {
		return nil, fmt.Errorf("model.continuing_subword_prefix: not supported")
	}
	if m.EndOfWordSuffix != nil && *m.EndOfWordSuffix != "" {
		return nil, fmt.Errorf("model.end_of_word_suffix: not supported")
	}
	if len(m.Vocab) == 0 {
		return nil, fmt.Errorf("model.vocab: empty")
	}
	t := &Tokenizer{spec: spec, merges: merges, special: map[int]bool{}}
	maxID := -1
	for s, id := range m.Vocab {
		if id < 0 || id > 1<<24 {
			return nil, fmt.Errorf("model.vocab: token %q has id %d out of range", s, id)
		}
		maxID = max(maxID, id)
	}
	for i, a := range spec.AddedTokens {
		if a.ID < 0 || a.ID > 1<<24 {
			return nil, fmt.Errorf("added_tokens[%d]: id %d out of range", i, a.ID)
		}
		if a.Content == "" {
			return nil, fmt.Errorf("added_tokens[%d]: empty content", i)
		}
		maxID = max(maxID, a.ID)
	}
	// Ids are dense in real files; a sparse one would make the id table huge.
	if limit := 2*(len(m.Vocab)+len(spec.AddedTokens)) + 256; maxID >= limit {
		return nil, fmt.Errorf("model.vocab/added_tokens: id %d is far beyond the %d tokens", maxID, len(m.Vocab)+len(spec.AddedTokens))
	}
	t.tokens = make([]string, maxID+1)
	for s, id := range m.Vocab {
		t.tokens[id] = s
	}
	var err error
	if t.model, err = newBPE(m.Vocab, merges, m.UnkToken, m.FuseUnk, m.ByteFallback, m.IgnoreMerges); err != nil {
		return nil, err
	}
	for _, a := range spec.AddedTokens {
		t.tokens[a.ID] = a.Content
		t.added = append(t.added, a)
		if a.Special {
			t.special[a.ID] = true
		}
	}
	t.indexAdded()
	if t.norm, err = buildNormalizer("normalizer", spec.Normalizer); err != nil {
		return nil, err
	}
	if t.pre, err = buildPreTokenizer("pre_tokenizer", spec.PreTokenizer); err != nil {
		return nil, err
	}
	if t.dec, err = buildDecoder("decoder", spec.Decoder); err != nil {
		return nil, err
	}
	if t.prefix, t.suffix, err = buildPostProcessor("post_processor", spec.PostProcessor); err != nil {
		return nil, err
	}
	for _, id := range append(append([]int{}, t.prefix...), t.suffix...) {
		if id < 0 || id >= len(t.tokens) {
			return nil, fmt.Errorf("post_processor: special token id %d is not in the vocabulary", id)
		}
	}
	return t, nil
}

// indexAdded fills addedByFirst: the added tokens by their first byte, longest first, so
// "<|im_start|>" wins over a shorter token sharing its start.
func (t *Tokenizer) indexAdded() {
	order := make([]int, len(t.added))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return len(t.added[order[i]].Content) > len(t.added[order[j]].Content) })
	for _, i := range order {
		c := t.added[i].Content[0]
		t.addedByFirst[c] = append(t.addedByFirst[c], i)
	}
}

// VocabSize is the number of ids the model's embedding must have: one more than the largest
// id of the vocabulary and the added tokens.
func (t *Tokenizer) VocabSize() int { return len(t.tokens) }

// TokenID returns the id of a token string (a vocabulary entry or an added token).
func (t *Tokenizer) TokenID(s string) (int, bool) {
	for _, a := range t.added {
		if a.Content == s {
			return a.ID, true
		}
	}
	if t.sp != nil {
		if id, ok := t.sp.ids[s]; ok {
			return id, true
		}
		id, ok := t.sp.reserved[s]
		return id, ok
	}
	id, ok := t.model.vocab[s]
	return id, ok
}

// Token returns the string of an id, as stored in the vocabulary (byte-level runes, ▁).
func (t *Tokenizer) Token(id int) (string, bool) {
	if id < 0 || id >= len(t.tokens) {
		return "", false
	}
	return t.tokens[id], t.tokens[id] != ""
}

// Merges returns the BPE merges in rank order (a copy).
func (t *Tokenizer) Merges() [][2]string { return append([][2]string(nil), t.merges...) }

// IsSpecial reports whether id is an added token marked special (BOS, EOS, chat markers).
func (t *Tokenizer) IsSpecial(id int) bool { return t.special[id] }

// AddedTokens lists the added tokens in file order.
func (t *Tokenizer) AddedTokens() []AddedToken { return append([]AddedToken(nil), t.added...) }

// Encode returns the ids of text. Added tokens written in the text (such as "<|im_end|>")
// become their own ids and are never split; nothing is added around the text.
func (t *Tokenizer) Encode(text string) []int {
	ids := make([]int, 0, len(text)/3+1)
	return t.appendEncoded(ids, text)
}

// EncodeWithSpecial is Encode plus what the post-processor template adds around a single
// sequence (usually BOS), as Hugging Face's encode with add_special_tokens=True.
func (t *Tokenizer) EncodeWithSpecial(text string) []int {
	ids := append(make([]int, 0, len(text)/3+len(t.prefix)+len(t.suffix)+1), t.prefix...)
	ids = t.appendEncoded(ids, text)
	return append(ids, t.suffix...)
}

// BOS returns the ids the post-processor puts before a sequence (often one BOS id).
func (t *Tokenizer) BOS() []int { return append([]int(nil), t.prefix...) }

func (t *Tokenizer) appendEncoded(ids []int, text string) []int {
	start := 0 // start of the pending ordinary segment
	for i := 0; i < len(text); {
		a, end := t.matchAdded(text, i)
		if a < 0 {
			i++
			continue
		}
		segEnd := i
		if t.added[a].Lstrip {
			segEnd = len(strings.TrimRightFunc(text[start:i], unicode.IsSpace)) + start
		}
		ids = t.appendSegment(ids, text[start:segEnd], start == 0)
		ids = append(ids, t.added[a].ID)
		if t.added[a].Rstrip {
			end = len(text) - len(strings.TrimLeftFunc(text[end:], unicode.IsSpace))
		}
		start, i = end, end
	}
	return t.appendSegment(ids, text[start:], start == 0)
}

// matchAdded returns the longest added token starting at text[i] and where it ends, or -1.
func (t *Tokenizer) matchAdded(text string, i int) (int, int) {
	for _, a := range t.addedByFirst[text[i]] {
		c := t.added[a].Content
		if strings.HasPrefix(text[i:], c) {
			if t.added[a].SingleWord && !isWordBoundary(text, i, i+len(c)) {
				continue
			}
			return a, i + len(c)
		}
	}
	return -1, i
}

func isWordBoundary(text string, i, j int) bool {
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }
	if i > 0 {
		if r, _ := utf8.DecodeLastRuneInString(text[:i]); isWord(r) {
			return false
		}
	}
	if j < len(text) {
		if r, _ := utf8.DecodeRuneInString(text[j:]); isWord(r) {
			return false
		}
	}
	return true
}

// appendSegment encodes text that holds no added token.
func (t *Tokenizer) appendSegment(ids []int, s string, atStart bool) []int {
	if s == "" {
		return ids
	}
	if t.sp != nil {
		return t.sp.encode(ids, s)
	}
	if t.norm != nil {
		if s = t.norm.normalize(s); s == "" {
			return ids
		}
	}
	if t.pre == nil {
		return t.model.encodeWord(ids, s)
	}
	for _, w := range t.pre.split([]string{s}, atStart) {
		ids = t.model.encodeWord(ids, w)
	}
	return ids
}

// Decode returns the text of ids, special tokens included (so Decode(Encode(s)) gives back
// s for tokenizers without a lossy normalizer). Unknown ids are skipped.
func (t *Tokenizer) Decode(ids []int) string { return t.decode(ids, false) }

// DecodeSkipSpecial is Decode without the special added tokens (BOS, EOS, chat markers).
func (t *Tokenizer) DecodeSkipSpecial(ids []int) string { return t.decode(ids, true) }

func (t *Tokenizer) decode(ids []int, skipSpecial bool) string {
	if t.sp != nil {
		return t.sp.decode(ids, skipSpecial)
	}
	// As in Hugging Face, every token (added ones too) goes through the decoder chain
	// together: the Metaspace decoder drops the prefix space of the first token only.
	toks := make([]string, 0, len(ids))
	for _, id := range ids {
		if id < 0 || id >= len(t.tokens) || t.tokens[id] == "" || (skipSpecial && t.special[id]) {
			continue
		}
		toks = append(toks, t.tokens[id])
	}
	if t.dec != nil {
		toks = t.dec.decode(toks)
	}
	return strings.Join(toks, "")
}
