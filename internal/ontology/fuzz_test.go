package ontology

import (
	"os"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the loader in its three formats: it must return an
// ontology or an error, never panic, and every problem must name the file.
func FuzzLoad(f *testing.F) {
	for _, p := range []string{"../../ontologies/northwind.yaml", "../../ontologies/chinook.yaml",
		"../../data/seed000/analytic_graph.json", "../../data/seed000/analytic_graph_v1.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, p[len(p)-4:] == "json")
	}
	f.Add([]byte("version: 1\nmetrics:\n  - {name: a, formula: 'SUM(x.y) GROUP BY z', tables: [x]}\n"), false)
	f.Add([]byte(`{"business_concepts": {"A": {"type": "metric", "formula": "SUM(a.b) GROUP BY c, d.e"}}, "table_relationships": {"r": {"join_condition": "a.b"}}}`), true)
	f.Add([]byte(`{"metrics": [{"name": "m", "dimension": "x"}], "joins": [{"left": "a"}]}`), true)
	f.Add([]byte("&a [*a]"), false)
	f.Fuzz(func(t *testing.T, data []byte, json bool) {
		path := "f.yaml"
		if json {
			path = "f.json"
		}
		o, err := LoadBytes(path, data)
		if err != nil {
			if ps, ok := err.(Problems); ok {
				for _, p := range ps {
					if p.Path != path {
						t.Fatalf("problem without the file: %v", p)
					}
				}
			}
			return
		}
		// Derived lookups must not panic either.
		for _, m := range o.Metrics {
			_, _ = o.JoinPath(m.Tables)
			_, _ = o.MetricQuery(&m, m.Dimensions...)
		}
	})
}
