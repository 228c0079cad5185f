package tokenizer

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// spModel is a SentencePiece model read from a .model file: the unigram model (Viterbi over
// the piece scores, unigram_model.cc EncodeOptimized) or the BPE model (adjacent pairs merged
// highest score first, bpe_model.cc), with byte fallback and the normalizer in front. It
// follows SentencePiece 0.1.97 so that ids equal what its Python package returns.
type spModel struct {
	typ      int
	pieces   []spPiece
	ids      map[string]int // normal, user-defined and unused pieces (SentencePiece's pieces_)
	reserved map[string]int // control, unknown and byte pieces
	unk      int
	bytes    [256]int // id of <0xNN>, or -1; used when byteFallback
	fallback bool
	user     []string // user-defined pieces, longest first
	minScore float32  // over normal pieces
	maxScore float32
	norm     *spNormalizer
	trie     spTrie
	unkText  string // what an unknown id decodes to
}

func newSPModel(p *spProto) (*spModel, error) {
	if p.ModelType != spUnigram && p.ModelType != spBPE {
		return nil, fmt.Errorf("trainer_spec.model_type %d: only unigram (1) and BPE (2) are supported", p.ModelType)
	}
	if len(p.Pieces) == 0 {
		return nil, fmt.Errorf("pieces: empty")
	}
	m := &spModel{typ: p.ModelType, pieces: p.Pieces, ids: map[string]int{}, reserved: map[string]int{},
		unk: -1, fallback: p.ByteFallback, unkText: p.UnkSurface}
	m.minScore, m.maxScore = math.MaxFloat32, math.SmallestNonzeroFloat32
	for i, pc := range p.Pieces {
		if pc.Piece == "" {
			return nil, fmt.Errorf("pieces[%d]: empty piece", i)
		}
		set := m.reserved
		if pc.Type == spNormal || pc.Type == spUserDefined || pc.Type == spUnused {
			set = m.ids
		}
		if _, dup := set[pc.Piece]; dup {
			return nil, fmt.Errorf("pieces[%d]: %q is already defined", i, truncate(pc.Piece, 20))
		}
		set[pc.Piece] = i
		switch pc.Type {
		case spNormal:
			m.minScore, m.maxScore = min(m.minScore, pc.Score), max(m.maxScore, pc.Score)
		case spUserDefined:
			m.user = append(m.user, pc.Piece)
		case spUnknown:
			if m.unk >= 0 {
				return nil, fmt.Errorf("pieces[%d]: a second unknown piece %q", i, truncate(pc.Piece, 20))
			}
			m.unk = i
		}
	}
	if m.minScore == math.MaxFloat32 {
		m.minScore = 0
	}
	if m.maxScore == math.SmallestNonzeroFloat32 {
		m.maxScore = 0
	}
	if m.unk < 0 {
		return nil, fmt.Errorf("pieces: no unknown piece (type UNKNOWN)")
	}
	for b := range m.bytes {
		m.bytes[b] = -1
		if id, ok := m.reserved[fmt.Sprintf("<0x%02X>", b)]; ok && p.Pieces[id].Type == spByte {
			m.bytes[b] = id
		}
	}
	if m.fallback {
		for b, id := range m.bytes {
			if id < 0 {
				return nil, fmt.Errorf("trainer_spec.byte_fallback: no byte piece <0x%02X>", b)
			}
		}
	}
	sort.SliceStable(m.user, func(i, j int) bool { return len(m.user[i]) > len(m.user[j]) })
	var err error
	if m.norm, err = newSPNormalizer(p, m.user); err != nil {
		return nil, err
	}
	if m.typ == spUnigram {
		m.trie = newSPTrie(m.ids)
	}
	return m, nil
}

// pieceID is SentencePiece's PieceToId: reserved pieces first, then the others, else unk.
func (m *spModel) pieceID(s string) int {
	if id, ok := m.reserved[s]; ok {
		return id
	}
	if id, ok := m.ids[s]; ok {
		return id
	}
	return m.unk
}

// encode appends the ids of s (text without added tokens) to dst.
func (m *spModel) encode(dst []int, s string) []int {
	norm := m.norm.normalize(s)
	if norm == "" {
		return dst
	}
	var segs []spSeg
	if m.typ == spUnigram {
		segs = m.viterbi(norm)
	} else {
		segs = m.bpe(norm)
	}
	lastUnk := false
	for _, sg := range segs {
		switch {
		case sg.id == m.unk && m.fallback:
			for i := 0; i < len(sg.piece); i++ {
				dst = append(dst, m.bytes[sg.piece[i]])
			}
		case sg.id == m.unk && lastUnk:
			// A run of unknown pieces is one <unk>, as SentencePiece merges them.
		default:
			dst = append(dst, sg.id)
		}
		lastUnk = sg.id == m.unk
	}
	return dst
}

// spSeg is one piece of a segmentation and its id (unk for pieces not in the vocabulary).
type spSeg struct {
	piece string
	id    int
}

// viterbi is the unigram model's best segmentation: the path of pieces with the highest sum
// of scores, an unknown character scoring 10 below the lowest piece and a user-defined piece
// length×max−0.1 so that it always wins. Scores add in float32, as in SentencePiece.
func (m *spModel) viterbi(s string) []spSeg {
	type node struct {
		id    int
		score float32
		start int
	}
	best := make([]node, len(s)+1)
	for i := range best {
		best[i].start = -1
	}
	unkScore := m.minScore - 10
	for start := 0; start < len(s); {
		_, charLen := utf8.DecodeRuneInString(s[start:])
		here := best[start].score
		single := false
		m.trie.each(s, start, func(end, id int) {
			if m.pieces[id].Type == spUnused {
				return
			}
			length := end - start
			score := m.pieces[id].Score
			if m.pieces[id].Type == spUserDefined {
				score = float32(length)*m.maxScore - 0.1
			}
			if c := score + here; best[end].start < 0 || c > best[end].score {
				best[end] = node{id, c, start}
			}
			single = single || length == charLen
		})
		if !single {
			end := start + charLen
			if c := unkScore + here; best[end].start < 0 || c > best[end].score {
				best[end] = node{m.unk, c, start}
			}
		}
		start += charLen
	}
	var out []spSeg
	for end := len(s); end > 0; end = best[end].start {
		out = append(out, spSeg{s[best[end].start:end], best[end].id})
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// decode is SentencePiece's DecodeIds: ▁ becomes a space, the dummy prefix space of the
// first piece is dropped, runs of byte pieces are read as UTF-8 (an invalid byte gives
// U+FFFD), an unknown id gives the unk surface (" ⁇ ") and control pieces give their text
// unless skipControl (SentencePiece itself always drops them).
func (m *spModel) decode(ids []int, skipControl bool) string {
	var b strings.Builder
	var pending []byte
	flush := func() {
		for len(pending) > 0 {
			r, n := utf8.DecodeRune(pending)
			if r == utf8.RuneError && n <= 1 {
				b.WriteString("\uFFFD")
			} else {
				b.Write(pending[:n])
			}
			pending = pending[n:]
		}
	}
	first := true
	for _, id := range ids {
		if id < 0 || id >= len(m.pieces) {
			continue
		}
		pc := m.pieces[id]
		switch pc.Type {
		case spByte:
			pending = append(pending, m.byteOf(id))
			first = false
			continue
		case spControl:
			if !skipControl {
				flush()
				b.WriteString(pc.Piece)
			}
			continue
		}
		flush()
		text := pc.Piece
		if pc.Type == spUnknown {
			text = m.unkText
		} else {
			if first && m.norm.dummyPrefix && !m.norm.suffix {
				text = strings.TrimPrefix(text, spaceSymbol)
			}
			text = strings.ReplaceAll(text, spaceSymbol, " ")
		}
		b.WriteString(text)
		first = false
	}
	flush()
	return b.String()
}

// byteOf returns the byte a byte piece <0xNN> stands for.
func (m *spModel) byteOf(id int) byte {
	for b, bid := range m.bytes {
		if bid == id {
			return byte(b)
		}
	}
	return 0
}
