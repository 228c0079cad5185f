package serve

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/prompt"
	"github.com/sqlforge/sqlforge/internal/schema"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// scripted is a model backend whose answer the test sets; it records the requests it got.
type scripted struct {
	mu     sync.Mutex
	answer func(ctx context.Context, req model.Request) (string, error)
	reqs   []model.Request
}

func (s *scripted) Name() string { return "scripted" }

func (s *scripted) Generate(ctx context.Context, req model.Request) (model.Response, error) {
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	f := s.answer
	s.mu.Unlock()
	text, err := f(ctx, req)
	if err != nil {
		return model.Response{}, err
	}
	return model.Response{Choices: []model.Choice{{Text: text}}}, nil
}

func (s *scripted) set(f func(model.Request) (string, error)) {
	s.setContext(func(_ context.Context, req model.Request) (string, error) { return f(req) })
}

// setContext sets an answer that sees the request's context: one that waits for it to end
// stands for a model slower than the service's timeout, with no sleep.
func (s *scripted) setContext(f func(ctx context.Context, req model.Request) (string, error)) {
	s.mu.Lock()
	s.answer = f
	s.mu.Unlock()
}

func (s *scripted) last() model.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs[len(s.reqs)-1]
}

// fixture is a server over a private copy of the embedded Northwind.
type fixture struct {
	srv     *httptest.Server
	backend *scripted
	dbPath  string
	svc     *Service
}

func (f *fixture) service(*testing.T) *Service { return f.svc }

func decodeJSON(res *http.Response, v any) error { return json.NewDecoder(res.Body).Decode(v) }

func copyNorthwind(t *testing.T) string {
	t.Helper()
	db, err := database.Open(context.Background(), "northwind")
	if err != nil {
		t.Fatal(err)
	}
	src := db.Path
	db.Close()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "northwind.db")
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

func fileHash(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

func newFixture(t *testing.T, cfg Config, svcCfg ServiceConfig) *fixture {
	t.Helper()
	ctx := context.Background()
	path := copyNorthwind(t)
	db, err := database.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sch, err := schema.Introspect(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	b := &scripted{answer: func(context.Context, model.Request) (string, error) { return "SELECT 1", nil }}
	svcCfg.Backend, svcCfg.Executor, svcCfg.SchemaHash = b, sqlexec.NewSQLite(db.DB), sch.Hash()
	svcCfg.Builder = &prompt.Builder{Schema: sch}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	svcCfg.Logger = quiet
	svc, err := NewService(svcCfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Service, cfg.Logger = svc, quiet
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return &fixture{srv: hs, backend: b, dbPath: path, svc: svc}
}

// post sends body to /generate-sql and decodes the answer or the error.
func (f *fixture) post(t *testing.T, body any, header map[string]string) (int, GenerateResponse, ErrorResponse) {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case string:
		raw = []byte(b)
	default:
		raw, _ = json.Marshal(b)
	}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/generate-sql", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	var ok GenerateResponse
	var bad ErrorResponse
	if res.StatusCode == http.StatusOK {
		if err := json.Unmarshal(data, &ok); err != nil {
			t.Fatalf("decode %s: %v", data, err)
		}
	} else if err := json.Unmarshal(data, &bad); err != nil || bad.Error.Code == "" || bad.Error.Message == "" {
		t.Fatalf("status %d: body %s is not the error shape", res.StatusCode, data)
	}
	return res.StatusCode, ok, bad
}

// fakeClock is a rate-limiter clock the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
