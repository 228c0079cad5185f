package serve

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

//go:embed web/index.html web/docs.html.tmpl
var webFS embed.FS

// Config configures a Server. Service is required.
type Config struct {
	// Service answers the questions.
	Service *Service
	// APIKeys, when not empty, are the bearer tokens POST /generate-sql accepts.
	APIKeys []string
	// RatePerSecond and Burst size each key's token bucket (each client address's when no
	// keys are set); RatePerSecond 0 disables rate limiting.
	RatePerSecond float64
	Burst         int
	// MaxBodyBytes limits request bodies (default 64 KiB).
	MaxBodyBytes int64
	// CORSOrigins lists the origins allowed to call the API from a browser; "*" allows all;
	// empty sends no CORS headers.
	CORSOrigins []string
	// ReadTimeout bounds reading a whole request, body included (default
	// DefaultReadTimeout); HTTPServer applies it.
	ReadTimeout time.Duration
	// Logger receives one line per request (default: slog.Default()); it never logs keys.
	Logger *slog.Logger
	// now is the clock of the rate limiter (tests replace it).
	now func() time.Time
}

// Server is the HTTP API. Create it with New and serve Handler.
type Server struct {
	cfg     Config
	limiter *limiter
	metrics *metrics
	keys    map[string]string // key → its log id
	ready   func() bool
	// trace, when set, is told each request's handler time and the model and database
	// time within it (bench serve).
	trace func(total, model, db time.Duration)
	// docs is the /docs page, rendered once by handleDocs.
	docsOnce sync.Once
	docs     http.HandlerFunc
}

// New returns a server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Service == nil {
		return nil, errors.New("serve: no service")
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 64 << 10
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	s := &Server{cfg: cfg, metrics: newMetrics(), keys: map[string]string{}, ready: func() bool { return true }}
	for _, k := range cfg.APIKeys {
		s.keys[k] = keyID(k)
	}
	if cfg.RatePerSecond > 0 {
		s.limiter = newLimiter(cfg.RatePerSecond, max(1, cfg.Burst), cfg.now)
	}
	cfg.Service.observe = s.metrics.observe
	cfg.Service.evicted = s.metrics.evicted
	return s, nil
}

// Timeouts of the http.Server that HTTPServer returns.
const (
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout = 10 * time.Second
	// DefaultReadTimeout bounds reading a whole request, body included, so a client that
	// sends its body slowly does not hold a connection.
	DefaultReadTimeout = 10 * time.Second
	// IdleTimeout closes keep-alive connections idle this long.
	IdleTimeout = 2 * time.Minute
)

// HTTPServer returns an http.Server for the handler with read timeouts set: headers
// within ReadHeaderTimeout, the whole request within Config.ReadTimeout.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{Handler: s.Handler(), ReadHeaderTimeout: min(ReadHeaderTimeout, s.cfg.ReadTimeout),
		ReadTimeout: s.cfg.ReadTimeout, IdleTimeout: IdleTimeout}
}

// route is one entry of the route table.
type route struct {
	pattern string
	handler http.HandlerFunc
	// api routes take the API middleware: auth, rate limit, body limit.
	api bool
}

// routes is the one route table.
func (s *Server) routes() []route {
	return []route{
		{"POST /generate-sql", s.handleGenerate, true},
		{"OPTIONS /generate-sql", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }, false},
		{"/generate-sql", methodNotAllowed, false},
		{"GET /healthz", s.handleHealth, false},
		{"GET /readyz", s.handleReady, false},
		{"GET /metrics", s.metrics.handler().ServeHTTP, false},
		{"GET /catalog", s.handleCatalog, true},
		{"GET /openapi.json", handleOpenAPI, false},
		{"GET /docs", s.handleDocs, false},
		{"GET /{$}", page("web/index.html"), false},
		{"/", notFound, false},
	}
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, r := range s.routes() {
		h := http.Handler(r.handler)
		if r.api {
			h = s.apiMiddleware(h)
		}
		mux.Handle(r.pattern, s.instrument(r.pattern, h))
	}
	h := s.recoverer(s.cors(mux))
	if s.trace != nil {
		h = s.traced(h)
	}
	return h
}

func (s *Server) handleGenerate(w http.ResponseWriter, r *http.Request) {
	var req GenerateRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, errorf(http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("request body is larger than %d bytes", tooBig.Limit), err))
			return
		}
		writeError(w, errorf(http.StatusBadRequest, CodeBadRequest, "malformed JSON request: "+err.Error(), err))
		return
	}
	if dec.More() {
		writeError(w, errorf(http.StatusBadRequest, CodeBadRequest, "malformed JSON request: more than one JSON value", nil))
		return
	}
	resp, err := s.cfg.Service.Generate(r.Context(), req)
	if err != nil {
		writeError(w, err)
		return
	}
	if resp.encoded != nil {
		writeCached(w, resp)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, Health{Status: "ok", Model: s.cfg.Service.Model(), SchemaHash: s.cfg.Service.SchemaHash()})
}

func (s *Server) handleReady(w http.ResponseWriter, _ *http.Request) {
	h := Health{Status: "ok", Model: s.cfg.Service.Model(), SchemaHash: s.cfg.Service.SchemaHash()}
	if !s.ready() {
		h.Status = "unavailable"
		writeJSON(w, http.StatusServiceUnavailable, h)
		return
	}
	writeJSON(w, http.StatusOK, h)
}

func page(name string) http.HandlerFunc {
	body, err := webFS.ReadFile(name)
	if err != nil {
		panic("serve: missing embedded " + name)
	}
	return pageBytes(body)
}

// pageBytes serves body as a self-contained HTML page: scripts and styles inline, nothing
// loaded from elsewhere.
func pageBytes(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:")
		_, _ = w.Write(body)
	}
}

func notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, errorf(http.StatusNotFound, CodeNotFound, "no route for "+r.Method+" "+r.URL.Path, nil))
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "POST, OPTIONS")
	writeError(w, errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path+"; use POST", nil))
}
