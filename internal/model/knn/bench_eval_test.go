package knn

import (
	"context"
	"encoding/json"
	"os"
	"sort"
	"testing"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/eval"
)

// BenchmarkEvalSplit scores knn on a split of a `sqlforge gen` directory exactly as
// `sqlforge eval` does (Spider EX) and reports EX, EM and ESM (percent) and the latency
// percentiles as metrics. It is how the tuned constants (conceptExtra, conceptPenalty,
// retrieveMin) were chosen: change one, then
//
//	KNN_EVAL_DIR=/tmp/d KNN_EVAL_SPLIT=inference go test ./internal/model/knn -run '^$' -bench EvalSplit -benchtime 1x
//
// Skipped without KNN_EVAL_DIR. KNN_EVAL_OUT writes the per-item results as JSON.
func BenchmarkEvalSplit(b *testing.B) {
	dir := os.Getenv("KNN_EVAL_DIR")
	if dir == "" {
		b.Skip("KNN_EVAL_DIR not set")
	}
	split := os.Getenv("KNN_EVAL_SPLIT")
	if split == "" {
		split = "inference"
	}
	ctx := context.Background()
	recs, err := ReadRecords(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	db, err := database.Open(ctx, recs[0].DB)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	kb, err := New(recs, Options{DB: db.DB, Name: "knn"})
	if err != nil {
		b.Fatal(err)
	}
	items, err := eval.Load(ctx, dir+"/"+split+".jsonl")
	if err != nil {
		b.Fatal(err)
	}
	dbs := eval.NewDatabases("northwind")
	defer dbs.Close()
	var rep *eval.Report
	b.ResetTimer()
	for range b.N {
		if rep, err = eval.Run(ctx, items, []eval.Predictor{eval.NewModelPredictor(kb, "")}, dbs, eval.Options{Workers: 2}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	m := rep.Models[len(rep.Models)-1]
	var lat []float64
	for _, it := range m.Items {
		lat = append(lat, it.LatencyMS)
	}
	sort.Float64s(lat)
	b.ReportMetric(100*m.Summary.EX, "EX%")
	b.ReportMetric(100*m.Summary.EM, "EM%")
	b.ReportMetric(100*m.Summary.ESM, "ESM%")
	b.ReportMetric(lat[len(lat)/2], "p50-ms")
	b.ReportMetric(lat[len(lat)*9/10], "p90-ms")
	b.Logf("%s: EX %.1f%% EM %.1f%% ESM %.1f%% over %d", split, 100*m.Summary.EX, 100*m.Summary.EM, 100*m.Summary.ESM, m.Summary.Scored)
	if out := os.Getenv("KNN_EVAL_OUT"); out != "" {
		data, err := json.MarshalIndent(m.Items, "", " ")
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(out, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
}
