package lm

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHalfToFloat32(t *testing.T) {
	tests := []struct {
		bits uint16
		want float32
	}{
		{0x0000, 0}, {0x3c00, 1}, {0xc000, -2}, {0x3555, 0.333251953125}, {0x7bff, 65504},
		{0x0001, 5.960464477539063e-08}, {0x8400, -6.103515625e-05}, {0x7c00, float32(math.Inf(1))},
	}
	for _, tt := range tests {
		if got := halfToFloat32(tt.bits); got != tt.want {
			t.Errorf("halfToFloat32(%#04x) = %g, want %g", tt.bits, got, tt.want)
		}
	}
}

// writeRaw writes a one-tensor safetensors file with the given dtype and bytes.
func writeRaw(t *testing.T, path, name, dtype string, shape []int, raw []byte) {
	t.Helper()
	h, _ := json.Marshal(map[string]any{name: tensorInfo{Dtype: dtype, Shape: shape, DataOffsets: [2]int64{0, int64(len(raw))}}})
	buf := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
	buf = append(append(buf, h...), raw...)
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSafetensorsDtypes(t *testing.T) {
	want := []float32{1, -2, 0.5, 3.25, 0, -0.125}
	var bf, f16 []byte
	for _, v := range want {
		bf = binary.LittleEndian.AppendUint16(bf, uint16(math.Float32bits(v)>>16))
	}
	f16 = binary.LittleEndian.AppendUint16(f16, 0x3c00) // 1
	f16 = binary.LittleEndian.AppendUint16(f16, 0xc000) // -2
	f16 = binary.LittleEndian.AppendUint16(f16, 0x3800) // 0.5
	f16 = binary.LittleEndian.AppendUint16(f16, 0x4280) // 3.25
	f16 = binary.LittleEndian.AppendUint16(f16, 0x0000) // 0
	f16 = binary.LittleEndian.AppendUint16(f16, 0xb000) // -0.125
	dir := t.TempDir()
	for _, tt := range []struct {
		dtype string
		raw   []byte
	}{{"BF16", bf}, {"F16", f16}} {
		path := filepath.Join(dir, tt.dtype+".safetensors")
		writeRaw(t, path, "w", tt.dtype, []int{2, 3}, tt.raw)
		sf, err := openSafetensors(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := sf.float32s("w", []int{2, 3})
		if err != nil {
			t.Fatal(err)
		}
		if d := maxAbsDiff(got, want); d != 0 {
			t.Errorf("%s: got %v, want %v", tt.dtype, got, want)
		}
		if _, err := sf.float32s("w", []int{3, 2}); err == nil || !strings.Contains(err.Error(), `tensor "w" has shape [2 3], want [3 2]`) {
			t.Errorf("%s: shape mismatch error = %v", tt.dtype, err)
		}
		sf.close()
	}
}

func TestSafetensorsRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, dtype string
		shape       []int
		raw         []byte
		want        string
	}{
		{"short data", "F32", []int{4}, make([]byte, 12), "do not fit shape"},
		{"unknown dtype", "I8", []int{4}, make([]byte, 4), "dtype I8 is not supported"},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, "x.safetensors")
		writeRaw(t, path, "w", tt.dtype, tt.shape, tt.raw)
		if _, err := openSafetensors(path); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}
