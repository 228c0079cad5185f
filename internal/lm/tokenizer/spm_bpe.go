package tokenizer

import (
	"container/heap"
	"unicode/utf8"
)

// spPair is a candidate merge of the symbols left and right into a piece of the given score
// and byte length.
type spPair struct {
	left, right int
	score       float32
	size        int
}

// spAgenda orders candidate merges as bpe_model.cc does: highest score first, then the
// leftmost.
type spAgenda []spPair

func (h spAgenda) Len() int { return len(h) }
func (h spAgenda) Less(i, j int) bool {
	if h[i].score != h[j].score {
		return h[i].score > h[j].score
	}
	return h[i].left < h[j].left
}
func (h spAgenda) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *spAgenda) Push(x any)   { *h = append(*h, x.(spPair)) }
func (h *spAgenda) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// bpe is SentencePiece's BPE segmentation: one symbol per character (a user-defined piece
// is one frozen symbol), then the adjacent pair whose concatenation is the piece with the
// highest score is merged until none is; unused pieces are split back into what made them.
func (m *spModel) bpe(s string) []spSeg {
	type symbol struct {
		start, end int // the symbol is s[start:end]; start == end once merged away
		prev, next int
		freeze     bool
	}
	var syms []symbol
	for i := 0; i < len(s); {
		n, freeze := 0, false
		for _, u := range m.user {
			if len(u) <= len(s)-i && s[i:i+len(u)] == u {
				n, freeze = len(u), true
				break
			}
		}
		if n == 0 {
			_, n = utf8.DecodeRuneInString(s[i:])
		}
		syms = append(syms, symbol{start: i, end: i + n, prev: len(syms) - 1, next: len(syms) + 1, freeze: freeze})
		i += n
	}
	if len(syms) == 0 {
		return nil
	}
	syms[len(syms)-1].next = -1
	revMerge := map[string][2]string{}
	var agenda spAgenda
	add := func(l, r int) {
		if l < 0 || r < 0 || syms[l].freeze || syms[r].freeze {
			return
		}
		piece := s[syms[l].start:syms[r].end]
		id, ok := m.ids[piece]
		if !ok {
			return
		}
		heap.Push(&agenda, spPair{l, r, m.pieces[id].Score, len(piece)})
		if m.pieces[id].Type == spUnused {
			revMerge[piece] = [2]string{s[syms[l].start:syms[l].end], s[syms[r].start:syms[r].end]}
		}
	}
	for i := 1; i < len(syms); i++ {
		add(i-1, i)
	}
	for agenda.Len() > 0 {
		top := heap.Pop(&agenda).(spPair)
		l, r := &syms[top.left], &syms[top.right]
		if l.start == l.end || r.start == r.end || (l.end-l.start)+(r.end-r.start) != top.size {
			continue // stale: one side changed since the pair was pushed
		}
		l.end = r.end
		l.next = r.next
		if r.next >= 0 {
			syms[r.next].prev = top.left
		}
		r.start, r.end = 0, 0
		add(l.prev, top.left)
		add(top.left, l.next)
	}
	var out []spSeg
	var resegment func(w string)
	resegment = func(w string) {
		id := m.pieceID(w)
		if p, ok := revMerge[w]; ok && m.pieces[id].Type == spUnused {
			resegment(p[0])
			resegment(p[1])
			return
		}
		out = append(out, spSeg{w, id})
	}
	for i := 0; i >= 0; i = syms[i].next {
		resegment(s[syms[i].start:syms[i].end])
	}
	return out
}

// spTrie finds the pieces that start at a position of a string: a byte trie whose edges are
// one map from (node, byte) to the child node.
type spTrie struct {
	edges map[uint64]int32
	ids   []int32 // piece id ending at each node, or -1
}

func newSPTrie(pieces map[string]int) spTrie {
	t := spTrie{edges: make(map[uint64]int32, len(pieces)*2), ids: []int32{-1}}
	for p, id := range pieces {
		node := int32(0)
		for i := 0; i < len(p); i++ {
			k := uint64(node)<<8 | uint64(p[i])
			child, ok := t.edges[k]
			if !ok {
				child = int32(len(t.ids))
				t.ids = append(t.ids, -1)
				t.edges[k] = child
			}
			node = child
		}
		t.ids[node] = int32(id)
	}
	return t
}

// each calls fn(end, id) for every piece s[start:end], shortest first.
func (t spTrie) each(s string, start int, fn func(end, id int)) {
	node := int32(0)
	for i := start; i < len(s); i++ {
		child, ok := t.edges[uint64(node)<<8|uint64(s[i])]
		if !ok {
			return
		}
		node = child
		if id := t.ids[node]; id >= 0 {
			fn(i+1, int(id))
		}
	}
}
