package tokenizer

import (
	"container/heap"
	"encoding/json"
	"fmt"
	"iter"
	"sort"
	"strings"
)

// DefaultSpecialTokens are the special tokens of sqlforge's own vocabulary.
var DefaultSpecialTokens = []string{"<|bos|>", "<|eos|>", "<|pad|>", "<|im_start|>", "<|im_end|>"}

// minPairCount is the fewest occurrences a pair needs to be merged.
const minPairCount = 2

// Train learns a GPT-2-style byte-level BPE vocabulary of at most vocabSize ids from texts:
// special tokens first (ids 0..k-1), the 256 bytes next, then one token per merge, learned by
// pair frequency over the words of the GPT-2 pre-tokenizer. Ties go to the pair with the
// smaller ids, so the result depends only on the texts. Special tokens written in the texts are
// cut out and not learned from. If "<|bos|>" is among specialTokens, EncodeWithSpecial (and
// Hugging Face's add_special_tokens) put it first.
func Train(texts iter.Seq[string], vocabSize int, specialTokens []string) (*Tokenizer, error) {
	nBase := len(specialTokens) + 256
	if vocabSize < nBase {
		return nil, fmt.Errorf("train tokenizer: vocab size %d is smaller than %d special tokens + 256 bytes", vocabSize, len(specialTokens))
	}
	seen := map[string]bool{}
	for _, s := range specialTokens {
		if s == "" || seen[s] {
			return nil, fmt.Errorf("train tokenizer: special token %q is empty or repeated", s)
		}
		seen[s] = true
	}
	split, err := newRegexSplitter(GPT2Pattern)
	if err != nil {
		return nil, fmt.Errorf("train tokenizer: %w", err)
	}

	// Count words.
	wordCount := map[string]int64{}
	for text := range texts {
		for _, seg := range cutSpecials(text, specialTokens) {
			for _, w := range split.pieces(seg, behaviorIsolated, false) {
				wordCount[w]++
			}
		}
	}
	words := make([]string, 0, len(wordCount))
	for w := range wordCount {
		words = append(words, w)
	}
	sort.Strings(words)

	tr := &trainer{pairs: map[uint64]int64{}, where: map[uint64][]int32{}}
	tr.syms = make([][]int32, len(words))
	tr.freq = make([]int64, len(words))
	for i, w := range words {
		s := make([]int32, len(w))
		for j := 0; j < len(w); j++ {
			s[j] = int32(len(specialTokens) + int(w[j]))
		}
		tr.syms[i], tr.freq[i] = s, wordCount[w]
		for j := 0; j+1 < len(s); j++ {
			k := pairKey(int(s[j]), int(s[j+1]))
			tr.pairs[k] += tr.freq[i]
			tr.where[k] = append(tr.where[k], int32(i))
		}
	}
	for k, c := range tr.pairs {
		tr.heap = append(tr.heap, pairCount{k, c})
	}
	heap.Init(&tr.heap)

	// Vocabulary: specials, bytes, merges.
	tokens := append([]string{}, specialTokens...)
	for b := 0; b < 256; b++ {
		tokens = append(tokens, string(byteToRune[b]))
	}
	vocab := map[string]int{}
	for i, s := range tokens {
		vocab[s] = i
	}
	var merges [][2]string
	for len(vocab) < vocabSize {
		k, ok := tr.best()
		if !ok {
			break
		}
		a, b := int(k>>32), int(uint32(k))
		s := tokens[a] + tokens[b]
		c, exists := vocab[s]
		if !exists {
			c = len(tokens)
			tokens = append(tokens, s)
			vocab[s] = c
		}
		merges = append(merges, [2]string{tokens[a], tokens[b]})
		tr.merge(k, int32(c))
	}
	return buildTrained(vocab, merges, specialTokens)
}

// cutSpecials splits text around any special token it contains.
func cutSpecials(text string, specials []string) []string {
	segs := []string{text}
	for _, s := range specials {
		if !strings.Contains(text, s) {
			continue
		}
		var next []string
		for _, seg := range segs {
			next = append(next, strings.Split(seg, s)...)
		}
		segs = next
	}
	return segs
}

// trainer holds the words as symbol sequences and the pair counts, updated incrementally:
// merging a pair only revisits the words that contain it.
type trainer struct {
	syms  [][]int32
	freq  []int64
	pairs map[uint64]int64
	where map[uint64][]int32 // words that contain (or once contained) the pair
	heap  pairHeap
	epoch int32
	mark  []int32
}

type pairCount struct {
	key   uint64
	count int64
}

// pairHeap is a max-heap on count; ties go to the smaller pair.
type pairHeap []pairCount

func (h pairHeap) Len() int { return len(h) }
func (h pairHeap) Less(i, j int) bool {
	return h[i].count > h[j].count || (h[i].count == h[j].count && h[i].key < h[j].key)
}
func (h pairHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pairHeap) Push(x any)   { *h = append(*h, x.(pairCount)) }
func (h *pairHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// best pops the most frequent pair, skipping heap entries whose count has changed.
func (tr *trainer) best() (uint64, bool) {
	for tr.heap.Len() > 0 {
		top := heap.Pop(&tr.heap).(pairCount)
		if cur := tr.pairs[top.key]; cur != top.count {
			continue // stale; the current count was pushed when it changed
		}
		if top.count < minPairCount {
			return 0, false
		}
		return top.key, true
	}
	return 0, false
}

// merge replaces every occurrence of pair k by the symbol c and updates the pair counts.
func (tr *trainer) merge(k uint64, c int32) {
	a, b := int32(k>>32), int32(uint32(k))
	if tr.mark == nil {
		tr.mark = make([]int32, len(tr.syms))
	}
	tr.epoch++
	changed := map[uint64]bool{}
	for _, w := range tr.where[k] {
		if tr.mark[w] == tr.epoch {
			continue
		}
		tr.mark[w] = tr.epoch
		s, f := tr.syms[w], tr.freq[w]
		has := false
		for j := 0; j+1 < len(s); j++ {
			if s[j] == a && s[j+1] == b {
				has = true
				break
			}
		}
		if !has {
			continue
		}
		for j := 0; j+1 < len(s); j++ {
			p := pairKey(int(s[j]), int(s[j+1]))
			tr.pairs[p] -= f
			changed[p] = true
		}
		out := s[:0]
		for j := 0; j < len(s); j++ {
			if j+1 < len(s) && s[j] == a && s[j+1] == b {
				out = append(out, c)
				j++
			} else {
				out = append(out, s[j])
			}
		}
		for j := 0; j+1 < len(out); j++ {
			p := pairKey(int(out[j]), int(out[j+1]))
			tr.pairs[p] += f
			changed[p] = true
			if out[j] == c || out[j+1] == c {
				tr.where[p] = append(tr.where[p], w)
			}
		}
		tr.syms[w] = out
	}
	delete(tr.where, k)
	keys := make([]uint64, 0, len(changed))
	for p := range changed {
		keys = append(keys, p)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, p := range keys {
		if n := tr.pairs[p]; n > 0 {
			heap.Push(&tr.heap, pairCount{p, n})
		} else {
			delete(tr.pairs, p)
		}
	}
}

// buildTrained makes the tokenizer.json spec of a trained vocabulary and builds it, so a
// trained tokenizer behaves exactly like the file it saves.
func buildTrained(vocab map[string]int, merges [][2]string, specials []string) (*Tokenizer, error) {
	spec := fileSpec{Version: "1.0", Model: modelSpec{Type: "BPE", Vocab: vocab}}
	for i, s := range specials {
		spec.AddedTokens = append(spec.AddedTokens, AddedToken{ID: i, Content: s, Special: true})
	}
	spec.PreTokenizer = json.RawMessage(`{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}`)
	spec.Decoder = json.RawMessage(`{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}`)
	spec.PostProcessor = json.RawMessage(`{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":false,"use_regex":true}`)
	if id, ok := vocab["<|bos|>"]; ok {
		pp := map[string]any{
			"type":   "TemplateProcessing",
			"single": []any{map[string]any{"SpecialToken": map[string]any{"id": "<|bos|>", "type_id": 0}}, map[string]any{"Sequence": map[string]any{"id": "A", "type_id": 0}}},
			"pair": []any{map[string]any{"SpecialToken": map[string]any{"id": "<|bos|>", "type_id": 0}}, map[string]any{"Sequence": map[string]any{"id": "A", "type_id": 0}},
				map[string]any{"SpecialToken": map[string]any{"id": "<|bos|>", "type_id": 1}}, map[string]any{"Sequence": map[string]any{"id": "B", "type_id": 1}}},
			"special_tokens": map[string]any{"<|bos|>": map[string]any{"id": "<|bos|>", "ids": []int{id}, "tokens": []string{"<|bos|>"}}},
		}
		raw, err := json.Marshal(pp)
		if err != nil {
			return nil, fmt.Errorf("train tokenizer: %w", err)
		}
		spec.PostProcessor = raw
	}
	t, err := build(spec, merges)
	if err != nil {
		return nil, fmt.Errorf("train tokenizer: %w", err)
	}
	return t, nil
}
