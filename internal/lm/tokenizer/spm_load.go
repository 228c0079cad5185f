package tokenizer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The tokenizer files of a model directory: Hugging Face's tokenizer.json, else a
// SentencePiece model (Llama 2, Mistral, Gemma ship both; some checkpoints only the latter).
const (
	JSONFile          = "tokenizer.json"
	SentencePieceFile = "tokenizer.model"
)

// LoadDir reads the tokenizer of a model directory: tokenizer.json when it exists, else
// tokenizer.model.
func LoadDir(dir string) (*Tokenizer, error) {
	path := filepath.Join(dir, JSONFile)
	if _, err := os.Stat(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return Load(path)
	}
	sp := filepath.Join(dir, SentencePieceFile)
	if _, err := os.Stat(sp); err != nil {
		return nil, fmt.Errorf("load tokenizer: %s has neither %s nor %s", dir, JSONFile, SentencePieceFile)
	}
	return LoadSentencePiece(sp)
}

// LoadSentencePiece reads a SentencePiece .model file (a serialized ModelProto).
func LoadSentencePiece(path string) (*Tokenizer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load sentencepiece model: %w", err)
	}
	t, err := parseSentencePiece(data)
	if err != nil {
		return nil, fmt.Errorf("load sentencepiece model %s: %w", path, err)
	}
	return t, nil
}

// ParseSentencePiece reads the contents of a SentencePiece .model file.
//
// The result encodes and decodes as SentencePiece does (unigram or BPE, byte fallback, the
// normalizer's character map, ▁ for spaces, the dummy prefix), with one addition taken from
// Hugging Face's conversion: control pieces (<s>, </s>) and the unknown piece written in the
// text are their own special ids, so chat templates work; SentencePiece itself would
// segment them as text. The post-processor adds the BOS piece (trainer_spec.bos_id), as
// Llama 2's and Gemma's tokenizers do.
func ParseSentencePiece(data []byte) (*Tokenizer, error) {
	t, err := parseSentencePiece(data)
	if err != nil {
		return nil, fmt.Errorf("parse sentencepiece model: %w", err)
	}
	return t, nil
}

func parseSentencePiece(data []byte) (*Tokenizer, error) {
	p, err := parseSPProto(data)
	if err != nil {
		return nil, err
	}
	return fromSPProto(p)
}

// SentencePieceVocab is a SentencePiece model given as lists, as llama.cpp's GGUF files keep
// one (tokenizer.ggml.tokens, scores and token_type, whose numbers are SentencePiece's piece
// types: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte). There is no
// normalization map and whitespace is kept as it is, as in Llama 2's and Gemma's models.
type SentencePieceVocab struct {
	Pieces []string
	Scores []float32
	Types  []int
	// Unigram selects the unigram model; otherwise BPE by score (llama.cpp's "llama").
	Unigram bool
	// ByteFallback encodes unknown characters as their <0xNN> byte pieces.
	ByteFallback bool
	// AddDummyPrefix puts ▁ before the text (llama.cpp's add_space_prefix).
	AddDummyPrefix bool
	// BOS is the id EncodeWithSpecial puts first (a control piece), -1 for none.
	BOS int
}

// NewSentencePiece builds a SentencePiece tokenizer from its vocabulary lists.
func NewSentencePiece(v SentencePieceVocab) (*Tokenizer, error) {
	if len(v.Scores) != len(v.Pieces) || len(v.Types) != len(v.Pieces) {
		return nil, fmt.Errorf("sentencepiece vocabulary: %d pieces, %d scores, %d types", len(v.Pieces), len(v.Scores), len(v.Types))
	}
	if len(v.Pieces) > maxPieces {
		return nil, fmt.Errorf("sentencepiece vocabulary: more than %d pieces", maxPieces)
	}
	p := &spProto{ModelType: spBPE, ByteFallback: v.ByteFallback, AddDummyPrefix: v.AddDummyPrefix,
		EscapeWhitespaces: true, UnkSurface: " \u2047 ", BosID: v.BOS, EosID: -1}
	if v.Unigram {
		p.ModelType = spUnigram
	}
	for i, s := range v.Pieces {
		if v.Types[i] < spNormal || v.Types[i] > spByte {
			return nil, fmt.Errorf("sentencepiece vocabulary: piece %d (%q) has type %d", i, truncate(s, 20), v.Types[i])
		}
		p.Pieces = append(p.Pieces, spPiece{Piece: s, Score: v.Scores[i], Type: v.Types[i]})
	}
	t, err := fromSPProto(p)
	if err != nil {
		return nil, fmt.Errorf("sentencepiece vocabulary: %w", err)
	}
	return t, nil
}

// fromSPProto builds the tokenizer of a decoded model.
func fromSPProto(p *spProto) (*Tokenizer, error) {
	m, err := newSPModel(p)
	if err != nil {
		return nil, err
	}
	t := &Tokenizer{sp: m, special: map[int]bool{}, tokens: make([]string, len(p.Pieces))}
	for i, pc := range p.Pieces {
		t.tokens[i] = pc.Piece
		if pc.Type == spControl || pc.Type == spUnknown {
			t.added = append(t.added, AddedToken{ID: i, Content: pc.Piece, Special: true})
			t.special[i] = true
		}
	}
	t.indexAdded()
	if p.BosID >= 0 && p.BosID < len(p.Pieces) && p.Pieces[p.BosID].Type == spControl {
		t.prefix = []int{p.BosID}
	}
	return t, nil
}

// SentencePieceVocab returns the vocabulary lists of a SentencePiece tokenizer (for writing
// them into a GGUF file); false for other tokenizers. The lists are copies.
func (t *Tokenizer) SentencePieceVocab() (SentencePieceVocab, bool) {
	if t.sp == nil {
		return SentencePieceVocab{}, false
	}
	v := SentencePieceVocab{Unigram: t.sp.typ == spUnigram, ByteFallback: t.sp.fallback,
		AddDummyPrefix: t.sp.norm.dummyPrefix, BOS: -1}
	for _, p := range t.sp.pieces {
		v.Pieces, v.Scores, v.Types = append(v.Pieces, p.Piece), append(v.Scores, p.Score), append(v.Types, p.Type)
	}
	if len(t.prefix) == 1 {
		v.BOS = t.prefix[0]
	}
	return v, true
}
