package eval

import (
	"context"
	"os"
	"testing"
)

// The Spider benchmarks measure `sqlforge eval` on Spider-format data:
// SQLFORGE_SPIDER_DIR names the data (dev.json, tables.json, database/) and
// SQLFORGE_SPIDER_PRED a pred.txt (default: the gold). They are skipped
// without the data; docs/evaluation.md (Speed) says how it was built.
func spiderBenchData(b *testing.B) (dir, pred string) {
	dir = os.Getenv("SQLFORGE_SPIDER_DIR")
	if dir == "" {
		b.Skip("SQLFORGE_SPIDER_DIR not set")
	}
	return dir, os.Getenv("SQLFORGE_SPIDER_PRED")
}

// BenchmarkSpiderLoad reads dev.json and tables.json.
func BenchmarkSpiderLoad(b *testing.B) {
	dir, _ := spiderBenchData(b)
	for b.Loop() {
		if _, err := Load(context.Background(), "spider:"+dir); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSpiderRun evaluates the loaded items with one worker, databases
// opened afresh each time, as one `sqlforge eval` run does.
func BenchmarkSpiderRun(b *testing.B) {
	dir, predPath := spiderBenchData(b)
	ctx := context.Background()
	items, err := Load(ctx, "spider:"+dir)
	if err != nil {
		b.Fatal(err)
	}
	var pred Predictor = Gold{}
	if predPath != "" {
		if pred, err = OpenFile(predPath, items); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		dbs := NewDatabases("")
		if _, err := Run(ctx, items, []Predictor{pred}, dbs, Options{Workers: 1}); err != nil {
			b.Fatal(err)
		}
		dbs.Close()
	}
}
