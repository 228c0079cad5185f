package plot

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/train"
)

// polylines returns the number of points of each polyline by class.
func polylines(t *testing.T, svg []byte) map[string]int {
	t.Helper()
	out := map[string]int{}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "polyline" {
			var class, pts string
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "class":
					class = a.Value
				case "points":
					pts = a.Value
				}
			}
			out[class] = len(strings.Fields(pts))
		}
	}
}

func TestSVG(t *testing.T) {
	nan := math.NaN()
	csv := "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n1,2,0.5,,\n2,1.5,0.6,1.7,0.55\n3,1.2,0.7,,\n4,1.0,0.8,1.3,0.7\n"
	fromCSV, err := train.ParseResults([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		rows []train.Metrics
		want map[string]int // points per curve
	}{
		{"results.csv with sparse validation", fromCSV,
			map[string]int{"train-loss": 4, "valid-loss": 2, "train-token-accuracy": 4, "valid-token-accuracy": 2}},
		{"no validation", []train.Metrics{{Step: 1, TrainLoss: 1, TrainMeanTokenAccuracy: 0.5, ValidLoss: nan, ValidMeanTokenAccuracy: nan}},
			map[string]int{"train-loss": 1, "train-token-accuracy": 1}},
		{"empty", nil, map[string]int{}},
		{"flat values", []train.Metrics{{Step: 5, TrainLoss: 1, ValidLoss: nan, ValidMeanTokenAccuracy: nan}, {Step: 5, TrainLoss: 1, ValidLoss: nan, ValidMeanTokenAccuracy: nan}},
			map[string]int{"train-loss": 2, "train-token-accuracy": 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := SVG(&b, `job <ftjob-1> & "curves"`, tc.rows); err != nil {
				t.Fatal(err)
			}
			if s := b.String(); strings.Contains(s, "NaN") || strings.Contains(s, "Inf") {
				t.Errorf("non-finite coordinates in\n%s", s)
			}
			got := polylines(t, b.Bytes())
			if len(got) != len(tc.want) {
				t.Fatalf("got curves %v, want %v", got, tc.want)
			}
			for k, n := range tc.want {
				if got[k] != n {
					t.Errorf("curve %s: got %d points, want %d", k, got[k], n)
				}
			}
		})
	}
}

func TestWriteFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), File)
	if err := WriteFile(p, "j", []train.Metrics{{Step: 1, TrainLoss: 1, ValidLoss: math.NaN(), ValidMeanTokenAccuracy: math.NaN()}}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(p); err != nil || !bytes.HasPrefix(b, []byte("<svg")) {
		t.Fatalf("got %q %v", b, err)
	}
	if err := WriteFile(filepath.Join(t.TempDir(), "no", "dir", File), "j", nil); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}
