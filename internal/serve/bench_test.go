package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/prompt"
	"github.com/sqlforge/sqlforge/internal/schema"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

func TestAppendCachedMatchesEncoder(t *testing.T) {
	tests := []struct {
		name string
		r    GenerateResponse
	}{
		{"plain", GenerateResponse{SQL: "SELECT 1", Confidence: 0.5, Warnings: []string{}, Model: "knn", LatencyMS: 0.01, ConversationID: "abc", Cached: true}},
		{"rows", GenerateResponse{SQL: "SELECT a FROM t", Columns: []string{"a"}, Rows: [][]any{{int64(1)}, {nil}, {"x\"y"}},
			Truncated: true, Warnings: []string{"w"}, Model: "m", LatencyMS: 12.34, ConversationID: "id \"quoted\" <b>", Cached: true}},
		{"not cached", GenerateResponse{SQL: "SELECT 2", Warnings: []string{}, Model: "m", LatencyMS: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r
			r.encoded = encodePrefix(r)
			if r.encoded == nil {
				t.Fatal("encodePrefix returned nil")
			}
			got, err := appendCached(nil, &r)
			if err != nil {
				t.Fatal(err)
			}
			var gotV, wantV map[string]any
			if err := json.Unmarshal(got, &gotV); err != nil {
				t.Fatalf("appendCached wrote invalid JSON %s: %v", got, err)
			}
			want, _ := json.Marshal(tt.r)
			_ = json.Unmarshal(want, &wantV)
			if d := cmp.Diff(gotV, wantV); d != "" {
				t.Errorf("cached encoding differs (-got +want):\n%s", d)
			}
		})
	}
}

func TestReadResponse(t *testing.T) {
	tests := []struct {
		name, raw string
		status    int
		wantErr   bool
	}{
		{"content length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, false},
		{"chunked", "HTTP/1.1 429 Too Many Requests\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 429, false},
		{"no length", "HTTP/1.1 200 OK\r\n\r\n", 0, true},
		{"short body", "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc", 0, true},
		{"garbage", "hello\r\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, err := readResponse(bufio.NewReader(strings.NewReader(tt.raw)))
			if (err != nil) != tt.wantErr || status != tt.status {
				t.Errorf("readResponse = %d, %v; want %d, error %t", status, err, tt.status, tt.wantErr)
			}
		})
	}
}

func TestPercentiles(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	got := percentiles(ds)
	want := Percentiles{P50: 50, P90: 90, P99: 99, Max: 100, Mean: 50.5}
	if got != want {
		t.Errorf("percentiles = %+v; want %+v", got, want)
	}
}

// TestBenchPhases runs a short bench against the scripted backend: every request of both
// phases is answered with 200, the cached phase never calls the model, and the uncached
// phase calls it for each request and executes the SQL.
func TestBenchPhases(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(ctx, copyNorthwind(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sch, err := schema.Introspect(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	b := &scripted{answer: func(context.Context, model.Request) (string, error) { return "SELECT COUNT(*) FROM Orders", nil }}
	svc, err := NewService(ServiceConfig{Backend: b, Executor: sqlexec.NewSQLite(db.DB), Builder: &prompt.Builder{Schema: sch}, SchemaHash: sch.Hash()})
	if err != nil {
		t.Fatal(err)
	}
	questions := []string{"how many orders", "count the orders", "number of orders"}
	res, err := Bench(ctx, svc, BenchOptions{Questions: questions, Connections: 4, Duration: 200 * time.Millisecond,
		Uncached: 200 * time.Millisecond, Execute: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Phases) != 2 {
		t.Fatalf("got %d phases; want 2", len(res.Phases))
	}
	b.mu.Lock()
	calls := len(b.reqs)
	b.mu.Unlock()
	for _, p := range res.Phases {
		if p.Requests == 0 || p.Errors != 0 {
			t.Errorf("phase %s: %d requests, %d errors; want some and none", p.Name, p.Requests, p.Errors)
		}
	}
	if cached := res.Phases[0]; cached.Model.Max != 0 || cached.DB.Max != 0 {
		t.Errorf("cached phase spent %v in the model and %v in the database; want none", cached.Model, cached.DB)
	}
	// The warm-up asks each question once; the uncached phase asks the model per request.
	if uncached := res.Phases[1]; calls < len(questions)+uncached.Requests {
		t.Errorf("backend called %d times; want at least %d", calls, len(questions)+uncached.Requests)
	}
	if res.MemoryAfter.HeapInuseMB <= 0 {
		t.Errorf("memory after = %+v; want a heap size", res.MemoryAfter)
	}
}
