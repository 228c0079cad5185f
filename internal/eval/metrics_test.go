package eval

import (
	"math"
	"testing"

	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

func rows(vals ...[]sqlexec.Value) [][]sqlexec.Value { return vals }

func TestSoftF1(t *testing.T) {
	i, r, s, n := sqlexec.IntValue, sqlexec.RealValue, sqlexec.TextValue, sqlexec.NullValue
	tests := []struct {
		name       string
		gold, pred [][]sqlexec.Value
		want       float64
	}{
		{"both empty", nil, nil, 1},
		{"gold empty", nil, rows([]sqlexec.Value{i(1)}), 0},
		{"identical", rows([]sqlexec.Value{i(1), s("a")}), rows([]sqlexec.Value{i(1), s("a")}), 1},
		{"1 equals 1.0", rows([]sqlexec.Value{i(1)}), rows([]sqlexec.Value{r(1.0)}), 1},
		{"text 1 is not int 1", rows([]sqlexec.Value{i(1)}), rows([]sqlexec.Value{s("1")}), 0},
		{"null equals null", rows([]sqlexec.Value{n()}), rows([]sqlexec.Value{n()}), 1},
		{"duplicates dropped", rows([]sqlexec.Value{i(1)}), rows([]sqlexec.Value{i(1)}, []sqlexec.Value{i(1)}), 1},
		// gold (1,a),(2,b); pred (1,x): row 0 tp .5 fp .5 fn .5; row 1 fn 1 → p .5 r 1/4 → f1 1/3
		{"partial", rows([]sqlexec.Value{i(1), s("a")}, []sqlexec.Value{i(2), s("b")}), rows([]sqlexec.Value{i(1), s("x")}), 1.0 / 3},
		// extra predicted row: tp 1, fp 1 → p .5 r 1 → 2/3
		{"extra row", rows([]sqlexec.Value{i(1)}), rows([]sqlexec.Value{i(1)}, []sqlexec.Value{i(2)}), 2.0 / 3},
		{"columns permuted within a row", rows([]sqlexec.Value{i(1), s("a")}), rows([]sqlexec.Value{s("a"), i(1)}), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SoftF1(tt.gold, tt.pred); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("SoftF1 = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVESReward(t *testing.T) {
	tests := []struct {
		ratios []float64
		want   float64
	}{
		{nil, 0},
		{[]float64{3, 3}, 1.25},
		{[]float64{2}, 1.25},
		{[]float64{1.5, 1.2}, 1},
		{[]float64{0.6}, 0.75},
		{[]float64{0.3}, 0.5},
		{[]float64{0.1}, 0.25},
		// one outlier among many equal ratios is dropped by the 3-sigma filter
		{[]float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 100}, 1},
	}
	for _, tt := range tests {
		if got := VESReward(tt.ratios); got != tt.want {
			t.Errorf("VESReward(%v) = %v, want %v", tt.ratios, got, tt.want)
		}
	}
}

func TestSimilarityAndText(t *testing.T) {
	tests := []struct {
		gold, pred string
		sim        float64 // -1: only check 0 < sim < 1
		em         bool
		esm        bool
	}{
		{"SELECT a FROM t", "select  A from T", 1, true, true},
		{"SELECT a FROM t WHERE b = 1", "SELECT a FROM t WHERE b = 2", -1, false, true},
		{"SELECT a FROM t", "", 0, false, false},
		{"SELECT a, b FROM t", "SELECT b, a FROM t", 1, false, true},
	}
	for _, tt := range tests {
		m := ScoreText(tt.gold, tt.pred)
		if tt.sim >= 0 && math.Abs(m.Sim-tt.sim) > 1e-9 || tt.sim < 0 && (m.Sim <= 0 || m.Sim >= 1) {
			t.Errorf("%q vs %q: sim %v, want %v", tt.gold, tt.pred, m.Sim, tt.sim)
		}
		if m.EM != tt.em || m.ESM == nil || *m.ESM != tt.esm {
			t.Errorf("%q vs %q: em %v esm %v, want %v %v", tt.gold, tt.pred, m.EM, m.ESM, tt.em, tt.esm)
		}
	}
}

func TestParseJudgeVerdict(t *testing.T) {
	tests := []struct {
		in      string
		want    JudgeVerdict
		wantErr bool
	}{
		{`{"equivalent": true, "rationale": "same rows"}`, JudgeVerdict{true, "same rows"}, false},
		{"```json\n{\"equivalent\": false, \"rationale\": \"x\"}\n```", JudgeVerdict{false, "x"}, false},
		{`{"rationale": "no verdict"}`, JudgeVerdict{}, true},
		{`yes`, JudgeVerdict{}, true},
	}
	for _, tt := range tests {
		got, err := ParseJudgeVerdict(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseJudgeVerdict(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
