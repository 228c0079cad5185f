package eval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/model"
)

func TestSpiderWithPredTxt(t *testing.T) {
	ctx := context.Background()
	items, err := Load(ctx, "spider:testdata/spider")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 4 || !strings.HasSuffix(items[1].DB, filepath.Join("zoo", "zoo.sqlite")) {
		t.Fatalf("items = %+v, want 4 with item 1 on zoo.sqlite", items)
	}
	p, err := OpenFile("testdata/spider/pred.txt", items)
	if err != nil {
		t.Fatal(err)
	}
	dbs := NewDatabases("")
	defer dbs.Close()
	rep, err := Run(ctx, items, []Predictor{Gold{}, p}, dbs, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if s := rep.Models[0].Summary; s.EX != 1 {
		t.Errorf("gold EX = %v, want 1", s.EX)
	}
	var got []string
	for _, it := range rep.Models[1].Items {
		got = append(got, it.Status+"/"+it.ErrorClass)
	}
	want := []string{"correct/", "wrong/wrong_rows", "wrong/wrong_rows", "wrong/unknown_table"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("pred.txt verdicts = %v, want %v", got, want)
	}
}

func TestPredTxtWrongLineCount(t *testing.T) {
	items, err := Load(context.Background(), "spider:testdata/spider")
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenFile("testdata/spider/pred_short.txt", items)
	var le *dataset.LineError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "2 prediction lines for 4 items") {
		t.Errorf("err = %v, want a line error about 2 lines for 4 items", err)
	}
}

func TestReadPredictionsErrors(t *testing.T) {
	items := []Item{{Index: 0, ID: "a"}, {Index: 1, ID: "b"}}
	tests := []struct{ name, in, want string }{
		{"not json", "{\"index\":0,\"sql\":\"x\"}\n{oops", "p.jsonl:2: field json"},
		{"out of range", `{"index":5,"sql":"x"}`, "field index: 5 out of range"},
		{"unknown id", `{"id":"zz","sql":"x"}`, `field id: "zz" is not in the dataset`},
		{"twice", "{\"index\":0,\"sql\":\"x\"}\n{\"id\":\"a\",\"sql\":\"y\"}", "second prediction for item 0"},
		{"no sql", `{"index":0}`, "field sql: missing"},
		{"too many lines", "a\nb\nc\n", "3 prediction lines for 2 items"},
	}
	for _, tt := range tests {
		_, _, err := ReadPredictions(strings.NewReader(tt.in), "p.jsonl", items)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	sql, has, err := ReadPredictions(strings.NewReader("SELECT 1\tdb\n\n"), "pred.txt", items)
	if err != nil || sql[0] != "SELECT 1" || sql[1] != "" || !has[1] {
		t.Errorf("pred.txt with a blank line = %q %v %v, want [SELECT 1, ''] both present", sql, has, err)
	}
}

func FuzzReadPredictions(f *testing.F) {
	f.Add("SELECT 1\nSELECT 2\n")
	f.Add(`{"index":1,"sql":"SELECT 1"}` + "\n" + `{"id":"a","sql":"x"}`)
	f.Add("{\n")
	items := []Item{{Index: 0, ID: "a"}, {Index: 1, ID: "b"}}
	f.Fuzz(func(t *testing.T, in string) {
		sql, has, err := ReadPredictions(strings.NewReader(in), "f", items)
		if err == nil && (len(sql) != len(items) || len(has) != len(items)) {
			t.Fatalf("no error but %d predictions for %d items", len(sql), len(items))
		}
	})
}

func TestSQLCreateContextNotApplicable(t *testing.T) {
	ctx := context.Background()
	items, err := Load(ctx, "sql-create-context:../dataset/testdata/sql_create_context.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	dbs := NewDatabases("")
	defer dbs.Close()
	rep, err := Run(ctx, items, []Predictor{Gold{}}, dbs, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range rep.Models[0].Items {
		if it.Status != StatusNotApplicable || it.Metrics.EX != nil || !it.Metrics.Valid || !it.Metrics.EM || it.Verdicts["ex"] != NA {
			t.Errorf("item %d: status %s ex %v valid %v em %v (%s), want not applicable, valid, em", it.Index, it.Status, it.Metrics.EX, it.Metrics.Valid, it.Metrics.EM, it.PredError)
		}
	}
}

func TestBrokenGold(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.jsonl")
	os.WriteFile(path, []byte(`{"question":"q","sql":"SELECT nope FROM Customers"}`+"\n"), 0o644)
	items, err := Load(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	dbs := NewDatabases("northwind")
	defer dbs.Close()
	rep, err := Run(context.Background(), items, []Predictor{Gold{}}, dbs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	it := rep.Models[0].Items[0]
	if it.Status != StatusBrokenGold || it.Metrics.EX != nil || rep.Models[0].Summary.BrokenGold != 1 {
		t.Errorf("got status %s ex %v, want broken_gold with EX not applicable", it.Status, it.Metrics.EX)
	}
}

// chatServer is a loopback OpenAI-compatible server answering every request
// with answer, counting the calls.
func chatServer(t *testing.T, answer func(prompt string) string, calls *atomic.Int32) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var req struct {
			Messages []struct{ Content string } `json:"messages"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		last := req.Messages[len(req.Messages)-1].Content
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "x", "object": "chat.completion", "model": "m",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": answer(last)}}},
			"usage": map[string]any{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestModelPredictorCacheAndJudge(t *testing.T) {
	var genCalls, judgeCalls atomic.Int32
	gen := chatServer(t, func(p string) string {
		if strings.Contains(p, "How many customers") {
			return "```sql\nSELECT COUNT(*) FROM Customers\n```"
		}
		return "```sql\nSELECT 1\n```"
	}, &genCalls)
	judge := chatServer(t, func(string) string { return `{"equivalent": false, "rationale": "different rows"}` }, &judgeCalls)
	client := func(url string) model.Backend {
		c, err := model.NewClient(model.ClientConfig{Name: "http-test", Model: "m", BaseURL: url + "/v1", Flavor: model.FlavorCompatible})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	cache := t.TempDir()
	opts := Options{Workers: 2, Judge: NewModelJudge(client(judge.URL)), JudgeName: "judge"}
	for round := 0; round < 2; round++ {
		rep := runNorthwind(t, opts, func([]Item) Predictor { return NewModelPredictor(client(gen.URL), cache) })
		items := rep.Models[0].Items
		if items[0].Status != StatusCorrect || items[0].PromptTokens != 10 || items[0].Cached != (round == 1) {
			t.Errorf("round %d item 0: %+v, want correct with 10 prompt tokens, cached on the second round", round, items[0])
		}
		if items[1].Metrics.Judge == nil || *items[1].Metrics.Judge || items[1].JudgeRationale != "different rows" || *items[1].Metrics.EX {
			t.Errorf("round %d item 1: judge %v %q, want false with its rationale, EX false", round, items[1].Metrics.Judge, items[1].JudgeRationale)
		}
	}
	if genCalls.Load() != 12 {
		t.Errorf("generation calls = %d, want 12 (the second run reads the cache)", genCalls.Load())
	}
	if judgeCalls.Load() != 22 {
		t.Errorf("judge calls = %d, want 22 (11 mismatches per run, none after a match)", judgeCalls.Load())
	}
}

// TestSpiderExactSetMatch checks that Spider data is scored by the official
// evaluator's exact-set match: aliases and bare columns resolve to their
// tables, values are ignored unless WithValues.
func TestSpiderExactSetMatch(t *testing.T) {
	ctx := context.Background()
	items, err := Load(ctx, "spider:testdata/spider")
	if err != nil {
		t.Fatal(err)
	}
	pred := filepath.Join(t.TempDir(), "pred.txt")
	lines := "select count(*) from item;\nselect T1.name from animal as T1 where T1.legs = 99\n" +
		"SELECT name FROM item ORDER BY price LIMIT 1\nSELECT avg(legs) FROM animals\n"
	if err := os.WriteFile(pred, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := OpenFile(pred, items)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		values bool
		want   string
	}{{false, "true true false false"}, {true, "true false false false"}} {
		dbs := NewDatabases("")
		rep, err := Run(ctx, items, []Predictor{p}, dbs, Options{Workers: 1, WithValues: tt.values})
		dbs.Close()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range rep.Models[0].Items {
			got = append(got, fmt.Sprint(*it.Metrics.ESM))
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("with values %v: ESM %v, want %s", tt.values, got, tt.want)
		}
	}
}
