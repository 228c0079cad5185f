package eval

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sqlforge/sqlforge/internal/confidence"
)

// scored is an item with confidence c (nil when c < 0) and EX verdict ex.
func scored(c float64, ex bool) ItemResult {
	it := ItemResult{Metrics: Metrics{EX: &ex}}
	if c >= 0 {
		it.Confidence = &c
	}
	return it
}

func TestBin(t *testing.T) {
	tests := []struct {
		x    float64
		bins int
		want int
	}{
		{0, 5, 0}, {0.199, 5, 0}, {0.2, 5, 1}, {0.399, 5, 1}, {0.4, 5, 2}, {0.6, 5, 3},
		{0.8, 5, 4}, {0.999, 5, 4}, {1, 5, 4}, {-0.1, 5, 0}, {1.5, 5, 4}, {0.7, 1, 0}, {0.5, 2, 1},
	}
	for _, tt := range tests {
		if got := bin(tt.x, tt.bins); got != tt.want {
			t.Errorf("bin(%v, %d) = %d; want %d", tt.x, tt.bins, got, tt.want)
		}
	}
}

func TestCalibrate(t *testing.T) {
	noEX := ItemResult{Confidence: new(0.9)} // broken gold: not binned
	bins := func(bs ...CalibrationBin) []CalibrationBin {
		edges := []float64{0, 0.2, 0.4, 0.6, 0.8, 1}
		out := make([]CalibrationBin, 5)
		for i := range out {
			out[i] = CalibrationBin{Lo: edges[i], Hi: edges[i+1]}
		}
		for _, b := range bs {
			out[int(math.Round(b.Lo*5))] = b
		}
		return out
	}
	tests := []struct {
		name  string
		items []ItemResult
		want  *Calibration
	}{
		{"no items", nil, nil},
		{"no confidence", []ItemResult{scored(-1, true), scored(-1, false)}, nil},
		{"no EX verdict", []ItemResult{noEX}, nil},
		{
			// bin 0: 0.1 ✗, 0.1 ✓          → conf 0.1,   acc 0.5, gap 0.4
			// bin 1: 0.2 ✓, 0.35 ✗         → conf 0.275, acc 0.5, gap 0.225
			// bin 4: 0.9 ✓, 1.0 ✓, 0.8 ✗   → conf 0.9,   acc 2/3, gap 0.2333
			// ECE = (2×0.4 + 2×0.225 + 3×0.23333) / 7 = 1.95 / 7 = 0.2786
			"hand computed",
			[]ItemResult{scored(0.1, false), scored(0.1, true), scored(0.2, true), scored(0.35, false),
				scored(0.9, true), scored(1, true), scored(0.8, false), scored(-1, true), noEX},
			&Calibration{Items: 7, MeanConfidence: 0.4929, Accuracy: 0.5714, ECE: 0.2786, MeanRight: 0.55, MeanWrong: 0.4167, Bins: bins(
				CalibrationBin{Lo: 0, Hi: 0.2, Items: 2, MeanConfidence: 0.1, Accuracy: 0.5},
				CalibrationBin{Lo: 0.2, Hi: 0.4, Items: 2, MeanConfidence: 0.275, Accuracy: 0.5},
				CalibrationBin{Lo: 0.8, Hi: 1, Items: 3, MeanConfidence: 0.9, Accuracy: 0.6667},
			)},
		},
		{
			"perfectly calibrated",
			[]ItemResult{scored(0, false), scored(1, true), scored(0.5, true), scored(0.5, false)},
			&Calibration{Items: 4, MeanConfidence: 0.5, Accuracy: 0.5, ECE: 0, MeanRight: 0.75, MeanWrong: 0.25, Bins: bins(
				CalibrationBin{Lo: 0, Hi: 0.2, Items: 1},
				CalibrationBin{Lo: 0.4, Hi: 0.6, Items: 2, MeanConfidence: 0.5, Accuracy: 0.5},
				CalibrationBin{Lo: 0.8, Hi: 1, Items: 1, MeanConfidence: 1, Accuracy: 1},
			)},
		},
		{
			// always sure, right 1 time in 4: ECE = |0.25 − 0.95| = 0.7
			"overconfident",
			[]ItemResult{scored(0.95, true), scored(0.95, false), scored(0.95, false), scored(0.95, false)},
			&Calibration{Items: 4, MeanConfidence: 0.95, Accuracy: 0.25, ECE: 0.7, MeanRight: 0.95, MeanWrong: 0.95, Bins: bins(
				CalibrationBin{Lo: 0.8, Hi: 1, Items: 4, MeanConfidence: 0.95, Accuracy: 0.25},
			)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Calibrate(tt.items, CalibrationBins)
			if d := cmp.Diff(got, tt.want); d != "" {
				t.Errorf("Calibrate (-got +want):\n%s", d)
			}
		})
	}
}

func TestItemConfidence(t *testing.T) {
	yes, no := true, false
	rows := &ResultExcerpt{TotalRows: 3}
	empty := &ResultExcerpt{TotalRows: 0}
	lp := math.Log(0.8)
	tests := []struct {
		name string
		sig  confidence.Signals
		sql  string
		res  ItemResult
		want float64
	}{
		{"no SQL", confidence.Signals{}, "", ItemResult{}, 0},
		{"does not parse", confidence.Signals{}, "SELEC x FRM", ItemResult{}, 0},
		{"not read-only", confidence.Signals{}, "DELETE FROM t", ItemResult{Metrics: Metrics{Valid: true, EX: &no}}, 0},
		{"rows", confidence.Signals{}, "SELECT 1", ItemResult{Metrics: Metrics{Valid: true, EX: &yes}, PredResult: rows}, 0.5},
		{"rows, model belief", confidence.Signals{MeanLogprob: &lp}, "SELECT 1", ItemResult{Metrics: Metrics{Valid: true, EX: &yes}, PredResult: rows}, 0.8},
		{"no rows", confidence.Signals{MeanLogprob: &lp}, "SELECT 1", ItemResult{Metrics: Metrics{Valid: true, EX: &no}, PredResult: empty}, 0.48},
		{"execution failed", confidence.Signals{}, "SELECT 1", ItemResult{Metrics: Metrics{Valid: true, EX: &no}}, 0.1},
		{"does not prepare", confidence.Signals{}, "SELECT x FROM nowhere", ItemResult{Metrics: Metrics{EX: &no}}, 0.15},
		{"no gold: not executed", confidence.Signals{}, "SELECT 1", ItemResult{Metrics: Metrics{Valid: true}}, 0.5},
	}
	for _, tt := range tests {
		if got := itemConfidence(tt.sig, tt.sql, tt.res); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
