package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/sqlforge/sqlforge/internal/eval"
)

// Change is one item whose EX verdict differs between two runs.
type Change struct {
	Index    int    `json:"index"`
	Question string `json:"question"`
	// Before and After are the item's statuses in the two runs.
	Before string `json:"before"`
	After  string `json:"after"`
	// ErrorClass is the failing run's error class.
	ErrorClass string `json:"error_class,omitempty"`
}

// ModelDiff compares one model of run A with one of run B.
type ModelDiff struct {
	ModelA    string   `json:"model_a"`
	ModelB    string   `json:"model_b"`
	EXA       float64  `json:"ex_a"`
	EXB       float64  `json:"ex_b"`
	Fixed     []Change `json:"fixed"`
	Broken    []Change `json:"broken"`
	Unchanged int      `json:"unchanged"`
}

// Compare pairs the models of a and b (by name; when each run has one model,
// those two whatever their names) and lists the items fixed (EX false in a,
// true in b) and broken (the reverse). Runs over different items are an
// error.
func Compare(a, b *eval.Report) ([]ModelDiff, error) {
	if a.Items != b.Items {
		return nil, fmt.Errorf("compare reports: %d items against %d: not the same dataset", a.Items, b.Items)
	}
	type pair struct{ x, y *eval.ModelReport }
	var pairs []pair
	if len(a.Models) == 1 && len(b.Models) == 1 {
		pairs = append(pairs, pair{&a.Models[0], &b.Models[0]})
	} else {
		for i := range a.Models {
			for j := range b.Models {
				if a.Models[i].Model == b.Models[j].Model {
					pairs = append(pairs, pair{&a.Models[i], &b.Models[j]})
				}
			}
		}
	}
	if len(pairs) == 0 {
		return nil, fmt.Errorf("compare reports: no model is in both runs")
	}
	var out []ModelDiff
	for _, p := range pairs {
		if len(p.x.Items) != len(p.y.Items) {
			return nil, fmt.Errorf("compare reports: model %s has %d items in one run and %d in the other", p.x.Model, len(p.x.Items), len(p.y.Items))
		}
		d := ModelDiff{ModelA: p.x.Model, ModelB: p.y.Model, EXA: p.x.Summary.EX, EXB: p.y.Summary.EX, Fixed: []Change{}, Broken: []Change{}}
		for i := range p.x.Items {
			x, y := p.x.Items[i], p.y.Items[i]
			if x.Question != y.Question {
				return nil, fmt.Errorf("compare reports: item %d asks %q in one run and %q in the other", i, x.Question, y.Question)
			}
			ex, ey := isTrue(x.Metrics.EX), isTrue(y.Metrics.EX)
			switch {
			case !ex && ey:
				d.Fixed = append(d.Fixed, Change{Index: x.Index, Question: x.Question, Before: x.Status, After: y.Status, ErrorClass: x.ErrorClass})
			case ex && !ey:
				d.Broken = append(d.Broken, Change{Index: x.Index, Question: x.Question, Before: x.Status, After: y.Status, ErrorClass: y.ErrorClass})
			default:
				d.Unchanged++
			}
		}
		out = append(out, d)
	}
	return out, nil
}

func isTrue(b *bool) bool { return b != nil && *b }

// WriteCompare prints diffs for people.
func WriteCompare(w io.Writer, diffs []ModelDiff) error {
	var b strings.Builder
	for _, d := range diffs {
		name := d.ModelA
		if d.ModelB != d.ModelA {
			name = d.ModelA + " → " + d.ModelB
		}
		fmt.Fprintf(&b, "%s: EX %s → %s (%+.1f points), %d fixed, %d broken, %d unchanged\n",
			name, pct(d.EXA), pct(d.EXB), 100*(d.EXB-d.EXA), len(d.Fixed), len(d.Broken), d.Unchanged)
		for _, c := range d.Fixed {
			fmt.Fprintf(&b, "  fixed  #%d %s (was %s %s)\n", c.Index, c.Question, c.Before, c.ErrorClass)
		}
		for _, c := range d.Broken {
			fmt.Fprintf(&b, "  broken #%d %s (now %s %s)\n", c.Index, c.Question, c.After, c.ErrorClass)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
