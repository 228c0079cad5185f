package gguf

import (
	"math"
	"os/exec"
	"path/filepath"
	"testing"
)

// checkAgainstReference dequantises every tensor of a file written by
// testdata/quant_ref.py and compares it with the script's "want." tensor.
func checkAgainstReference(t *testing.T, path string) {
	t.Helper()
	g, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	tests := []struct {
		name string
		typ  Type
	}{{"q8_0", Q8_0}, {"q4_0", Q4_0}, {"q4_k", Q4_K}, {"q6_k", Q6_K}, {"f16", F16}, {"bf16", BF16}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ti, ok := g.Tensor(tt.name)
			if !ok || ti.Type != tt.typ {
				t.Fatalf("tensor %q: found %v, type %v, want %v", tt.name, ok, ti.Type, tt.typ)
			}
			wi, _ := g.Tensor("want." + tt.name)
			got, err := g.Float32s(ti)
			if err != nil {
				t.Fatal(err)
			}
			want, err := g.Float32s(wi)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d values, want %d", len(got), len(want))
			}
			nonzero := 0
			for i := range got {
				if d := math.Abs(float64(got[i] - want[i])); d > 1e-6*max(1, math.Abs(float64(want[i]))) {
					t.Fatalf("value %d = %g, reference %g", i, got[i], want[i])
				}
				if want[i] != 0 {
					nonzero++
				}
			}
			if nonzero < len(want)/2 {
				t.Errorf("only %d of %d reference values are non-zero: the test data is too weak", nonzero, len(want))
			}
		})
	}
}

// TestDequantizeShippedReference compares with the reference values shipped
// in testdata/quant.gguf.
func TestDequantizeShippedReference(t *testing.T) {
	checkAgainstReference(t, filepath.Join("testdata", "quant.gguf"))
}

// TestDequantizeFreshReference runs the Python reference on new random
// blocks when python3 with numpy is available.
func TestDequantizeFreshReference(t *testing.T) {
	py := ""
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(p, "-c", "import numpy").Run() == nil {
			py = p
			break
		}
	}
	if py == "" {
		t.Skip("skipping: no python3 with numpy (Debian: python3-numpy)")
	}
	path := filepath.Join(t.TempDir(), "fresh.gguf")
	if out, err := exec.Command(py, "testdata/quant_ref.py", path, "7").CombinedOutput(); err != nil {
		t.Fatalf("quant_ref.py: %v\n%s", err, out)
	}
	checkAgainstReference(t, path)
}

func TestQuantizeRoundTrip(t *testing.T) {
	x := make([]float32, 128)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)*0.37)) * float32(1+i%5)
	}
	x[3] = 0
	tests := []struct {
		typ Type
		tol float64 // relative to the largest |x|
	}{{F32, 0}, {F16, 1e-3}, {BF16, 8e-3}, {Q8_0, 1.0 / 127}}
	for _, tt := range tests {
		t.Run(tt.typ.String(), func(t *testing.T) {
			raw, err := Quantize(tt.typ, x)
			if err != nil {
				t.Fatal(err)
			}
			back, err := Dequantize(tt.typ, raw, len(x))
			if err != nil {
				t.Fatal(err)
			}
			for i := range x {
				if d := math.Abs(float64(back[i] - x[i])); d > tt.tol*5 {
					t.Fatalf("value %d: %g came back as %g", i, x[i], back[i])
				}
			}
		})
	}
	if _, err := Quantize(Q4_K, x[:64]); err == nil {
		t.Error("Quantize(Q4_K) succeeded; only F32, F16, BF16 and Q8_0 are written")
	}
}

func TestF16Conversion(t *testing.T) {
	tests := []struct {
		f float32
		h uint16
	}{
		{0, 0}, {1, 0x3c00}, {-2, 0xc000}, {65504, 0x7bff}, {1e6, 0x7c00}, {6.103515625e-05, 0x0400},
		{5.960464477539063e-08, 0x0001}, {0.333251953125, 0x3555}, {float32(math.Inf(-1)), 0xfc00},
	}
	for _, tt := range tests {
		if got := F32ToF16(tt.f); got != tt.h {
			t.Errorf("F32ToF16(%g) = %#04x, want %#04x", tt.f, got, tt.h)
		}
		if tt.h != 0x7c00 || tt.f == float32(math.Inf(1)) {
			if got := F16ToF32(tt.h); got != tt.f && !(tt.f == 1e6) {
				t.Errorf("F16ToF32(%#04x) = %g, want %g", tt.h, got, tt.f)
			}
		}
	}
	// Every half value survives the round trip through float32.
	for h := 0; h < 1<<16; h++ {
		f := F16ToF32(uint16(h))
		if f != f { // NaN
			continue
		}
		if back := F32ToF16(f); back != uint16(h) {
			t.Fatalf("half %#04x -> %g -> %#04x", h, f, back)
		}
	}
}
