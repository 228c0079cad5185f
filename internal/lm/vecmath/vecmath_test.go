package vecmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestExpShift compares ExpShift with math.Exp on random rows (lengths that
// exercise the 8-lane body and the tail), at the edges of float32's range,
// in place, and checks the returned sum.
func TestExpShift(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{1, 7, 8, 9, 64, 4099} {
		src := make([]float32, n)
		for i := range src {
			src[i] = float32(r.NormFloat64() * 8)
		}
		src[0] = -100 // below the range: ~0
		if n > 2 {
			src[2] = 0 - 1e-7
		}
		shift := float32(3)
		for i := range src {
			src[i] = min(src[i], shift)
		}
		dst := make([]float32, n)
		got := ExpShift(dst, src, shift)
		var want float64
		for i, v := range src {
			e := math.Exp(float64(v - shift))
			want += e
			if d := math.Abs(float64(dst[i]) - e); d > 3e-7*e+1e-37 {
				t.Fatalf("n=%d: exp(%g) = %g, want %g", n, v-shift, dst[i], e)
			}
		}
		if math.Abs(got-want) > 1e-6*want {
			t.Fatalf("n=%d: sum %g, want %g", n, got, want)
		}
		inPlace := append([]float32(nil), src...)
		ExpShift(inPlace, inPlace, shift)
		for i := range dst {
			if inPlace[i] != dst[i] {
				t.Fatalf("n=%d: in place differs at %d", n, i)
			}
		}
	}
}

func BenchmarkExpShift(b *testing.B) {
	src := make([]float32, 4096)
	for i := range src {
		src[i] = -float32(i%97) / 7
	}
	dst := make([]float32, len(src))
	for b.Loop() {
		ExpShift(dst, src, 0)
	}
}

// TestMaxScale checks Max and Scale against plain loops on lengths that
// exercise the 16- and 8-lane bodies and the tail, the maximum anywhere.
func TestMaxScale(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, n := range []int{1, 7, 8, 9, 16, 17, 24, 64, 4099} {
		for at := 0; at < n; at += max(1, n/5) {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(r.NormFloat64()) - 10
			}
			x[at] = 5
			if got := Max(x); got != 5 {
				t.Fatalf("n=%d: Max with 5 at %d = %g", n, at, got)
			}
			want := make([]float32, n)
			for i, v := range x {
				want[i] = v * 0.3
			}
			Scale(x, 0.3)
			for i := range x {
				if x[i] != want[i] {
					t.Fatalf("n=%d: Scale[%d] = %g, want %g", n, i, x[i], want[i])
				}
			}
		}
	}
}
