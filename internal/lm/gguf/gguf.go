// Package gguf reads and writes GGUF files, the single-file model format of
// llama.cpp and Ollama: a header of typed metadata (architecture,
// hyperparameters, tokenizer) and tensors in float or block-quantised
// types, which Reader dequantises to float32.
//
// The reader takes untrusted input: every count, length, shape and offset
// is checked against the file's size before anything is allocated, so a
// corrupt or hostile file gives an error, not a panic or a huge allocation.
// Versions 2 and 3 are read (version 1 used 32-bit counts and is refused);
// version 3 is written.
package gguf

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
)

// Magic is "GGUF" read as a little-endian uint32.
const Magic = 0x46554747

// DefaultAlignment is the tensor data alignment when general.alignment is
// absent.
const DefaultAlignment = 32

// ValueType is the type tag of a metadata value.
type ValueType uint32

// The metadata value types of the GGUF specification.
const (
	TypeUint8 ValueType = iota
	TypeInt8
	TypeUint16
	TypeInt16
	TypeUint32
	TypeInt32
	TypeFloat32
	TypeBool
	TypeString
	TypeArray
	TypeUint64
	TypeInt64
	TypeFloat64
)

// TensorInfo describes one tensor: its name, its shape in GGUF's order
// (Dims[0] varies fastest, so a row-major [rows, cols] matrix has Dims
// [cols, rows]), its element type and its data's offset from the start of
// the data section.
type TensorInfo struct {
	Name   string
	Dims   []uint64
	Type   Type
	Offset uint64
}

// Elements is the number of values in the tensor.
func (t TensorInfo) Elements() uint64 {
	n := uint64(1)
	for _, d := range t.Dims {
		n *= d
	}
	return n
}

// Shape returns the dims in row-major order (Hugging Face's [out, in]).
func (t TensorInfo) Shape() []int {
	s := make([]int, len(t.Dims))
	for i, d := range t.Dims {
		s[len(t.Dims)-1-i] = int(d)
	}
	return s
}

// File is a parsed GGUF header; tensor data is read on demand.
type File struct {
	Version   uint32
	Metadata  map[string]any // uint8…float64, bool, string, or []any for arrays
	Keys      []string       // metadata keys in file order
	Tensors   []TensorInfo
	Alignment uint64
	// DataOffset is where the data section starts in the file.
	DataOffset uint64
	r          io.ReaderAt
	size       uint64
	closer     io.Closer
	index      map[string]int // tensor name → index in Tensors
}

// Open parses the GGUF file at path; Close releases it.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening gguf: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("opening gguf: %w", err)
	}
	g, err := Read(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	g.closer = f
	return g, nil
}

// Close closes the file Open opened.
func (g *File) Close() error {
	if g.closer == nil {
		return nil
	}
	return g.closer.Close()
}

// Read parses a GGUF header from r, whose total size is size.
func Read(r io.ReaderAt, size int64) (*File, error) {
	if size < 0 {
		return nil, errors.New("reading gguf: negative size")
	}
	d := &decoder{r: r, size: uint64(size)}
	if magic := d.u32(); d.err == nil && magic != Magic {
		return nil, fmt.Errorf("reading gguf: bad magic %#x (not a GGUF file)", magic)
	}
	g := &File{Version: d.u32(), Metadata: map[string]any{}, r: r, size: uint64(size), Alignment: DefaultAlignment}
	if d.err == nil && g.Version != 2 && g.Version != 3 {
		return nil, fmt.Errorf("reading gguf: version %d is not supported (2, 3)", g.Version)
	}
	nt, nkv := d.u64(), d.u64()
	// Each key/value needs at least 12 bytes and each tensor info 24.
	if d.err == nil && (nkv > d.left()/12 || nt > d.left()/24) {
		return nil, fmt.Errorf("reading gguf: %d tensors and %d metadata entries cannot fit in %d bytes", nt, nkv, size)
	}
	for i := uint64(0); i < nkv && d.err == nil; i++ {
		key := d.str()
		v := d.value(ValueType(d.u32()), 0)
		if d.err != nil {
			return nil, fmt.Errorf("reading gguf: metadata entry %d (%q): %w", i, key, d.err)
		}
		if _, dup := g.Metadata[key]; dup {
			return nil, fmt.Errorf("reading gguf: metadata key %q appears twice", key)
		}
		g.Metadata[key] = v
		g.Keys = append(g.Keys, key)
	}
	if a, ok := g.Metadata["general.alignment"]; ok {
		u, ok := a.(uint32)
		if !ok || u == 0 || u&(u-1) != 0 || u > 1<<16 {
			return nil, fmt.Errorf("reading gguf: general.alignment %v must be a power of two uint32", a)
		}
		g.Alignment = uint64(u)
	}
	for i := uint64(0); i < nt && d.err == nil; i++ {
		t, err := d.tensorInfo()
		if err != nil {
			return nil, fmt.Errorf("reading gguf: tensor %d: %w", i, err)
		}
		g.Tensors = append(g.Tensors, t)
	}
	if d.err != nil {
		return nil, fmt.Errorf("reading gguf: header: %w", d.err)
	}
	g.DataOffset = alignUp(d.off, g.Alignment)
	if err := g.checkTensors(); err != nil {
		return nil, fmt.Errorf("reading gguf: %w", err)
	}
	return g, nil
}

// checkTensors verifies that names are unique and every tensor's data lies
// inside the file, aligned, without overlapping another's (so the values a
// file can describe are bounded by its size).
func (g *File) checkTensors() error {
	if err := g.checkEach(); err != nil {
		return err
	}
	order := make([]TensorInfo, len(g.Tensors))
	copy(order, g.Tensors)
	slices.SortFunc(order, func(a, b TensorInfo) int { return cmp.Compare(a.Offset, b.Offset) })
	for i := 1; i < len(order); i++ {
		prev := order[i-1]
		n, _ := prev.Type.Bytes(prev.Elements())
		if prev.Offset+n > order[i].Offset {
			return fmt.Errorf("tensors %q and %q overlap", prev.Name, order[i].Name)
		}
	}
	return nil
}

// checkEach checks each tensor on its own.
func (g *File) checkEach() error {
	g.index = map[string]int{}
	for i, t := range g.Tensors {
		if _, dup := g.index[t.Name]; dup {
			return fmt.Errorf("tensor %q appears twice", t.Name)
		}
		g.index[t.Name] = i
		if t.Offset%g.Alignment != 0 {
			return fmt.Errorf("tensor %q: offset %d is not a multiple of the alignment %d", t.Name, t.Offset, g.Alignment)
		}
		n, err := t.Type.Bytes(t.Elements())
		if err != nil {
			return fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		if g.DataOffset > g.size || t.Offset > g.size-g.DataOffset || n > g.size-g.DataOffset-t.Offset {
			return fmt.Errorf("tensor %q: %d bytes at offset %d run past the end of the file (%d bytes)", t.Name, n, t.Offset, g.size)
		}
	}
	return nil
}

// Tensor returns the named tensor's info.
func (g *File) Tensor(name string) (TensorInfo, bool) {
	i, ok := g.index[name]
	if !ok {
		return TensorInfo{}, false
	}
	return g.Tensors[i], true
}

// Raw returns the bytes of the tensor's data.
func (g *File) Raw(t TensorInfo) ([]byte, error) {
	n, err := t.Type.Bytes(t.Elements())
	if err != nil {
		return nil, fmt.Errorf("tensor %q: %w", t.Name, err)
	}
	buf := make([]byte, n)
	if _, err := g.r.ReadAt(buf, int64(g.DataOffset+t.Offset)); err != nil {
		return nil, fmt.Errorf("reading tensor %q: %w", t.Name, err)
	}
	return buf, nil
}

// Float32s reads the tensor and dequantises it to float32.
func (g *File) Float32s(t TensorInfo) ([]float32, error) {
	raw, err := g.Raw(t)
	if err != nil {
		return nil, err
	}
	out, err := Dequantize(t.Type, raw, int(t.Elements()))
	if err != nil {
		return nil, fmt.Errorf("tensor %q: %w", t.Name, err)
	}
	return out, nil
}

func alignUp(n, a uint64) uint64 { return (n + a - 1) / a * a }

// decoder reads little-endian values at a moving offset, remembering the
// first error so that callers check once.
type decoder struct {
	r    io.ReaderAt
	size uint64
	off  uint64
	err  error
	buf  [8]byte
}

func (d *decoder) left() uint64 { return d.size - min(d.off, d.size) }

func (d *decoder) read(n int) []byte {
	if d.err != nil {
		return d.buf[:n]
	}
	if uint64(n) > d.left() {
		d.err = fmt.Errorf("unexpected end of file at byte %d", d.off)
		return d.buf[:n]
	}
	if _, err := d.r.ReadAt(d.buf[:n], int64(d.off)); err != nil {
		d.err = fmt.Errorf("at byte %d: %w", d.off, err)
	}
	d.off += uint64(n)
	return d.buf[:n]
}

func (d *decoder) u8() uint8   { return d.read(1)[0] }
func (d *decoder) u16() uint16 { return binary.LittleEndian.Uint16(d.read(2)) }
func (d *decoder) u32() uint32 { return binary.LittleEndian.Uint32(d.read(4)) }
func (d *decoder) u64() uint64 { return binary.LittleEndian.Uint64(d.read(8)) }

// str reads a length-prefixed string.
func (d *decoder) str() string {
	n := d.u64()
	if d.err != nil {
		return ""
	}
	if n > d.left() {
		d.err = fmt.Errorf("string of %d bytes at byte %d runs past the end of the file", n, d.off)
		return ""
	}
	b := make([]byte, n)
	if _, err := d.r.ReadAt(b, int64(d.off)); err != nil {
		d.err = fmt.Errorf("at byte %d: %w", d.off, err)
	}
	d.off += n
	return string(b)
}

// maxDepth bounds nested arrays.
const maxDepth = 4

// value reads one metadata value of type t.
func (d *decoder) value(t ValueType, depth int) any {
	switch t {
	case TypeUint8:
		return d.u8()
	case TypeInt8:
		return int8(d.u8())
	case TypeUint16:
		return d.u16()
	case TypeInt16:
		return int16(d.u16())
	case TypeUint32:
		return d.u32()
	case TypeInt32:
		return int32(d.u32())
	case TypeFloat32:
		return math.Float32frombits(d.u32())
	case TypeBool:
		return d.u8() != 0
	case TypeString:
		return d.str()
	case TypeUint64:
		return d.u64()
	case TypeInt64:
		return int64(d.u64())
	case TypeFloat64:
		return math.Float64frombits(d.u64())
	case TypeArray:
		return d.array(depth)
	}
	if d.err == nil {
		d.err = fmt.Errorf("unknown value type %d at byte %d", t, d.off)
	}
	return nil
}

// array reads an array value: element type, count, elements.
func (d *decoder) array(depth int) []any {
	et, n := ValueType(d.u32()), d.u64()
	if d.err != nil {
		return nil
	}
	if depth >= maxDepth {
		d.err = fmt.Errorf("arrays nested deeper than %d", maxDepth)
		return nil
	}
	// Every element takes at least one byte.
	if n > d.left() {
		d.err = fmt.Errorf("array of %d elements at byte %d cannot fit in the file", n, d.off)
		return nil
	}
	out := make([]any, 0, min(n, 1<<16))
	for i := uint64(0); i < n && d.err == nil; i++ {
		out = append(out, d.value(et, depth+1))
	}
	return out
}

// maxDims bounds a tensor's rank (ggml's GGML_MAX_DIMS).
const maxDims = 4

// tensorInfo reads one tensor description.
func (d *decoder) tensorInfo() (TensorInfo, error) {
	t := TensorInfo{Name: d.str()}
	nd := d.u32()
	if d.err != nil {
		return t, d.err
	}
	if nd == 0 || nd > maxDims {
		return t, fmt.Errorf("%q has %d dimensions (1 to %d)", t.Name, nd, maxDims)
	}
	elems := uint64(1)
	for range nd {
		v := d.u64()
		if v == 0 || v > 1<<40 || elems > (1<<50)/v {
			if d.err != nil {
				return t, d.err
			}
			return t, fmt.Errorf("%q: dimension %d is out of range", t.Name, v)
		}
		elems *= v
		t.Dims = append(t.Dims, v)
	}
	t.Type, t.Offset = Type(d.u32()), d.u64()
	if d.err != nil {
		return t, d.err
	}
	if _, err := t.Type.Bytes(elems); err != nil {
		return t, fmt.Errorf("%q: %w", t.Name, err)
	}
	return t, nil
}
