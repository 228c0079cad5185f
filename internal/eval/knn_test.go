package eval

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/datagen"
	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/model/knn"
	"github.com/sqlforge/sqlforge/internal/ontology"
)

// TestKNNCalibration evaluates the knn model on a small generated Northwind
// split: its confidence reaches every item and fills the calibration section;
// gold, which reports none, gets none.
func TestKNNCalibration(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a dataset")
	}
	ctx := context.Background()
	db, err := database.Open(ctx, "northwind")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ont, err := ontology.LoadRef("northwind")
	if err != nil {
		t.Fatal(err)
	}
	recs, _, err := datagen.Generate(ctx, db.DB, ont, datagen.Options{Seed: 1, Size: 300, DB: db.Name})
	if err != nil {
		t.Fatal(err)
	}
	parts, err := dataset.Split(recs, dataset.SplitOptions{Seed: 1, Names: []string{"train", "test"}, Fractions: []float64{0.8, 0.2}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "test.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := dataset.WriteJSONL(f, parts[1].Records); err != nil {
		t.Fatal(err)
	}
	f.Close()
	items, err := Load(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := knn.New(parts[0].Records, knn.Options{DB: db.DB, Name: "knn:northwind"})
	if err != nil {
		t.Fatal(err)
	}
	dbs := NewDatabases("northwind")
	defer dbs.Close()
	rep, err := Run(ctx, items, []Predictor{Gold{}, NewModelPredictor(b, "")}, dbs, Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Models[0].Calibration; c != nil {
		t.Errorf("gold calibration = %+v; want none", c)
	}
	m := rep.Models[1]
	c := m.Calibration
	if c == nil {
		t.Fatal("knn has no calibration")
	}
	if c.Items != m.Summary.Scored || c.Items == 0 {
		t.Errorf("calibration of %d items; want the %d scored", c.Items, m.Summary.Scored)
	}
	if c.Accuracy != m.Summary.EX {
		t.Errorf("calibration accuracy %v; want EX %v", c.Accuracy, m.Summary.EX)
	}
	n, ece := 0, 0.0
	for _, bin := range c.Bins {
		n += bin.Items
		ece += float64(bin.Items) / float64(c.Items) * math.Abs(bin.Accuracy-bin.MeanConfidence)
	}
	if n != c.Items || math.Abs(ece-c.ECE) > 1e-3 || c.ECE < 0 || c.ECE > 1 {
		t.Errorf("bins hold %d items, ECE %v from bins; got %d items, ECE %v", n, ece, c.Items, c.ECE)
	}
	for _, it := range m.Items {
		if it.Confidence == nil || *it.Confidence < 0 || *it.Confidence > 1 {
			t.Fatalf("item %d: confidence %v; want one in [0, 1]", it.Index, it.Confidence)
		}
	}
	t.Logf("knn on %d items: EX %.3f, mean confidence %.3f, ECE %.3f, bins %+v", c.Items, c.Accuracy, c.MeanConfidence, c.ECE, c.Bins)
}
