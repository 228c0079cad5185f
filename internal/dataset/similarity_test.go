package dataset

import (
	"math"
	"strings"
	"testing"
)

// Want values are Python 3's difflib.SequenceMatcher(None, a, b).ratio().
func TestRatioMatchesDifflib(t *testing.T) {
	long1 := strings.Repeat("a", 50) + strings.Repeat("b", 300) + "c"
	long2 := strings.Repeat("b", 250) + strings.Repeat("a", 10)
	tests := []struct {
		a, b string
		want float64
	}{
		{"", "", 1},
		{"abc", "", 0},
		{"What was the total revenue in 2021?", "What was total revenue in 2021?", 0.9393939393939394},
		{"revenue in 2021", "revenue in 2022", 0.9333333333333333},
		{"Which customers ordered the most?", "which customer orders most", 0.8135593220338984},
		{long1, long2, 0}, // autojunk: 'b' is popular in the 260-rune b, 'a' too
		{"héllo wörld", "hello world", 0.8181818181818182},
	}
	for _, tt := range tests {
		if got := Ratio(tt.a, tt.b); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Ratio(%.30q, %.30q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if ub := quickRatioBound(sortedRunes(tt.a), sortedRunes(tt.b)); ub+1e-12 < tt.want {
			t.Errorf("quickRatioBound(%.30q, %.30q) = %v below ratio %v", tt.a, tt.b, ub, tt.want)
		}
	}
}

func FuzzRatio(f *testing.F) {
	f.Add("revenue in 2021", "revenue in 2022")
	f.Add("", "x")
	f.Fuzz(func(t *testing.T, a, b string) {
		r := Ratio(a, b)
		if r < 0 || r > 1 || math.IsNaN(r) {
			t.Fatalf("Ratio(%q, %q) = %v out of [0,1]", a, b, r)
		}
		if a == b && r != 1 {
			t.Fatalf("Ratio(%q, itself) = %v", a, r)
		}
	})
}
