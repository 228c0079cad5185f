package compile

import (
	"strings"

	"github.com/sqlforge/sqlforge/internal/ontology"
)

// Names resolves plan ids against an ontology: metrics by ontology.MetricID, dimensions and
// segments by name. It implements plan.Names and plan.Suggester.
type Names struct{ Ont *ontology.Ontology }

func (n Names) HasMetric(id string) bool {
	m := n.Ont.MetricByID(id)
	return m != nil && !m.Descriptive
}

func (n Names) HasDimension(id string) bool { return n.dim(id) != nil }

func (n Names) HasSegment(id string) bool { return n.seg(id) != nil }

func (n Names) dim(id string) *ontology.Dimension {
	for i := range n.Ont.Dimensions {
		if n.Ont.Dimensions[i].Name == id {
			return &n.Ont.Dimensions[i]
		}
	}
	return nil
}

func (n Names) seg(id string) *ontology.Segment {
	for i := range n.Ont.Segments {
		if n.Ont.Segments[i].Name == id {
			return &n.Ont.Segments[i]
		}
	}
	return nil
}

// MetricIDs lists the ids of the metrics plans may use, in ontology order.
func (n Names) MetricIDs() []string {
	var out []string
	for _, m := range n.Ont.Metrics {
		if !m.Descriptive {
			out = append(out, ontology.MetricID(m.Name))
		}
	}
	return out
}

// Suggest returns the known id of that kind closest to id by edit distance, or "" when none is
// close (more than a third of the letters differ).
func (n Names) Suggest(kind, id string) string {
	var cands []string
	switch kind {
	case "metric":
		cands = n.MetricIDs()
	case "dimension":
		for _, d := range n.Ont.Dimensions {
			cands = append(cands, d.Name)
		}
	case "segment":
		for _, s := range n.Ont.Segments {
			cands = append(cands, s.Name)
		}
	}
	best, bestD := "", len(id)/3+1
	for _, c := range cands {
		if d := editDistance(strings.ToLower(id), c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
