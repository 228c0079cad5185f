package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/match"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/openaitest"
)

func TestCosine(t *testing.T) {
	tests := []struct {
		name string
		a, b []float32
		want float64
	}{
		{"same", []float32{1, 2, 3}, []float32{1, 2, 3}, 1},
		{"scaled", []float32{1, 2}, []float32{2, 4}, 1},
		{"orthogonal", []float32{1, 0}, []float32{0, 1}, 0},
		{"opposite", []float32{1, -1}, []float32{-1, 1}, -1},
		{"45 degrees", []float32{1, 0}, []float32{1, 1}, math.Sqrt2 / 2},
		{"zero vector", []float32{0, 0}, []float32{1, 1}, 0},
		{"missing", nil, []float32{1}, 0},
		{"lengths differ", []float32{1, 0}, []float32{1}, 0},
	}
	for _, tt := range tests {
		if got := cosine(tt.a, tt.b); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// openEmbedder opens an embedder on the loopback contract server.
func openEmbedder(t *testing.T, srv *openaitest.Server) *model.Embedder {
	t.Helper()
	ref, err := model.ParseRef(srv.BaseURL() + "#emb")
	if err != nil {
		t.Fatal(err)
	}
	e, err := model.OpenEmbedder(context.Background(), ref, model.MapEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// embeddedTexts lists the inputs of every embeddings request srv received.
func embeddedTexts(t *testing.T, srv *openaitest.Server) []string {
	t.Helper()
	var out []string
	for _, r := range srv.Requests() {
		var in []string
		if err := json.Unmarshal(r.Raw["input"], &in); err != nil {
			t.Fatalf("request input %s: %v", r.Raw["input"], err)
		}
		out = append(out, in...)
	}
	return out
}

func TestEmbeddingSimilarityRun(t *testing.T) {
	ctx := context.Background()
	srv := openaitest.New(t)
	items, err := Load(ctx, "testdata/northwind_test.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	file, err := OpenFile("testdata/northwind_pred.jsonl", items)
	if err != nil {
		t.Fatal(err)
	}
	sim := NewEmbeddingSimilarity(openEmbedder(t, srv))
	dbs := NewDatabases("")
	defer dbs.Close()
	rep, err := Run(ctx, items, []Predictor{Gold{}, file}, dbs, Options{Workers: 4, Similarity: sim})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Similarity != "embeddings:"+srv.BaseURL()+"#emb" {
		t.Errorf("report similarity: got %q", rep.Similarity)
	}
	differs := 0
	for _, it := range rep.Models[0].Items {
		if it.Metrics.Sim != 1 {
			t.Errorf("gold item %d: sim %v, want 1", it.Index, it.Metrics.Sim)
		}
	}
	for _, it := range rep.Models[1].Items {
		want := 0.0
		if strings.TrimSpace(it.Prediction) != "" {
			g, p := openaitest.Embedding(strings.TrimSpace(it.Gold), 0), openaitest.Embedding(strings.TrimSpace(it.Prediction), 0)
			for k := range g {
				want += float64(g[k]) * float64(p[k]) // unit vectors
			}
		}
		if math.Abs(it.Metrics.Sim-want) > 1e-4 {
			t.Errorf("item %d: sim %v, want %v (gold %q, prediction %q)", it.Index, it.Metrics.Sim, want, it.Gold, it.Prediction)
		}
		if it.Metrics.Sim != round(Similarity(it.Gold, it.Prediction), 4) {
			differs++
		}
	}
	if differs == 0 {
		t.Errorf("every sim equals the local token similarity; embeddings were not used")
	}
	if s := rep.Models[0].Summary.Sim; s != 1 {
		t.Errorf("gold summary sim: got %v, want 1", s)
	}

	// Each distinct text was embedded once, in one batched request.
	texts := embeddedTexts(t, srv)
	seen := map[string]bool{}
	for _, s := range texts {
		if seen[s] || s == "" {
			t.Errorf("text %q embedded twice or empty", s)
		}
		seen[s] = true
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("got %d embeddings requests, want 1", n)
	}
	// A second run with the same similarity is served from its cache.
	if _, err := Run(ctx, items, []Predictor{file}, dbs, Options{Workers: 2, Similarity: sim}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("second run: got %d requests in all, want the cache to answer", n)
	}
}

func TestEmbeddingSimilarityScore(t *testing.T) {
	srv := openaitest.New(t)
	sim := NewEmbeddingSimilarity(openEmbedder(t, srv))
	ctx := context.Background()
	if got, err := sim.Score(ctx, "SELECT a FROM t", "  select A from T "); err != nil || math.Abs(got-1) > 1e-6 {
		t.Errorf("same words: got %v, %v; want 1", got, err)
	}
	if got, err := sim.Score(ctx, "SELECT a FROM t", ""); err != nil || got != 0 {
		t.Errorf("empty prediction: got %v, %v; want 0", got, err)
	}
	if n := len(embeddedTexts(t, srv)); n != 2 {
		t.Errorf("embedded %d texts, want 2 (the empty one is never sent)", n)
	}
}

func TestEmbeddingSimilarityFailureFailsRun(t *testing.T) {
	srv := openaitest.New(t)
	srv.Enqueue(openaitest.Step{Status: 400})
	items, err := Load(context.Background(), "testdata/northwind_test.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	dbs := NewDatabases("")
	defer dbs.Close()
	_, err = Run(context.Background(), items[:2], []Predictor{Gold{}}, dbs, Options{Similarity: NewEmbeddingSimilarity(openEmbedder(t, srv))})
	if err == nil || !strings.Contains(err.Error(), "embedding similarity with") || !strings.Contains(err.Error(), "http 400") {
		t.Fatalf("got %v, want the embedding failure", err)
	}
}

func TestBIRD(t *testing.T) {
	ctx := context.Background()
	items, err := Load(ctx, "bird:../dataset/testdata/bird")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 5 || items[0].Difficulty != "simple" || !strings.HasSuffix(items[4].DB, filepath.Join("dev_databases", "shop", "shop.sqlite")) {
		t.Fatalf("items = %+v", items)
	}
	if p := Prompt(items[0], "")[1].Content; !strings.Contains(p, "Evidence: Eligible free rate") {
		t.Errorf("prompt lacks the evidence: %q", p)
	}
	for _, mode := range []string{"spider", "bird"} {
		dbs := NewDatabases("")
		m, err := match.ParseMode(mode)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Run(ctx, items, []Predictor{Gold{}}, dbs, Options{Mode: m, Workers: 2})
		dbs.Close()
		if err != nil {
			t.Fatal(err)
		}
		mr := rep.Models[0]
		if mr.Summary.EX != 1 || mr.Summary.BrokenGold != 0 {
			t.Errorf("%s mode: gold EX %v with %d broken, want 1 and 0", mode, mr.Summary.EX, mr.Summary.BrokenGold)
		}
		var got []string
		for _, d := range mr.ByDifficulty {
			got = append(got, fmt.Sprintf("%s:%d", d.Difficulty, d.Summary.Items))
		}
		if strings.Join(got, " ") != "simple:2 moderate:2 challenging:1" {
			t.Errorf("%s mode: by difficulty %v", mode, got)
		}
		if mr.Items[3].Difficulty != "moderate" || len(mr.ByHardness) == 0 {
			t.Errorf("%s mode: item 3 %+v, by hardness %v", mode, mr.Items[3], mr.ByHardness)
		}
	}
}

func TestBIRDMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	dev, err := os.ReadFile("../dataset/testdata/bird/dev.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dev.json"), dev, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(context.Background(), "bird:"+dir)
	if err == nil || !strings.Contains(err.Error(), `item 0 ("school")`) {
		t.Fatalf("got %v, want an error naming item 0's database", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dev.json"), []byte("[\n{\"db_id\":\"school\"}]"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(context.Background(), "bird:"+dir)
	if err == nil || !strings.Contains(err.Error(), "dev.json:2: field question: missing") {
		t.Fatalf("got %v, want file:line and field", err)
	}
}
