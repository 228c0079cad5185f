package serve

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/browsertest"
	"github.com/sqlforge/sqlforge/internal/model"
)

func TestErrorsKeepServing(t *testing.T) {
	f := newFixture(t, Config{MaxBodyBytes: 512}, ServiceConfig{ModelTimeout: 50 * time.Millisecond, CacheSize: -1})
	cases := []struct {
		name   string
		answer func(context.Context) (string, error)
		body   any
		status int
		code   string
	}{
		{"malformed json", nil, `{"question": `, 400, CodeBadRequest},
		{"unknown field", nil, `{"question": "q", "sql": "DROP TABLE x"}`, 400, CodeBadRequest},
		{"empty question", nil, GenerateRequest{Question: "  "}, 400, CodeBadRequest},
		{"negative max_rows", nil, GenerateRequest{Question: "q", MaxRows: -1}, 400, CodeBadRequest},
		{"too large", nil, GenerateRequest{Question: strings.Repeat("x", 600)}, 413, CodeTooLarge},
		{"model error", func(context.Context) (string, error) { return "", errors.New("upstream exploded") }, GenerateRequest{Question: "q"}, 502, CodeModelError},
		{"model timeout", func(ctx context.Context) (string, error) { <-ctx.Done(); return "", ctx.Err() }, GenerateRequest{Question: "q"}, 504, CodeModelTimeout},
		{"garbage answer", func(context.Context) (string, error) { return "I like turtles.", nil }, GenerateRequest{Question: "q"}, 502, CodeNoSQL},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.answer != nil {
				f.backend.setContext(func(ctx context.Context, _ model.Request) (string, error) { return c.answer(ctx) })
			}
			status, _, e := f.post(t, c.body, nil)
			if status != c.status || e.Error.Code != c.code {
				t.Errorf("got %d %+v, want %d %s", status, e, c.status, c.code)
			}
			// the server keeps serving
			f.backend.set(func(model.Request) (string, error) { return "SELECT 1 AS one", nil })
			if status, r, _ := f.post(t, GenerateRequest{Question: "ok?", Execute: true}, nil); status != 200 || len(r.Rows) != 1 {
				t.Errorf("after %s: status %d rows %v", c.name, status, r.Rows)
			}
		})
	}
	res, err := http.Get(f.srv.URL + "/nope")
	if err != nil || res.StatusCode != 404 {
		t.Fatalf("unknown path: %v %v", res, err)
	}
}

func TestGenerateExecutesAndScores(t *testing.T) {
	f := newFixture(t, Config{}, ServiceConfig{})
	f.backend.set(func(model.Request) (string, error) {
		return "Count them.\n###final_sql_query:\nSELECT Country, COUNT(*) AS n FROM Customers GROUP BY Country ORDER BY n DESC\n###END", nil
	})
	status, r, _ := f.post(t, GenerateRequest{Question: "customers per country", Execute: true, MaxRows: 3}, nil)
	if status != 200 || len(r.Rows) != 3 || !r.Truncated || r.Columns[1] != "n" || r.Reasoning != "Count them." {
		t.Fatalf("got %d %+v", status, r)
	}
	if r.Confidence <= 0 || r.Confidence > 1 || r.ConversationID == "" {
		t.Errorf("confidence %v, conversation %q", r.Confidence, r.ConversationID)
	}
	_, again, _ := f.post(t, GenerateRequest{Question: "Customers  per COUNTRY", Execute: true, MaxRows: 3}, nil)
	if !again.Cached || again.SQL != r.SQL {
		t.Errorf("second ask: cached %v", again.Cached)
	}
	f.backend.set(func(model.Request) (string, error) { return "SELECT nope FROM Customers", nil })
	_, bad, _ := f.post(t, GenerateRequest{Question: "bad column"}, nil)
	if bad.Confidence >= r.Confidence || len(bad.Warnings) == 0 {
		t.Errorf("unknown column: confidence %v (good answer %v), warnings %v", bad.Confidence, r.Confidence, bad.Warnings)
	}
}

func TestConversationPassesPreviousTurn(t *testing.T) {
	f := newFixture(t, Config{}, ServiceConfig{})
	f.backend.set(func(model.Request) (string, error) { return "SELECT COUNT(*) FROM Orders", nil })
	_, first, _ := f.post(t, GenerateRequest{Question: "how many orders"}, nil)
	f.post(t, GenerateRequest{Question: "only for 2023", ConversationID: first.ConversationID}, nil)
	msgs := f.backend.last().ChatMessages()
	if n := len(msgs); n != 4 || msgs[1].Content != "how many orders" || msgs[2].Content != "SELECT COUNT(*) FROM Orders" || msgs[3].Content != "only for 2023" {
		t.Errorf("follow-up messages: %+v", msgs)
	}
}

func TestAuthRateLimitCORS(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	f := newFixture(t, Config{APIKeys: []string{"k1", "k2"}, RatePerSecond: 1, Burst: 2, CORSOrigins: []string{"https://app.example"}, now: clock.Now}, ServiceConfig{})
	q := GenerateRequest{Question: "q"}
	if s, _, e := f.post(t, q, nil); s != 401 || e.Error.Code != CodeUnauthorized {
		t.Errorf("no key: %d %+v", s, e)
	}
	if s, _, _ := f.post(t, q, map[string]string{"Authorization": "Bearer wrong"}); s != 401 {
		t.Errorf("wrong key: %d", s)
	}
	k1 := map[string]string{"Authorization": "Bearer k1"}
	for i := 0; i < 2; i++ {
		if s, _, _ := f.post(t, q, k1); s != 200 {
			t.Errorf("burst request %d: %d", i, s)
		}
	}
	if s, _, e := f.post(t, q, k1); s != 429 || e.Error.Code != CodeRateLimited {
		t.Errorf("over the burst: %d %+v", s, e)
	}
	if s, _, _ := f.post(t, q, map[string]string{"Authorization": "Bearer k2"}); s != 200 {
		t.Errorf("another key has its own bucket: %d", s)
	}
	clock.Add(time.Second)
	if s, _, _ := f.post(t, q, k1); s != 200 {
		t.Errorf("after a second's refill: %d", s)
	}
	req, _ := http.NewRequest(http.MethodOptions, f.srv.URL+"/generate-sql", nil)
	req.Header.Set("Origin", "https://app.example")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("CORS preflight: %v %v", res.Header, err)
	}
}

func TestEndpoints(t *testing.T) {
	f := newFixture(t, Config{}, ServiceConfig{})
	f.post(t, GenerateRequest{Question: "q"}, nil)
	get := func(path string) (int, string) {
		res, err := http.Get(f.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for _, c := range []struct{ path, want string }{
		{"/healthz", `"status":"ok"`}, {"/readyz", `"schema_hash"`}, {"/metrics", `sqlforge_http_requests_total{code="200",route="POST /generate-sql"} 1`},
		{"/docs", "/openapi.json"}, {"/", "<title>sqlforge</title>"},
	} {
		if s, body := get(c.path); s != 200 || !strings.Contains(body, c.want) {
			t.Errorf("GET %s: %d, want body containing %s", c.path, s, c.want)
		}
	}
	_, body := get("/openapi.json")
	var doc struct {
		Paths map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	for _, p := range []string{"/generate-sql", "/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/"} {
		if doc.Paths[p] == nil {
			t.Errorf("openapi.json lacks %s", p)
		}
	}
}

// TestPageInChromium loads the page with ?q= in headless Chromium and checks the rendered
// SQL, result table and chart.
func TestPageInChromium(t *testing.T) {
	bin := browsertest.Chromium(t)
	f := newFixture(t, Config{}, ServiceConfig{})
	f.backend.set(func(model.Request) (string, error) {
		return "SELECT CategoryName, COUNT(*) AS n FROM Categories JOIN Products USING (CategoryID) GROUP BY CategoryName", nil
	})
	dom := dumpDOM(t, bin, f.srv.URL+"/?q=products+per+category")
	for _, want := range []string{`id="sql"`, "GROUP BY CategoryName", `id="result"`, "<td>Beverages</td>", `id="chart"`, "<rect"} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered page lacks %s", want)
		}
	}
	if strings.Contains(dom, `id="plan"`) {
		t.Errorf("a SQL model's answer shows a plan line")
	}
}

// TestPlannedPageInChromium: a plan model's answer shows its explanation and plan text above
// the SQL, and a low-confidence answer is marked.
func TestPlannedPageInChromium(t *testing.T) {
	bin := browsertest.Chromium(t)
	f := newFixture(t, Config{}, ServiceConfig{Planner: northwindKNN(t)})
	cases := []struct {
		q         string
		want      []string
		wantOrder []string // substrings that appear in this order
	}{
		{"Top+5+products+by+revenue",
			[]string{`<p id="plan">Plan: Revenue by product, top 5 <code id="plan-text">revenue by product top 5</code></p>`, `<p id="confidence">Confidence`, `id="result"`},
			[]string{`id="plan"`, `id="sql"`, `id="confidence"`}},
		{"What+is+the+phone+number+of+Speedy+Express%3F",
			[]string{`id="plan-text"`, `<p id="confidence" class="low">⚠ Low confidence`, "phone"},
			nil},
	}
	for _, tc := range cases {
		t.Run(tc.q, func(t *testing.T) {
			dom := dumpDOM(t, bin, f.srv.URL+"/?q="+tc.q)
			for _, want := range tc.want {
				if !strings.Contains(dom, want) {
					t.Errorf("rendered page lacks %s", want)
				}
			}
			at := -1
			for _, want := range tc.wantOrder {
				i := strings.Index(dom, want)
				if i <= at {
					t.Errorf("%s is not after the previous part", want)
				}
				at = i
			}
		})
	}
}

// dumpDOM loads url in headless Chromium and returns the DOM after its scripts ran; on a
// test failure the DOM is kept in the test's temporary folder.
func dumpDOM(t *testing.T, bin, url string) string {
	t.Helper()
	out := browsertest.Run(t, bin, "--virtual-time-budget=5000", "--dump-dom", url)
	dir := t.TempDir()
	t.Cleanup(func() {
		if t.Failed() {
			_ = os.WriteFile(dir+"/dom.html", []byte(out), 0o644)
			t.Logf("DOM kept in %s/dom.html", dir)
		}
	})
	return out
}
