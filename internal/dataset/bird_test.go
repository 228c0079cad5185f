package dataset

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestImportBIRDFixture(t *testing.T) {
	items, rep, err := ImportBIRDFiles(context.Background(), "testdata/bird", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 5 || rep.Lines != 5 {
		t.Fatalf("got %d items from %d elements, want 5", len(items), rep.Lines)
	}
	var dbs, diffs []string
	for _, it := range items {
		dbs, diffs = append(dbs, it.DB), append(diffs, it.Difficulty)
		if _, err := os.Stat(BIRDDatabase("testdata/bird", it.DB)); err != nil {
			t.Errorf("item %d: %v", it.QuestionID, err)
		}
	}
	if got := strings.Join(dbs, " "); got != "school school school shop shop" {
		t.Errorf("db_ids: got %s", got)
	}
	if got := strings.Join(diffs, " "); got != "simple simple moderate moderate challenging" {
		t.Errorf("difficulties: got %s", got)
	}
	first := items[0]
	if first.QuestionID != 0 || !strings.HasPrefix(first.Evidence, "Eligible free rate") || first.Source != "import:bird" ||
		!strings.Contains(first.SQL, "`Free Meal Count (K-12)`") || first.ID == "" {
		t.Errorf("item 0: got %+v", first)
	}
	if items[2].Evidence != "" {
		t.Errorf("item 2: got evidence %q, want none", items[2].Evidence)
	}
}

func TestImportBIRDErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not an array", `{"db_id":"a"}`, "dev.json:1: want a JSON array"},
		{"not json", "[\n{\"db_id\":\"a\",", "dev.json:2: invalid JSON"},
		{"no db_id", "[\n{\"question\":\"q\",\"SQL\":\"SELECT 1\"}]", "dev.json:2: field db_id: missing"},
		{"path in db_id", `[{"db_id":"../etc","question":"q","SQL":"SELECT 1"}]`, `field db_id: "../etc" is not a database folder name`},
		{"no question", `[{"db_id":"a","question":" ","SQL":"SELECT 1"}]`, "field question: missing"},
		{"no SQL", "[{\"db_id\":\"a\",\"question\":\"q\",\"SQL\":\"x\"},\n\n {\"db_id\":\"a\",\"question\":\"q\"}]", "dev.json:3: field SQL: missing"},
		{"SQL not a string", `[{"db_id":"a","question":"q","SQL":1}]`, "field SQL: want string"},
		{"bad difficulty", `[{"db_id":"a","question":"q","SQL":"SELECT 1","difficulty":"easy"}]`, `field difficulty: "easy" is not one of simple, moderate, challenging`},
		{"negative id", `[{"question_id":-1,"db_id":"a","question":"q","SQL":"SELECT 1"}]`, "field question_id: -1 is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ImportBIRD(context.Background(), []byte(tt.in), "dev.json", ReadOptions{})
			var le *LineError
			if !errors.As(err, &le) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want a line error containing %q", err, tt.want)
			}
		})
	}
}

func TestImportBIRDSkipBad(t *testing.T) {
	in := `[{"db_id":"a","question":"q","SQL":"SELECT 1"},{"db_id":"a"},{"db_id":"b","question":"r","SQL":"SELECT 2","evidence":" e "}]`
	items, rep, err := ImportBIRD(context.Background(), []byte(in), "train.json", ReadOptions{SkipBad: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || rep.Bad != 1 || items[1].Evidence != "e" || items[0].QuestionID != -1 || items[0].Difficulty != "" {
		t.Fatalf("got %+v (bad %d), want 2 items with one bad element skipped", items, rep.Bad)
	}
}

func FuzzImportBIRD(f *testing.F) {
	dev, _ := os.ReadFile("testdata/bird/dev.json")
	f.Add(string(dev))
	f.Add(`[{"question_id":1,"db_id":"x","question":"q","evidence":"e","SQL":"SELECT 1","difficulty":"simple"}]`)
	f.Add(`[{"db_id":"..","question":"q","SQL":"SELECT 1"}]`)
	f.Fuzz(func(t *testing.T, in string) {
		items, _, err := ImportBIRD(context.Background(), []byte(in), "dev.json", ReadOptions{})
		var le *LineError
		if err != nil && !errors.As(err, &le) {
			t.Fatalf("error %v is not a LineError", err)
		}
		for _, it := range items {
			if _, err := it.Check(); err != nil {
				t.Fatalf("imported an invalid record %+v: %v", it.Record, err)
			}
			if !safeDBID(it.DB) || (it.Difficulty != "" && !isBIRDDifficulty(it.Difficulty)) {
				t.Fatalf("imported db_id %q, difficulty %q", it.DB, it.Difficulty)
			}
		}
	})
}
