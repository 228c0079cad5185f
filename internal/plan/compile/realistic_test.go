package compile_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestRealisticGoldsRun checks the hand-written dev sets (testdata/realistic): every gold query
// runs on its database with rows, ids are unique, and the share of items a plan can express
// is logged. The set is for measurement only; nothing here trains or tunes on it.
func TestRealisticGoldsRun(t *testing.T) {
	for _, c := range []struct {
		file, db string
		min      int
	}{{"northwind.jsonl", "northwind", 200}, {"chinook.jsonl", "chinook", 60}} {
		db, _ := open(t, c.db)
		f, err := os.Open(filepath.Join("..", "..", "..", "testdata", "realistic", c.file))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		ids := map[string]bool{}
		n, expressible := 0, 0
		for line := 1; sc.Scan(); line++ {
			var it struct {
				ID, Question, SQL string
				Expressible       *bool
			}
			if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
				t.Fatalf("%s:%d: %v", c.file, line, err)
			}
			if it.ID == "" || ids[it.ID] || it.Question == "" || it.Expressible == nil {
				t.Errorf("%s:%d: missing or duplicate id, question or expressible", c.file, line)
			}
			ids[it.ID] = true
			n++
			if *it.Expressible {
				expressible++
			}
			var rows int
			if err := db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM ("+it.SQL+")").Scan(&rows); err != nil || rows == 0 {
				t.Errorf("%s:%d (%s): gold returned %d rows, %v", c.file, line, it.ID, rows, err)
			}
		}
		f.Close()
		if n < c.min {
			t.Errorf("%s: %d items, want at least %d", c.file, n, c.min)
		}
		t.Logf("%s: %d items, %d expressible as plans (%.1f%%)", c.file, n, expressible, 100*float64(expressible)/float64(n))
	}
}
