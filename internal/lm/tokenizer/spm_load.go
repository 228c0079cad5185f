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
