package gguf

import (
	"bytes"
	"encoding/binary"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestWriteReadRoundTrip(t *testing.T) {
	kvs := []KV{
		{"general.architecture", "llama"},
		{"llama.block_count", uint32(2)},
		{"llama.rope.freq_base", float32(10000)},
		{"general.flag", true},
		{"big", uint64(1 << 40)},
		{"neg", int64(-3)},
		{"f64", 0.5},
		{"tokenizer.ggml.tokens", []string{"a", "b", ""}},
		{"tokenizer.ggml.token_type", []int32{1, 3, 6}},
		{"empty", []string{}},
	}
	w := []WriteTensor{
		{Name: "m", Shape: []int{2, 32}, Type: Q8_0, Data: make([]float32, 64)},
		{Name: "v", Shape: []int{3}, Type: F32, Data: []float32{1, 2, 3}},
		{Name: "h", Shape: []int{5}, Type: F16, Data: []float32{1, -2, 0.5, 0, 3}},
	}
	path := filepath.Join(t.TempDir(), "x.gguf")
	if err := WriteFile(path, kvs, w); err != nil {
		t.Fatal(err)
	}
	g, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if g.Version != 3 || len(g.Keys) != len(kvs) {
		t.Fatalf("version %d, %d keys; want 3 and %d", g.Version, len(g.Keys), len(kvs))
	}
	wantMeta := map[string]any{"general.architecture": "llama", "llama.block_count": uint32(2), "llama.rope.freq_base": float32(10000),
		"general.flag": true, "big": uint64(1 << 40), "neg": int64(-3), "f64": 0.5,
		"tokenizer.ggml.tokens": []any{"a", "b", ""}, "tokenizer.ggml.token_type": []any{int32(1), int32(3), int32(6)}, "empty": []any{}}
	if !reflect.DeepEqual(g.Metadata, wantMeta) {
		t.Errorf("metadata = %v, want %v", g.Metadata, wantMeta)
	}
	for _, wt := range w {
		ti, ok := g.Tensor(wt.Name)
		if !ok || !reflect.DeepEqual(ti.Shape(), wt.Shape) || ti.Type != wt.Type || ti.Offset%DefaultAlignment != 0 {
			t.Fatalf("tensor %s: %+v", wt.Name, ti)
		}
		got, err := g.Float32s(ti)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, wt.Data) {
			t.Errorf("tensor %s = %v, want %v", wt.Name, got, wt.Data)
		}
	}
}

// header builds the start of a GGUF file by hand.
func header(version uint32, nt, nkv uint64, rest ...[]byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, Magic)
	b = binary.LittleEndian.AppendUint32(b, version)
	b = binary.LittleEndian.AppendUint64(b, nt)
	b = binary.LittleEndian.AppendUint64(b, nkv)
	for _, r := range rest {
		b = append(b, r...)
	}
	return b
}

func gstr(s string) []byte {
	return append(binary.LittleEndian.AppendUint64(nil, uint64(len(s))), s...)
}

func u32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func u64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

func TestReadRejects(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"empty", nil, "end of file"},
		{"bad magic", []byte("GGML\x03\x00\x00\x00"), "bad magic"},
		{"version 1", header(1, 0, 0), "version 1"},
		{"huge counts", header(3, 1<<60, 1<<60), "cannot fit"},
		{"long string", header(3, 0, 1, u64(1<<50), make([]byte, 64)), "runs past the end"},
		{"unknown value type", header(3, 0, 1, gstr("k"), u32(99)), "unknown value type"},
		{"huge array", header(3, 0, 1, gstr("k"), u32(uint32(TypeArray)), u32(uint32(TypeUint8)), u64(1<<40)), "cannot fit"},
		{"duplicate key", header(3, 0, 2, gstr("k"), u32(uint32(TypeBool)), []byte{1}, gstr("k"), u32(uint32(TypeBool)), []byte{1}), "twice"},
		{"bad alignment", header(3, 0, 1, gstr("general.alignment"), u32(uint32(TypeUint32)), u32(3)), "power of two"},
		{"too many dims", header(3, 1, 0, gstr("t"), u32(5), make([]byte, 64)), "dimensions"},
		{"zero dim", header(3, 1, 0, gstr("t"), u32(1), u64(0), make([]byte, 64)), "out of range"},
		{"unknown tensor type", header(3, 1, 0, gstr("t"), u32(1), u64(4), u32(77), u64(0)), "not supported"},
		{"partial block", header(3, 1, 0, gstr("t"), u32(1), u64(31), u32(uint32(Q8_0)), u64(0)), "whole"},
		{"data past end", header(3, 1, 0, gstr("t"), u32(1), u64(1000), u32(uint32(F32)), u64(0)), "past the end"},
		{"misaligned", header(3, 1, 0, gstr("t"), u32(1), u64(1), u32(uint32(F32)), u64(4), make([]byte, 64)), "alignment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tt.data), int64(len(tt.data)))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Read error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
