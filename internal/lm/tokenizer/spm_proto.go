package tokenizer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// The parts of SentencePiece's ModelProto (sentencepiece_model.proto) that encoding and
// decoding need, read straight from the protobuf wire format: no generated code.

// Piece types of ModelProto.SentencePiece.Type.
const (
	spNormal      = 1
	spUnknown     = 2
	spControl     = 3
	spUserDefined = 4
	spUnused      = 5
	spByte        = 6
)

// Model types of TrainerSpec.ModelType.
const (
	spUnigram = 1
	spBPE     = 2
	spWord    = 3
	spChar    = 4
)

// spPiece is one ModelProto.SentencePiece: the piece, its score and type.
type spPiece struct {
	Piece string
	Score float32
	Type  int
}

// spProto is a decoded ModelProto, defaults applied as the .proto file declares them.
type spProto struct {
	Pieces []spPiece
	// TrainerSpec.
	ModelType               int
	ByteFallback            bool
	TreatWhitespaceAsSuffix bool
	UnkSurface              string
	BosID, EosID            int
	// NormalizerSpec.
	NormName               string
	PrecompiledCharsmap    []byte
	AddDummyPrefix         bool
	RemoveExtraWhitespaces bool
	EscapeWhitespaces      bool
}

// maxPieces bounds the vocabulary a .model file may declare (real ones hold up to 256K).
const maxPieces = 1 << 22

// parseSPProto decodes a serialized ModelProto.
func parseSPProto(data []byte) (*spProto, error) {
	p := &spProto{ModelType: spUnigram, UnkSurface: " \u2047 ", BosID: 1, EosID: 2, AddDummyPrefix: true,
		RemoveExtraWhitespaces: true, EscapeWhitespaces: true}
	err := eachField(data, func(num int, wt int, v uint64, b []byte) error {
		switch {
		case num == 1 && wt == wireBytes:
			if len(p.Pieces) >= maxPieces {
				return fmt.Errorf("more than %d pieces", maxPieces)
			}
			piece, err := parseSPPiece(b)
			if err != nil {
				return fmt.Errorf("pieces[%d]: %w", len(p.Pieces), err)
			}
			p.Pieces = append(p.Pieces, piece)
		case num == 2 && wt == wireBytes:
			if err := p.parseTrainerSpec(b); err != nil {
				return fmt.Errorf("trainer_spec: %w", err)
			}
		case num == 3 && wt == wireBytes:
			if err := p.parseNormalizerSpec(b); err != nil {
				return fmt.Errorf("normalizer_spec: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func parseSPPiece(data []byte) (spPiece, error) {
	piece := spPiece{Type: spNormal}
	err := eachField(data, func(num int, wt int, v uint64, b []byte) error {
		switch {
		case num == 1 && wt == wireBytes:
			piece.Piece = string(b)
		case num == 2 && wt == wireFixed32:
			piece.Score = math.Float32frombits(uint32(v))
		case num == 3 && wt == wireVarint:
			piece.Type = int(int32(v))
		}
		return nil
	})
	if err != nil {
		return piece, err
	}
	if piece.Type < spNormal || piece.Type > spByte {
		return piece, fmt.Errorf("piece %q: unknown type %d", truncate(piece.Piece, 20), piece.Type)
	}
	if math.IsNaN(float64(piece.Score)) || math.IsInf(float64(piece.Score), 0) {
		return piece, fmt.Errorf("piece %q: score %v", truncate(piece.Piece, 20), piece.Score)
	}
	return piece, nil
}

func (p *spProto) parseTrainerSpec(data []byte) error {
	return eachField(data, func(num int, wt int, v uint64, b []byte) error {
		switch {
		case num == 3 && wt == wireVarint:
			p.ModelType = int(int32(v))
		case num == 24 && wt == wireVarint:
			p.TreatWhitespaceAsSuffix = v != 0
		case num == 35 && wt == wireVarint:
			p.ByteFallback = v != 0
		case num == 41 && wt == wireVarint:
			p.BosID = int(int32(v))
		case num == 42 && wt == wireVarint:
			p.EosID = int(int32(v))
		case num == 44 && wt == wireBytes:
			p.UnkSurface = string(b)
		}
		return nil
	})
}

func (p *spProto) parseNormalizerSpec(data []byte) error {
	return eachField(data, func(num int, wt int, v uint64, b []byte) error {
		switch {
		case num == 1 && wt == wireBytes:
			p.NormName = string(b)
		case num == 2 && wt == wireBytes:
			p.PrecompiledCharsmap = b
		case num == 3 && wt == wireVarint:
			p.AddDummyPrefix = v != 0
		case num == 4 && wt == wireVarint:
			p.RemoveExtraWhitespaces = v != 0
		case num == 5 && wt == wireVarint:
			p.EscapeWhitespaces = v != 0
		}
		return nil
	})
}

// Protobuf wire types.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireFixed32 = 5
)

var errTruncated = errors.New("truncated protobuf")

// eachField calls fn for every field of one protobuf message: its number, wire type and
// value (varints and fixed values in v, length-delimited ones in b, which aliases data).
// Groups (wire types 3 and 4) are refused; no .model file uses them.
func eachField(data []byte, fn func(num, wt int, v uint64, b []byte) error) error {
	for len(data) > 0 {
		key, n := binary.Uvarint(data)
		if n <= 0 {
			return errTruncated
		}
		data = data[n:]
		num, wt := key>>3, int(key&7)
		if num == 0 || num > 1<<29-1 {
			return fmt.Errorf("protobuf field number %d", num)
		}
		var v uint64
		var b []byte
		switch wt {
		case wireVarint:
			if v, n = binary.Uvarint(data); n <= 0 {
				return errTruncated
			}
			data = data[n:]
		case wireFixed64:
			if len(data) < 8 {
				return errTruncated
			}
			v, data = binary.LittleEndian.Uint64(data), data[8:]
		case wireFixed32:
			if len(data) < 4 {
				return errTruncated
			}
			v, data = uint64(binary.LittleEndian.Uint32(data)), data[4:]
		case wireBytes:
			l, n := binary.Uvarint(data)
			if n <= 0 || l > uint64(len(data)-n) {
				return errTruncated
			}
			b, data = data[n:n+int(l)], data[n+int(l):]
		default:
			return fmt.Errorf("protobuf field %d: unsupported wire type %d", num, wt)
		}
		if err := fn(int(num), wt, v, b); err != nil {
			return err
		}
	}
	return nil
}
