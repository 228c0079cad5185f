package serve

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// keyID is how a key appears in logs: a short hash, never the key.
func keyID(key string) string {
	h := sha256.Sum256([]byte(key))
	return "key-" + hex.EncodeToString(h[:4])
}

type ctxKey struct{}

// apiMiddleware authenticates, rate-limits and bounds the body of API requests.
func (s *Server) apiMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := clientAddr(r)
		if len(s.keys) > 0 {
			id, ok := s.authenticate(r)
			if !ok {
				// failed attempts are limited per client address, so keys cannot be
				// guessed at full speed
				setClient(w, client)
				if s.limiter != nil {
					if ok, wait := s.limiter.allow("unauthenticated " + client); !ok {
						s.tooMany(w, wait)
						return
					}
				}
				w.Header().Set("WWW-Authenticate", `Bearer realm="sqlforge"`)
				writeError(w, errorf(http.StatusUnauthorized, CodeUnauthorized, "missing or unknown API key: send Authorization: Bearer KEY", nil))
				return
			}
			client = id
		}
		setClient(w, client)
		if s.limiter != nil {
			if ok, wait := s.limiter.allow(client); !ok {
				s.tooMany(w, wait)
				return
			}
		}
		if r.ContentLength > s.cfg.MaxBodyBytes {
			writeError(w, errorf(http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("request body is larger than %d bytes", s.cfg.MaxBodyBytes), nil))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// tooMany answers 429 with a Retry-After of wait, rounded up to seconds.
func (s *Server) tooMany(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
	writeError(w, errorf(http.StatusTooManyRequests, CodeRateLimited, fmt.Sprintf("rate limit of %g requests/s exceeded; retry later", s.cfg.RatePerSecond), nil))
}

// authenticate checks the bearer key in constant time and returns its log id. The scheme
// name is case-insensitive (RFC 7235).
func (s *Server) authenticate(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", false
	}
	for k, id := range s.keys {
		if subtle.ConstantTimeCompare([]byte(k), []byte(tok)) == 1 {
			return id, true
		}
	}
	return "", false
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// statusWriter records the status and the client id for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
	client string
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func setClient(w http.ResponseWriter, id string) {
	if sw, ok := w.(*statusWriter); ok {
		sw.client = id
	}
}

// instrument logs and measures each request of the route named pattern.
func (s *Server) instrument(pattern string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.request(pattern, sw.status, d)
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		} else if pattern == "GET /metrics" || pattern == "GET /healthz" || pattern == "GET /readyz" {
			level = slog.LevelDebug
		}
		s.cfg.Logger.LogAttrs(r.Context(), level, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Float64("ms", float64(d.Microseconds())/1000), slog.String("client", sw.client))
	})
}

// cors answers preflights and sets CORS headers for the configured origins.
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && len(s.cfg.CORSOrigins) > 0 {
			allowAll := slices.Contains(s.cfg.CORSOrigins, "*")
			if allowAll || slices.Contains(s.cfg.CORSOrigins, origin) {
				if allowAll {
					w.Header().Set("Access-Control-Allow-Origin", "*")
				} else {
					w.Header().Set("Access-Control-Allow-Origin", origin)
					w.Header().Add("Vary", "Origin")
				}
				w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
				w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
				w.Header().Set("Access-Control-Max-Age", "600")
			}
		}
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic into a 500 in the error shape, so the server keeps serving.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Logger.Error("panic", slog.String("path", r.URL.Path), slog.String("panic", fmt.Sprint(v)))
				writeError(w, errorf(http.StatusInternalServerError, CodeInternal, "internal error", nil))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
