package gguf

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// KV is one metadata entry to write. Value is a uint8…uint64, int8…int64,
// float32, float64, bool, string, or a slice of one of those ([]string,
// []int32, []float32, …).
type KV struct {
	Key   string
	Value any
}

// WriteTensor is one tensor to write: its row-major shape (Hugging Face's
// [out, in]), the type to store it in and its float32 values.
type WriteTensor struct {
	Name  string
	Shape []int
	Type  Type
	Data  []float32
}

// WriteFile writes a version 3 GGUF file to path (through a temporary file
// renamed into place): the metadata in order, then the tensors, each
// quantised to its type and aligned to DefaultAlignment.
func WriteFile(path string, kvs []KV, tensors []WriteTensor) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gguf-*")
	if err != nil {
		return fmt.Errorf("writing gguf: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := Write(w, kvs, tensors); err != nil {
		return fmt.Errorf("writing gguf %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("writing gguf %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing gguf %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("writing gguf: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing gguf: %w", err)
	}
	return nil
}

// Write writes a version 3 GGUF stream to w.
func Write(w io.Writer, kvs []KV, tensors []WriteTensor) error {
	e := &encoder{w: w}
	e.u32(Magic)
	e.u32(3)
	e.u64(uint64(len(tensors)))
	e.u64(uint64(len(kvs)))
	for _, kv := range kvs {
		e.str(kv.Key)
		if err := e.value(kv.Value); err != nil {
			return fmt.Errorf("metadata %q: %w", kv.Key, err)
		}
	}
	var offset uint64
	sizes := make([]uint64, len(tensors))
	for i, t := range tensors {
		n := 1
		for _, d := range t.Shape {
			n *= d
		}
		if n != len(t.Data) {
			return fmt.Errorf("tensor %q: shape %v holds %d values, got %d", t.Name, t.Shape, n, len(t.Data))
		}
		size, err := t.Type.Bytes(uint64(n))
		if err != nil {
			return fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		e.str(t.Name)
		e.u32(uint32(len(t.Shape)))
		for j := len(t.Shape) - 1; j >= 0; j-- {
			e.u64(uint64(t.Shape[j]))
		}
		e.u32(uint32(t.Type))
		e.u64(offset)
		sizes[i] = size
		offset = alignUp(offset+size, DefaultAlignment)
	}
	e.pad()
	for i, t := range tensors {
		raw, err := Quantize(t.Type, t.Data)
		if err != nil {
			return fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		if uint64(len(raw)) != sizes[i] {
			return fmt.Errorf("tensor %q: %d bytes, want %d", t.Name, len(raw), sizes[i])
		}
		e.bytes(raw)
		e.pad()
	}
	return e.err
}

// encoder writes little-endian values, remembering the first error and
// counting bytes for alignment.
type encoder struct {
	w   io.Writer
	n   uint64
	err error
}

func (e *encoder) bytes(b []byte) {
	if e.err != nil {
		return
	}
	_, e.err = e.w.Write(b)
	e.n += uint64(len(b))
}

func (e *encoder) u8(v uint8) { e.bytes([]byte{v}) }
func (e *encoder) u16(v uint16) {
	e.bytes(binary.LittleEndian.AppendUint16(nil, v))
}
func (e *encoder) u32(v uint32) { e.bytes(binary.LittleEndian.AppendUint32(nil, v)) }
func (e *encoder) u64(v uint64) { e.bytes(binary.LittleEndian.AppendUint64(nil, v)) }
func (e *encoder) str(s string) {
	e.u64(uint64(len(s)))
	e.bytes([]byte(s))
}

// pad writes zeros up to the next multiple of DefaultAlignment.
func (e *encoder) pad() {
	if k := alignUp(e.n, DefaultAlignment) - e.n; k > 0 {
		e.bytes(make([]byte, k))
	}
}

// value writes a type tag and a value.
func (e *encoder) value(v any) error {
	t, err := typeOf(v)
	if err != nil {
		return err
	}
	e.u32(uint32(t))
	if t != TypeArray {
		e.scalar(v)
		return nil
	}
	elems := arrayElems(v)
	et := TypeString
	if len(elems) > 0 {
		if et, err = typeOf(elems[0]); err != nil || et == TypeArray {
			return fmt.Errorf("array of %T is not supported", elems[0])
		}
	} else if et, err = emptyArrayType(v); err != nil {
		return err
	}
	e.u32(uint32(et))
	e.u64(uint64(len(elems)))
	for i, x := range elems {
		if xt, _ := typeOf(x); xt != et {
			return fmt.Errorf("array element %d is %T, not of the first element's type", i, x)
		}
		e.scalar(x)
	}
	return nil
}

func (e *encoder) scalar(v any) {
	switch x := v.(type) {
	case uint8:
		e.u8(x)
	case int8:
		e.u8(uint8(x))
	case uint16:
		e.u16(x)
	case int16:
		e.u16(uint16(x))
	case uint32:
		e.u32(x)
	case int32:
		e.u32(uint32(x))
	case float32:
		e.u32(math.Float32bits(x))
	case bool:
		if x {
			e.u8(1)
		} else {
			e.u8(0)
		}
	case string:
		e.str(x)
	case uint64:
		e.u64(x)
	case int64:
		e.u64(uint64(x))
	case float64:
		e.u64(math.Float64bits(x))
	}
}

func typeOf(v any) (ValueType, error) {
	switch v.(type) {
	case uint8:
		return TypeUint8, nil
	case int8:
		return TypeInt8, nil
	case uint16:
		return TypeUint16, nil
	case int16:
		return TypeInt16, nil
	case uint32:
		return TypeUint32, nil
	case int32:
		return TypeInt32, nil
	case float32:
		return TypeFloat32, nil
	case bool:
		return TypeBool, nil
	case string:
		return TypeString, nil
	case uint64:
		return TypeUint64, nil
	case int64:
		return TypeInt64, nil
	case float64:
		return TypeFloat64, nil
	case []string, []int32, []uint32, []float32, []any:
		return TypeArray, nil
	}
	return 0, fmt.Errorf("metadata value of type %T is not supported", v)
}

func arrayElems(v any) []any {
	var out []any
	switch x := v.(type) {
	case []string:
		for _, s := range x {
			out = append(out, s)
		}
	case []int32:
		for _, s := range x {
			out = append(out, s)
		}
	case []uint32:
		for _, s := range x {
			out = append(out, s)
		}
	case []float32:
		for _, s := range x {
			out = append(out, s)
		}
	case []any:
		out = x
	}
	return out
}

func emptyArrayType(v any) (ValueType, error) {
	switch v.(type) {
	case []int32:
		return TypeInt32, nil
	case []uint32:
		return TypeUint32, nil
	case []float32:
		return TypeFloat32, nil
	}
	return TypeString, nil
}
