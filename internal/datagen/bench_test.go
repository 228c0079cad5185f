package datagen

import (
	"context"
	"testing"

	"github.com/sqlforge/sqlforge/internal/dataset"
)

// BenchmarkGenerateNorthwind measures the target: 6000 pairs from the shipped
// Northwind ontology, reported with the unique pairs left after the dataset's dedupe and
// the share of each hardness level.
func BenchmarkGenerateNorthwind(b *testing.B) {
	db, ont := northwind(b)
	b.ReportAllocs()
	for b.Loop() {
		recs, _, err := Generate(context.Background(), db.DB, ont, Options{Seed: 42, Size: 6000, Reasoning: true})
		if err != nil {
			b.Fatal(err)
		}
		kept, _ := dataset.Dedupe(recs, dataset.DedupeOptions{})
		count := map[string]int{}
		for _, r := range kept {
			count[r.Hardness]++
		}
		b.ReportMetric(float64(len(recs)), "pairs")
		b.ReportMetric(float64(len(kept)), "unique")
		for _, h := range []string{"easy", "medium", "hard", "extra"} {
			b.ReportMetric(100*float64(count[h])/float64(len(kept)), h+"%")
		}
	}
}
