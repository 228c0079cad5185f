package gguf

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Type is a ggml tensor element type.
type Type uint32

// The ggml types this package reads (all) and writes (F32, F16, Q8_0).
const (
	F32  Type = 0
	F16  Type = 1
	Q4_0 Type = 2
	Q8_0 Type = 8
	Q4_K Type = 12
	Q6_K Type = 14
	BF16 Type = 30
)

// layouts gives each supported type's block: values per block and bytes
// per block, as ggml-common.h lays them out.
var layouts = map[Type]struct {
	name         string
	block, bytes uint64
}{
	F32:  {"F32", 1, 4},
	F16:  {"F16", 1, 2},
	BF16: {"BF16", 1, 2},
	Q8_0: {"Q8_0", 32, 2 + 32},             // d f16, qs[32] int8
	Q4_0: {"Q4_0", 32, 2 + 16},             // d f16, qs[16] nibbles
	Q4_K: {"Q4_K", 256, 2 + 2 + 12 + 128},  // d, dmin f16, scales[12], qs[128]
	Q6_K: {"Q6_K", 256, 128 + 64 + 16 + 2}, // ql[128], qh[64], scales[16] int8, d f16
}

func (t Type) String() string {
	if l, ok := layouts[t]; ok {
		return l.name
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// ParseType reads a type name (f32, f16, bf16, q8_0, q4_0, q4_k, q6_k).
func ParseType(s string) (Type, error) {
	for t, l := range layouts {
		if equalFold(l.name, s) {
			return t, nil
		}
	}
	return 0, fmt.Errorf("unknown tensor type %q (f32, f16, bf16, q8_0, q4_0, q4_k, q6_k)", s)
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Bytes is the size of n values of type t; n must fill whole blocks.
func (t Type) Bytes(n uint64) (uint64, error) {
	l, ok := layouts[t]
	if !ok {
		return 0, fmt.Errorf("tensor type %s is not supported (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K)", t)
	}
	if n%l.block != 0 {
		return 0, fmt.Errorf("%d values do not fill whole %s blocks of %d", n, l.name, l.block)
	}
	return n / l.block * l.bytes, nil
}

// Dequantize converts n values of type t stored in raw to float32.
func Dequantize(t Type, raw []byte, n int) ([]float32, error) {
	size, err := t.Bytes(uint64(n))
	if err != nil {
		return nil, err
	}
	if uint64(len(raw)) != size {
		return nil, fmt.Errorf("%d bytes for %d %s values, want %d", len(raw), n, t, size)
	}
	out := make([]float32, n)
	le := binary.LittleEndian
	switch t {
	case F32:
		for i := range out {
			out[i] = math.Float32frombits(le.Uint32(raw[4*i:]))
		}
	case F16:
		for i := range out {
			out[i] = F16ToF32(le.Uint16(raw[2*i:]))
		}
	case BF16:
		for i := range out {
			out[i] = math.Float32frombits(uint32(le.Uint16(raw[2*i:])) << 16)
		}
	case Q8_0:
		for b := 0; b < n/32; b++ {
			blk := raw[b*34 : (b+1)*34]
			d := F16ToF32(le.Uint16(blk))
			for j := 0; j < 32; j++ {
				out[b*32+j] = d * float32(int8(blk[2+j]))
			}
		}
	case Q4_0:
		for b := 0; b < n/32; b++ {
			blk := raw[b*18 : (b+1)*18]
			d := F16ToF32(le.Uint16(blk))
			for j := 0; j < 16; j++ {
				out[b*32+j] = d * float32(int(blk[2+j]&0xF)-8)
				out[b*32+j+16] = d * float32(int(blk[2+j]>>4)-8)
			}
		}
	case Q4_K:
		for b := 0; b < n/256; b++ {
			dequantQ4K(out[b*256:(b+1)*256], raw[b*144:(b+1)*144])
		}
	case Q6_K:
		for b := 0; b < n/256; b++ {
			dequantQ6K(out[b*256:(b+1)*256], raw[b*210:(b+1)*210])
		}
	}
	return out, nil
}

// dequantQ4K follows ggml-quants.c's dequantize_row_q4_K for one block:
// eight sub-blocks of 32, each with a 6-bit scale and min packed in
// scales[12], taken from the low then the high nibbles of 32 bytes.
func dequantQ4K(y []float32, blk []byte) {
	d := F16ToF32(binary.LittleEndian.Uint16(blk))
	dmin := F16ToF32(binary.LittleEndian.Uint16(blk[2:]))
	scales, q := blk[4:16], blk[16:]
	for j, is := 0, 0; j < 256; j, is = j+64, is+2 {
		sc, m := scaleMinK4(is, scales)
		d1, m1 := d*float32(sc), dmin*float32(m)
		sc, m = scaleMinK4(is+1, scales)
		d2, m2 := d*float32(sc), dmin*float32(m)
		for l := 0; l < 32; l++ {
			y[j+l] = d1*float32(q[l]&0xF) - m1
			y[j+32+l] = d2*float32(q[l]>>4) - m2
		}
		q = q[32:]
	}
}

// scaleMinK4 is ggml's get_scale_min_k4: sub-block j's 6-bit scale and min.
func scaleMinK4(j int, q []byte) (uint8, uint8) {
	if j < 4 {
		return q[j] & 63, q[j+4] & 63
	}
	return (q[j+4] & 0xF) | ((q[j-4] >> 6) << 4), (q[j+4] >> 4) | ((q[j] >> 6) << 4)
}

// dequantQ6K follows dequantize_row_q6_K for one block: 6-bit values from
// 4 low bits (ql) and 2 high bits (qh), minus 32, times an int8 scale per
// 16 values and the block's d.
func dequantQ6K(y []float32, blk []byte) {
	ql, qh, sc := blk[:128], blk[128:192], blk[192:208]
	d := F16ToF32(binary.LittleEndian.Uint16(blk[208:]))
	for n := 0; n < 256; n += 128 {
		for l := 0; l < 32; l++ {
			is := l / 16
			q1 := int((ql[l]&0xF)|((qh[l]>>0)&3)<<4) - 32
			q2 := int((ql[l+32]&0xF)|((qh[l]>>2)&3)<<4) - 32
			q3 := int((ql[l]>>4)|((qh[l]>>4)&3)<<4) - 32
			q4 := int((ql[l+32]>>4)|((qh[l]>>6)&3)<<4) - 32
			y[n+l] = d * float32(int8(sc[is])) * float32(q1)
			y[n+l+32] = d * float32(int8(sc[is+2])) * float32(q2)
			y[n+l+64] = d * float32(int8(sc[is+4])) * float32(q3)
			y[n+l+96] = d * float32(int8(sc[is+6])) * float32(q4)
		}
		ql, qh, sc = ql[64:], qh[32:], sc[8:]
	}
}

// Quantize encodes x in type t: F32, F16, BF16 (rounded to nearest even)
// or Q8_0 (ggml's quantize_row_q8_0_ref: d = max|x|/127 per 32 values,
// q = round(x/d)).
func Quantize(t Type, x []float32) ([]byte, error) {
	size, err := t.Bytes(uint64(len(x)))
	if err != nil {
		return nil, err
	}
	out := make([]byte, size)
	le := binary.LittleEndian
	switch t {
	case F32:
		for i, v := range x {
			le.PutUint32(out[4*i:], math.Float32bits(v))
		}
	case F16:
		for i, v := range x {
			le.PutUint16(out[2*i:], F32ToF16(v))
		}
	case BF16:
		for i, v := range x {
			le.PutUint16(out[2*i:], f32ToBF16(v))
		}
	case Q8_0:
		for b := 0; b < len(x)/32; b++ {
			quantQ8_0(out[b*34:(b+1)*34], x[b*32:(b+1)*32])
		}
	default:
		return nil, fmt.Errorf("writing %s tensors is not supported (F32, F16, BF16, Q8_0)", t)
	}
	return out, nil
}

func quantQ8_0(blk []byte, x []float32) {
	var amax float32
	for _, v := range x {
		amax = max(amax, float32(math.Abs(float64(v))))
	}
	d := amax / 127
	id := float32(0)
	if d != 0 {
		id = 1 / d
	}
	binary.LittleEndian.PutUint16(blk, F32ToF16(d))
	for j, v := range x {
		blk[2+j] = byte(int8(math.Round(float64(v * id))))
	}
}

// F16ToF32 converts an IEEE half-precision value to float32.
func F16ToF32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0 && mant == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: normalise
		e := uint32(127 - 15 + 1)
		for mant&0x400 == 0 {
			mant <<= 1
			e--
		}
		return math.Float32frombits(sign | e<<23 | (mant&0x3ff)<<13)
	case exp == 0x1f:
		return math.Float32frombits(sign | 0xff<<23 | mant<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}

// F32ToF16 converts float32 to half precision, rounding to nearest even
// and saturating to infinity.
func F32ToF16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	mant := b & 0x7fffff
	if exp == 0xff {
		if mant != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	}
	e := exp - 127 + 15
	if e >= 0x1f {
		return sign | 0x7c00
	}
	if e <= 0 {
		if e < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint32(14 - e)
		half := mant >> shift
		rem := mant & (1<<shift - 1)
		mid := uint32(1) << (shift - 1)
		if rem > mid || (rem == mid && half&1 == 1) {
			half++
		}
		return sign | uint16(half)
	}
	half := uint32(e)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && half&1 == 1) {
		half++ // may carry into the exponent, which is still correct
	}
	return sign | uint16(half)
}

// f32ToBF16 rounds float32 to bfloat16 (nearest even), keeping NaN a NaN.
func f32ToBF16(f float32) uint16 {
	b := math.Float32bits(f)
	if b&0x7fffffff > 0x7f800000 {
		return uint16(b>>16) | 0x40
	}
	return uint16((b + 0x7fff + (b>>16)&1) >> 16)
}
