package lm

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"syscall"
)

// The safetensors format is small enough to implement here rather than take
// a dependency: an 8-byte little-endian header length, a JSON header mapping
// tensor names to dtype, shape and [begin, end) data offsets, then the raw
// little-endian data. Reading memory-maps the file so a multi-gigabyte
// checkpoint is paged in as tensors are converted, not copied up front.

// tensorInfo is one entry of a safetensors header.
type tensorInfo struct {
	Dtype       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// safetensorsFile is an open, memory-mapped safetensors file.
type safetensorsFile struct {
	path    string
	mapped  []byte
	data    []byte
	tensors map[string]tensorInfo
}

// openSafetensors memory-maps path and parses its header.
func openSafetensors(path string) (*safetensorsFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening safetensors: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("opening safetensors: %w", err)
	}
	size := st.Size()
	if size < 8 {
		return nil, fmt.Errorf("%s: file of %d bytes is too short for a safetensors header", path, size)
	}
	mapped, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("memory-mapping %s: %w", path, err)
	}
	sf, err := parseSafetensors(path, mapped)
	if err != nil {
		syscall.Munmap(mapped)
		return nil, err
	}
	sf.mapped = mapped
	return sf, nil
}

// parseSafetensors parses the header of a whole safetensors file in buf.
func parseSafetensors(path string, buf []byte) (*safetensorsFile, error) {
	if len(buf) < 8 {
		return nil, fmt.Errorf("%s: file of %d bytes is too short for a safetensors header", path, len(buf))
	}
	n := binary.LittleEndian.Uint64(buf[:8])
	if n > uint64(len(buf)-8) {
		return nil, fmt.Errorf("%s: header length %d exceeds file size %d", path, n, len(buf))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(buf[8:8+n], &raw); err != nil {
		return nil, fmt.Errorf("%s: decoding safetensors header: %w", path, err)
	}
	sf := &safetensorsFile{path: path, data: buf[8+n:], tensors: map[string]tensorInfo{}}
	for name, msg := range raw {
		if name == "__metadata__" {
			continue
		}
		var ti tensorInfo
		if err := json.Unmarshal(msg, &ti); err != nil {
			return nil, fmt.Errorf("%s: tensor %q: decoding header entry: %w", path, name, err)
		}
		size, ok := dtypeSize[ti.Dtype]
		if !ok {
			return nil, fmt.Errorf("%s: tensor %q: dtype %s is not supported (F32, BF16, F16)", path, name, ti.Dtype)
		}
		want := int64(size)
		for _, d := range ti.Shape {
			// A negative dimension, or a product that would overflow and
			// wrap around to match the offsets, is refused here.
			if d < 0 || (d > 0 && want > (1<<62)/int64(d)) {
				return nil, fmt.Errorf("%s: tensor %q: shape %v is not a valid shape", path, name, ti.Shape)
			}
			want *= int64(d)
		}
		b, e := ti.DataOffsets[0], ti.DataOffsets[1]
		if b < 0 || e < b || e > int64(len(sf.data)) || e-b != want {
			return nil, fmt.Errorf("%s: tensor %q: data offsets [%d,%d) do not fit shape %v of %s in %d data bytes", path, name, b, e, ti.Shape, ti.Dtype, len(sf.data))
		}
		sf.tensors[name] = ti
	}
	return sf, nil
}

var dtypeSize = map[string]int{"F32": 4, "BF16": 2, "F16": 2}

// close unmaps the file; tensors read from it stay valid (they are copies).
func (sf *safetensorsFile) close() error {
	if sf.mapped == nil {
		return nil
	}
	err := syscall.Munmap(sf.mapped)
	sf.mapped, sf.data = nil, nil
	if err != nil {
		return fmt.Errorf("unmapping %s: %w", sf.path, err)
	}
	return nil
}

// float32s converts the named tensor to a new float32 slice, checking that
// its shape is want.
func (sf *safetensorsFile) float32s(name string, want []int) ([]float32, error) {
	ti, ok := sf.tensors[name]
	if !ok {
		return nil, fmt.Errorf("%s: tensor %q is missing", sf.path, name)
	}
	if !slices.Equal(ti.Shape, want) {
		return nil, fmt.Errorf("%s: tensor %q has shape %v, want %v", sf.path, name, ti.Shape, want)
	}
	raw := sf.data[ti.DataOffsets[0]:ti.DataOffsets[1]]
	return decodeFloats(ti.Dtype, raw), nil
}

// decodeFloats converts little-endian F32, BF16 or F16 bytes to float32.
func decodeFloats(dtype string, raw []byte) []float32 {
	switch dtype {
	case "F32":
		out := make([]float32, len(raw)/4)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		return out
	case "BF16":
		out := make([]float32, len(raw)/2)
		for i := range out {
			out[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(raw[2*i:])) << 16)
		}
		return out
	case "F16":
		out := make([]float32, len(raw)/2)
		for i := range out {
			out[i] = halfToFloat32(binary.LittleEndian.Uint16(raw[2*i:]))
		}
		return out
	}
	panic("lm: unreachable dtype " + dtype)
}

// halfToFloat32 converts an IEEE 754 binary16 value.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // inf or NaN
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp == 0 && mant == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: value = mant · 2^-24
		v := float32(mant) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | (exp+112)<<23 | mant<<13)
}

// namedTensor is a float32 tensor to be written.
type namedTensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// writeSafetensors writes tensors as F32 in name order to path.
func writeSafetensors(path string, tensors []namedTensor) error {
	sort.Slice(tensors, func(i, j int) bool { return tensors[i].Name < tensors[j].Name })
	header := map[string]any{"__metadata__": map[string]string{"format": "pt"}}
	var off int64
	for _, t := range tensors {
		if n := shapeSize(t.Shape); n != len(t.Data) {
			return fmt.Errorf("writing %s: tensor %q has %d values for shape %v", path, t.Name, len(t.Data), t.Shape)
		}
		end := off + int64(4*len(t.Data))
		header[t.Name] = tensorInfo{Dtype: "F32", Shape: t.Shape, DataOffsets: [2]int64{off, end}}
		off = end
	}
	hb, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("writing %s: encoding header: %w", path, err)
	}
	for len(hb)%8 != 0 {
		hb = append(hb, ' ')
	}
	buf := make([]byte, 8, 8+len(hb)+int(off))
	binary.LittleEndian.PutUint64(buf, uint64(len(hb)))
	buf = append(buf, hb...)
	for _, t := range tensors {
		for _, v := range t.Data {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		return fmt.Errorf("writing safetensors: %w", err)
	}
	return nil
}

func shapeSize(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
