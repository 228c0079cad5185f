// Package openaitest provides a loopback HTTP server that speaks the chat
// completions and embeddings APIs as OpenAI documents it (and as Azure OpenAI, vLLM, Ollama
// and llama.cpp's server expose it), with scripted failures, so that clients
// can be tested deterministically without a network.
//
// Routes:
//
//	POST /v1/chat/completions                                   OpenAI, vLLM, Ollama, llama.cpp
//	POST /openai/deployments/{deployment}/chat/completions?api-version=V   Azure OpenAI
//	POST /v1/embeddings                                         OpenAI, vLLM, Ollama
//	POST /openai/deployments/{deployment}/embeddings?api-version=V         Azure OpenAI
//
// Requests are validated (400 with OpenAI's error body
// {"error":{"message","type","param","code"}}), the key checked (401: bearer
// on /v1, the api-key header on the Azure path), and answered with n choices,
// finish_reason, usage and, when "logprobs": true, logprobs.content[].logprob.
package openaitest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Server is a loopback chat completions server. Configure its exported
// fields before the first request.
type Server struct {
	*httptest.Server

	// Key is the API key required; empty accepts requests with or without
	// one (as Ollama and llama.cpp's server do by default).
	Key string
	// Reply produces the content of choice i; nil answers a fenced
	// "SELECT 1;" block.
	Reply func(req ChatRequest, i int) string
	// TokenLogprobs are the log-probabilities given to the reply's tokens
	// (whitespace-separated words), cycling; nil gives each token -0.5.
	TokenLogprobs []float64
	// EmbeddingDims is the length of embedding vectors when a request names
	// no dimensions; 0 means DefaultEmbeddingDims.
	EmbeddingDims int

	mu          sync.Mutex
	script      []Step
	requests    []Recorded
	inFlight    int
	maxInFlight int
}

// Recorded is a request as the server received it.
type Recorded struct {
	Path       string
	Query      string
	Header     http.Header
	Deployment string // Azure path only
	Body       ChatRequest
	Raw        map[string]json.RawMessage
}

// New starts a server on loopback and closes it when t ends.
func New(t testing.TB) *Server {
	s := &Server{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		s.serve(w, r, "")
	})
	mux.HandleFunc("POST /openai/deployments/{deployment}/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		s.serve(w, r, r.PathValue("deployment"))
	})
	mux.HandleFunc("POST /v1/embeddings", func(w http.ResponseWriter, r *http.Request) {
		s.serveEmbeddings(w, r, "")
	})
	mux.HandleFunc("POST /openai/deployments/{deployment}/embeddings", func(w http.ResponseWriter, r *http.Request) {
		s.serveEmbeddings(w, r, r.PathValue("deployment"))
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// BaseURL is the OpenAI-compatible base URL ("http://127.0.0.1:PORT/v1").
func (s *Server) BaseURL() string { return s.URL + "/v1" }

// Enqueue appends scripted behaviours; each request consumes the next one,
// and requests beyond the script are answered normally.
func (s *Server) Enqueue(steps ...Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, steps...)
}

// Requests returns the requests received so far, in arrival order.
func (s *Server) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Recorded(nil), s.requests...)
}

// MaxInFlight is the most requests the server was handling at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, deployment string) {
	s.mu.Lock()
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	var step *Step
	if len(s.script) > 0 {
		step = &s.script[0]
		s.script = s.script[1:]
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()

	rec := Recorded{Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Deployment: deployment}
	var req ChatRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	var raw map[string]json.RawMessage
	err := readJSON(dec, &raw, &req)
	rec.Body, rec.Raw = req, raw
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()

	if deployment != "" && r.URL.Query().Get("api-version") == "" {
		writeError(w, http.StatusNotFound, "Resource not found", "", "", "404")
		return
	}
	if !s.authorized(r, deployment != "") {
		writeError(w, http.StatusUnauthorized, "Incorrect API key provided: "+mask(presentedKey(r, deployment != ""))+
			". You can find your API key at https://platform.openai.com/account/api-keys.",
			"invalid_request_error", "", "invalid_api_key")
		return
	}
	if step != nil && step.play(w, r) {
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "We could not parse the JSON body of your request: "+err.Error(),
			"invalid_request_error", "", "")
		return
	}
	if msg, param := req.validate(deployment != ""); msg != "" {
		writeError(w, http.StatusBadRequest, msg, "invalid_request_error", param, "")
		return
	}
	content := ""
	if step != nil {
		content = step.Content
	}
	writeJSON(w, http.StatusOK, s.complete(req, deployment, content))
}

func (s *Server) authorized(r *http.Request, azure bool) bool {
	if s.Key == "" {
		return true
	}
	return presentedKey(r, azure) == s.Key
}

func presentedKey(r *http.Request, azure bool) string {
	if azure {
		return r.Header.Get("api-key")
	}
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
}

// mask shows a key as OpenAI's 401 message does: a prefix, stars, a suffix.
func mask(key string) string {
	if len(key) < 8 {
		return strings.Repeat("*", len(key))
	}
	return key[:3] + strings.Repeat("*", len(key)-7) + key[len(key)-4:]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError writes OpenAI's error body; empty param and code are null.
func writeError(w http.ResponseWriter, status int, message, typ, param, code string) {
	writeJSON(w, status, ErrorBody{Error: ErrorDetail{Message: message, Type: typ, Param: nullable(param), Code: nullable(code)}})
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
