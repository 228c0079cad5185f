package knn

import (
	"context"
	"encoding/json"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/eval"
)

// TestEvalSplit scores knn on a split of a `sqlforge gen` directory exactly as
// `sqlforge eval` does (Spider EX), for tuning: KNN_EVAL_DIR=/tmp/d KNN_EVAL_SPLIT=inference
// go test ./internal/model/knn -run TestEvalSplit -v. Skipped without KNN_EVAL_DIR.
// KNN_EVAL_OUT writes the per-item results as JSON.
func TestEvalSplit(t *testing.T) {
	dir := os.Getenv("KNN_EVAL_DIR")
	if dir == "" {
		t.Skip("KNN_EVAL_DIR not set")
	}
	tune(t)
	split := os.Getenv("KNN_EVAL_SPLIT")
	if split == "" {
		split = "inference"
	}
	ctx := context.Background()
	recs, err := ReadRecords(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	db, err := database.Open(ctx, recs[0].DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, err := New(recs, Options{DB: db.DB, Name: "knn"})
	if err != nil {
		t.Fatal(err)
	}
	items, err := eval.Load(ctx, dir+"/"+split+".jsonl")
	if err != nil {
		t.Fatal(err)
	}
	dbs := eval.NewDatabases("northwind")
	defer dbs.Close()
	rep, err := eval.Run(ctx, items, []eval.Predictor{eval.NewModelPredictor(b, "")}, dbs, eval.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	m := rep.Models[len(rep.Models)-1]
	var lat []float64
	for _, it := range m.Items {
		lat = append(lat, it.LatencyMS)
	}
	sort.Float64s(lat)
	t.Logf("%s: EX %.1f%% EM %.1f%% ESM %.1f%% over %d; latency p50 %.1f ms p90 %.1f ms",
		split, 100*m.Summary.EX, 100*m.Summary.EM, 100*m.Summary.ESM, m.Summary.Scored, lat[len(lat)/2], lat[len(lat)*9/10])
	if out := os.Getenv("KNN_EVAL_OUT"); out != "" {
		data, _ := json.MarshalIndent(m.Items, "", " ")
		os.WriteFile(out, data, 0o644)
	}
}

// tune sets the tuned constants from KNN_TUNE ("name=value,..."), for searching them.
func tune(t *testing.T) {
	vars := map[string]*float64{"conceptPenalty": &conceptPenalty, "conceptExtra": &conceptExtra}
	for _, kv := range strings.Split(os.Getenv("KNN_TUNE"), ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatal(err)
		}
		if k == "retrieveMin" {
			retrieveMin = int(f)
		} else if p := vars[k]; p != nil {
			*p = f
		} else {
			t.Fatalf("unknown KNN_TUNE %s", k)
		}
	}
}
