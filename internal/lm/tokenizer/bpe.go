package tokenizer

import (
	"container/heap"
	"fmt"
	"sync"
	"unicode/utf8"
)

// bpe is a merge-rank byte-pair-encoding model: a word starts as one symbol per character
// (or per byte, through <0xNN> byte-fallback tokens) and the adjacent pair with the lowest
// merge rank is merged, leftmost first, until no pair has a merge.
type bpe struct {
	vocab        map[string]int
	merges       map[uint64]uint64 // pairKey(a, b) → rank<<32 | merged id
	unk          int               // -1 when there is no unk token
	fuseUnk      bool
	byteFallback [256]int // id of <0xNN>, or -1
	ignoreMerges bool
	hasFallback  bool
	charIDs      map[rune]int // cache of single-character ids

	mu    sync.RWMutex
	cache map[string][]int
}

const maxCache = 1 << 17 // words cached; the cache is dropped whole when full

func pairKey(a, b int) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

func newBPE(vocab map[string]int, merges [][2]string, unk *string, fuseUnk, byteFallback, ignoreMerges bool) (*bpe, error) {
	m := &bpe{vocab: vocab, merges: make(map[uint64]uint64, len(merges)), unk: -1, fuseUnk: fuseUnk,
		ignoreMerges: ignoreMerges, charIDs: map[rune]int{}, cache: map[string][]int{}}
	for i, mg := range merges {
		a, okA := vocab[mg[0]]
		b, okB := vocab[mg[1]]
		if !okA || !okB {
			return nil, fmt.Errorf("model.merges[%d]: %q or %q is not in model.vocab", i, mg[0], mg[1])
		}
		c, ok := vocab[mg[0]+mg[1]]
		if !ok {
			return nil, fmt.Errorf("model.merges[%d]: merged token %q is not in model.vocab", i, mg[0]+mg[1])
		}
		k := pairKey(a, b)
		if _, dup := m.merges[k]; !dup { // the first (lowest) rank wins, as in Hugging Face
			m.merges[k] = uint64(i)<<32 | uint64(uint32(c))
		}
	}
	if unk != nil {
		id, ok := vocab[*unk]
		if !ok {
			return nil, fmt.Errorf("model.unk_token: %q is not in model.vocab", *unk)
		}
		m.unk = id
	}
	for b := 0; b < 256; b++ {
		m.byteFallback[b] = -1
		if byteFallback {
			if id, ok := vocab[fmt.Sprintf("<0x%02X>", b)]; ok {
				m.byteFallback[b] = id
				m.hasFallback = true
			}
		}
	}
	for s, id := range vocab {
		if r, n := utf8.DecodeRuneInString(s); n == len(s) && r != utf8.RuneError {
			m.charIDs[r] = id
		}
	}
	return m, nil
}

// encodeWord appends the ids of one pre-tokenized word to dst.
func (m *bpe) encodeWord(dst []int, word string) []int {
	if m.ignoreMerges {
		if id, ok := m.vocab[word]; ok {
			return append(dst, id)
		}
	}
	m.mu.RLock()
	ids, ok := m.cache[word]
	m.mu.RUnlock()
	if ok {
		return append(dst, ids...)
	}
	ids = m.merge(m.symbols(word))
	m.mu.Lock()
	if len(m.cache) >= maxCache {
		m.cache = map[string][]int{}
	}
	m.cache[word] = ids
	m.mu.Unlock()
	return append(dst, ids...)
}

// symbols splits a word into its initial symbols: characters in the vocabulary, else their
// byte-fallback tokens, else unk (or nothing, as Hugging Face does without an unk token).
func (m *bpe) symbols(word string) []int {
	syms := make([]int, 0, len(word))
	lastUnk := false
	for i, r := range word {
		id, ok := m.charIDs[r]
		if ok && r == utf8.RuneError {
			_, n := utf8.DecodeRuneInString(word[i:])
			ok = n == 3 // a real U+FFFD, not an invalid byte
		}
		if ok {
			syms = append(syms, id)
			lastUnk = false
			continue
		}
		n := utf8.RuneLen(r)
		if r == utf8.RuneError {
			_, n = utf8.DecodeRuneInString(word[i:])
		}
		if m.hasFallback {
			all := true
			for j := i; j < i+n; j++ {
				all = all && m.byteFallback[word[j]] >= 0
			}
			if all {
				for j := i; j < i+n; j++ {
					syms = append(syms, m.byteFallback[word[j]])
				}
				lastUnk = false
				continue
			}
		}
		if m.unk >= 0 && !(m.fuseUnk && lastUnk) {
			syms = append(syms, m.unk)
		}
		lastUnk = m.unk >= 0
	}
	return syms
}

// mergeItem is a candidate merge of the symbol at pos with its right neighbour.
type mergeItem struct {
	rank uint32
	pos  int32
}

type mergeHeap []mergeItem

func (h mergeHeap) Len() int { return len(h) }
func (h mergeHeap) Less(i, j int) bool {
	return h[i].rank < h[j].rank || (h[i].rank == h[j].rank && h[i].pos < h[j].pos)
}
func (h mergeHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *mergeHeap) Push(x any)   { *h = append(*h, x.(mergeItem)) }
func (h *mergeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// merge applies merges to the symbols: lowest rank first, leftmost among equals, with a
// heap over a doubly linked list so long words (no pre-tokenizer) stay O(n log n).
func (m *bpe) merge(ids []int) []int {
	n := len(ids)
	if n < 2 {
		return ids
	}
	prev := make([]int32, n)
	next := make([]int32, n)
	for i := range ids {
		prev[i], next[i] = int32(i-1), int32(i+1)
	}
	next[n-1] = -1
	h := make(mergeHeap, 0, n)
	for i := 0; i+1 < n; i++ {
		if v, ok := m.merges[pairKey(ids[i], ids[i+1])]; ok {
			h = append(h, mergeItem{uint32(v >> 32), int32(i)})
		}
	}
	heap.Init(&h)
	dead := make([]bool, n)
	for h.Len() > 0 {
		it := heap.Pop(&h).(mergeItem)
		p := it.pos
		if dead[p] || next[p] < 0 {
			continue
		}
		q := next[p]
		v, ok := m.merges[pairKey(ids[p], ids[q])]
		if !ok || uint32(v>>32) != it.rank {
			continue // stale: one side merged since this item was pushed
		}
		ids[p] = int(uint32(v))
		dead[q] = true
		next[p] = next[q]
		if next[q] >= 0 {
			prev[next[q]] = p
		}
		if l := prev[p]; l >= 0 {
			if v, ok := m.merges[pairKey(ids[l], ids[p])]; ok {
				heap.Push(&h, mergeItem{uint32(v >> 32), l})
			}
		}
		if r := next[p]; r >= 0 {
			if v, ok := m.merges[pairKey(ids[p], ids[r])]; ok {
				heap.Push(&h, mergeItem{uint32(v >> 32), p})
			}
		}
	}
	out := make([]int, 0, n)
	for i := int32(0); i >= 0; i = next[i] {
		out = append(out, ids[i])
	}
	return out
}
