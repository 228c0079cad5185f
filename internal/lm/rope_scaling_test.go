package lm

import (
	"math"
	"strings"
	"testing"
)

// TestRopeScaling checks rope_scaling as Hugging Face computes it, on Llama
// 3.2's settings (θ 500000, head 64, llama3 factor 32, low 1, high 4,
// original context 8192): high frequencies unchanged, low ones divided by
// the factor, the band between interpolated and continuous at both ends;
// linear divides all; unknown types are refused.
func TestRopeScaling(t *testing.T) {
	cfg := tinyConfig("llama", true, false)
	cfg.HeadDim, cfg.HiddenSize, cfg.RopeTheta = 64, 256, 500000
	cfg.RopeScaling = []byte(`{"rope_type":"llama3","factor":32.0,"low_freq_factor":1.0,"high_freq_factor":4.0,"original_max_position_embeddings":8192}`)
	m, err := NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := cfg.ParseRopeScaling()
	for i, got := range m.rope.invFreq {
		f := 1 / math.Pow(500000, float64(2*i)/64)
		wavelen := 2 * math.Pi / f
		var want float64
		switch {
		case wavelen < 8192/4.0:
			want = f
		case wavelen > 8192/1.0:
			want = f / 32
		default:
			s := (8192/wavelen - 1) / 3
			want = (1-s)*f/32 + s*f
			if want <= f/32 || want >= f {
				t.Errorf("band frequency %d: %g outside (%g, %g)", i, want, f/32, f)
			}
		}
		if math.Abs(float64(got)-want) > 1e-6*want {
			t.Errorf("invFreq[%d] = %g, want %g", i, got, want)
		}
	}
	// Continuity at the band's edges.
	for _, edge := range []struct{ wavelen, want float64 }{{8192, 1.0 / 32}, {2048, 1}} {
		f := 2 * math.Pi / edge.wavelen
		if r := scaleFreq(f*(1+1e-9), sc) / f; math.Abs(r-edge.want) > 1e-6 {
			t.Errorf("at wavelength %g: ratio %g, want %g", edge.wavelen, r, edge.want)
		}
	}
	lin := RopeScalingParams{Type: "linear", Factor: 4}
	if got := scaleFreq(0.5, lin); got != 0.125 {
		t.Errorf("linear: %g, want 0.125", got)
	}
	for _, tc := range []struct{ raw, want string }{
		{`{"type":"yarn","factor":4}`, "not supported"},
		{`{"rope_type":"linear"}`, "factor"},
		{`{"rope_type":"llama3","factor":8}`, "llama3 needs"},
		{`[1]`, "rope_scaling"},
	} {
		c := cfg
		c.RopeScaling = []byte(tc.raw)
		if _, err := NewModel(c); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one with %q", tc.raw, err, tc.want)
		}
	}
	for _, raw := range []string{`null`, `{"rope_type":"default"}`, `{"type":"linear","factor":2}`} {
		c := cfg
		c.RopeScaling = []byte(raw)
		if _, err := NewModel(c); err != nil {
			t.Errorf("%s: %v", raw, err)
		}
	}
}
