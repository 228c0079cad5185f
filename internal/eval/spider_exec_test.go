package eval

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// spiderTestdata is the directory of Spider's public examples and the official
// evaluator's verdicts on them (spider/testdata/README.md).
var spiderTestdata = filepath.Join("spider", "testdata")

// buildSyntheticSpider writes Spider-format data into a temporary directory:
// dev.json from gold_example.txt (as syndb.py writes it), tables.json, and the
// 20 SQLite databases restored from syndb.sql.gz (syndb.py's databases dumped
// with sqlite3's iterdump, one "-- database: NAME" header each).
func buildSyntheticSpider(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	gold, err := os.ReadFile(filepath.Join(spiderTestdata, "gold_example.txt"))
	if err != nil {
		t.Fatal(err)
	}
	type devItem struct {
		DB       string `json:"db_id"`
		Query    string `json:"query"`
		Question string `json:"question"`
	}
	var dev []devItem
	for i, line := range strings.Split(string(gold), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		q, db, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("gold_example.txt:%d: no tab", i+1)
		}
		dev = append(dev, devItem{DB: db, Query: q, Question: "question"})
	}
	b, err := json.Marshal(dev)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dev.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	tables, err := os.ReadFile(filepath.Join(spiderTestdata, "tables.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tables.json"), tables, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(spiderTestdata, "syndb.sql.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dump, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range strings.Split(string(dump), "-- database: ")[1:] {
		name, stmts, _ := strings.Cut(part, "\n")
		path := filepath.Join(dir, "database", name, name+".sqlite")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("BEGIN;" + stmts + "COMMIT;"); err != nil {
			t.Fatalf("restore %s: %v", name, err)
		}
		db.Close()
	}
	return dir
}

// TestSpiderExecutionVerdicts compares execution match item by item with the
// official test-suite evaluator's (`evaluation.py --etype all`, its
// eval_exec_match per item) on Spider's 1,034 public example predictions over
// the synthetic databases: ex_syndb_official.txt holds its verdicts, one 0/1
// line per item (spider/testdata/README.md says how it was made).
func TestSpiderExecutionVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates 1,034 Spider items")
	}
	ctx := context.Background()
	dir := buildSyntheticSpider(t)
	items, err := Load(ctx, "spider:"+dir)
	if err != nil {
		t.Fatal(err)
	}
	pred, err := OpenFile(filepath.Join(spiderTestdata, "pred_example.txt"), items)
	if err != nil {
		t.Fatal(err)
	}
	dbs := NewDatabases("")
	defer dbs.Close()
	rep, err := Run(ctx, items, []Predictor{pred}, dbs, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(spiderTestdata, "ex_syndb_official.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var official []bool
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		official = append(official, strings.TrimSpace(sc.Text()) == "1")
	}
	results := rep.Models[0].Items
	if len(results) != len(official) {
		t.Fatalf("%d results, %d official verdicts", len(results), len(official))
	}
	agree, correct := 0, 0
	for _, r := range results {
		ex := r.Metrics.EX != nil && *r.Metrics.EX
		if ex {
			correct++
		}
		if ex == official[r.Index] {
			agree++
			continue
		}
		t.Errorf("item %d (%s): sqlforge EX %v, official %v\n  gold: %s\n  pred: %s", r.Index, r.Hardness, ex, official[r.Index], r.Gold, r.Prediction)
	}
	t.Logf("execution verdicts agree on %d/%d items (EX %d/%d)", agree, len(official), correct, len(official))
}
