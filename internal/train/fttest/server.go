// Package fttest is a loopback fine-tuning server that follows the published OpenAI contract
// for files, uploads and fine_tuning jobs/events/checkpoints (under /v1, Bearer auth) and the
// Azure OpenAI data-plane paths (under /openai, api-key header, api-version query), and the
// Azure Resource Manager deployment endpoints of Microsoft.CognitiveServices (under
// /subscriptions, bearer MgmtToken) with chat completions on deployed models. Jobs move
// through a scripted lifecycle on a virtual clock that advances once per job poll, and faults
// (429 with Retry-After, 5xx, 401, slow file processing, jobs failing or cancelled midway)
// are scripted per test. It is for tests and demos; nothing in it sleeps.
package fttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
)

// Script is the lifecycle of a job: how many polls it spends in each state and how it ends.
type Script struct {
	// Validating, Queued and Running are the number of GET polls spent in each state.
	Validating, Queued, Running int
	// End is the final status: succeeded (default), failed or cancelled.
	End string
	// Epochs is the number of checkpoints written on success (default 3, at most 3 kept).
	Epochs int
}

// DefaultScript validates, queues and runs for one, one and three polls, then succeeds.
var DefaultScript = Script{Validating: 1, Queued: 1, Running: 3, End: "succeeded", Epochs: 3}

// Fault makes the next Times requests whose method and path match answer Status instead.
type Fault struct {
	// Method is the HTTP method ("" matches any).
	Method string
	// Path is a path suffix after the /v1 or /openai prefix, e.g. "/fine_tuning/jobs" or
	// "/files"; a request matches when its path without the prefix starts with it.
	Path string
	// Status is the HTTP status to answer (429, 500, 503, ...).
	Status int
	// RetryAfter, when set, is sent as the Retry-After header (seconds).
	RetryAfter string
	// Times is how many matching requests fail (default 1).
	Times int
}

// Server is the contract server. Configure the exported fields before the first request.
type Server struct {
	*httptest.Server

	// APIKey is the key every request must carry (Bearer for /v1, api-key for /openai).
	APIKey string
	// ProcessingPolls is how many GET /files/{id} a new file stays "uploaded" before
	// becoming "processed" (slow processing).
	ProcessingPolls int
	// Script is the lifecycle given to new jobs.
	Script Script
	// PageLimit caps list pages (default 20, like the API's default limit).
	PageLimit int
	// ProcessingError, when set, is asked about every fine-tune file; a non-empty answer
	// makes the file end in status "error" with that status_details instead of "processed"
	// (a file that fails processing).
	ProcessingError func(filename string, data []byte) string
	// MgmtToken is the bearer token the management (ARM) endpoints require (default
	// "mgmt-" + APIKey).
	MgmtToken string
	// DeployScript is the provisioning given to new and updated deployments.
	DeployScript DeployScript
	// Reply answers a chat completion on a deployment: the content for the last user message
	// (nil: a fenced "SELECT 1;").
	Reply func(deployment, prompt string) string

	mu       sync.Mutex
	seq      int
	clock    int64
	faults   []Fault
	files    map[string]*file
	uploads  map[string]*upload
	jobs     map[string]*job
	jobOrder []string
	requests []string

	deployments map[string]*deployment
	operations  map[string]*operation
	chats       int
}

// New starts a contract server on loopback; it is closed with the test.
func New(t interface{ Cleanup(func()) }, apiKey string) *Server {
	s := &Server{APIKey: apiKey, MgmtToken: "mgmt-" + apiKey, Script: DefaultScript, DeployScript: DefaultDeployScript,
		clock: 1_700_000_000, files: map[string]*file{}, uploads: map[string]*upload{}, jobs: map[string]*job{},
		deployments: map[string]*deployment{}, operations: map[string]*operation{}}
	s.Server = httptest.NewServer(s.routes())
	t.Cleanup(s.Close)
	return s
}

// Inject queues faults.
func (s *Server) Inject(f ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range f {
		if x.Times <= 0 {
			x.Times = 1
		}
		s.faults = append(s.faults, x)
	}
}

// Requests returns "METHOD /path" for every request received, in order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// CancelJob cancels a job as if from another client (a job cancelled midway).
func (s *Server) CancelJob(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[id]
	if ok {
		s.finish(j, "cancelled")
	}
	return ok
}

// FileContent returns the bytes of an uploaded file.
func (s *Server) FileContent(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[id]
	if !ok {
		return nil, false
	}
	return f.data, true
}

func (s *Server) id(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s-%06d", prefix, s.seq)
}

func (s *Server) tick() int64 {
	s.clock++
	return s.clock
}

// routes registers every endpoint under both prefixes.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, p := range []string{"/v1", "/openai"} {
		mux.HandleFunc("POST "+p+"/files", s.createFile)
		mux.HandleFunc("GET "+p+"/files", s.listFiles)
		mux.HandleFunc("GET "+p+"/files/{id}", s.getFile)
		mux.HandleFunc("GET "+p+"/files/{id}/content", s.fileContent)
		mux.HandleFunc("POST "+p+"/uploads", s.createUpload)
		mux.HandleFunc("POST "+p+"/uploads/{id}/parts", s.addPart)
		mux.HandleFunc("POST "+p+"/uploads/{id}/complete", s.completeUpload)
		mux.HandleFunc("POST "+p+"/fine_tuning/jobs", s.createJob)
		mux.HandleFunc("GET "+p+"/fine_tuning/jobs", s.listJobs)
		mux.HandleFunc("GET "+p+"/fine_tuning/jobs/{id}", s.getJob)
		mux.HandleFunc("POST "+p+"/fine_tuning/jobs/{id}/cancel", s.jobAction("cancel"))
		mux.HandleFunc("POST "+p+"/fine_tuning/jobs/{id}/pause", s.jobAction("pause"))
		mux.HandleFunc("POST "+p+"/fine_tuning/jobs/{id}/resume", s.jobAction("resume"))
		mux.HandleFunc("GET "+p+"/fine_tuning/jobs/{id}/events", s.listEvents)
		mux.HandleFunc("GET "+p+"/fine_tuning/jobs/{id}/checkpoints", s.listCheckpoints)
	}
	s.armRoutes(mux)
	return s.gate(mux)
}

// gate logs the request, checks credentials and applies queued faults.
func (s *Server) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.Method+" "+r.URL.Path)
		azure := strings.HasPrefix(r.URL.Path, "/openai/")
		arm := strings.HasPrefix(r.URL.Path, "/subscriptions/") || strings.HasPrefix(r.URL.Path, "/fttest/operations/")
		rest := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/v1"), "/openai")
		var fault *Fault
		for i := range s.faults {
			f := &s.faults[i]
			if (f.Method == "" || f.Method == r.Method) && strings.HasPrefix(rest, f.Path) {
				fault = &Fault{Status: f.Status, RetryAfter: f.RetryAfter}
				if f.Times--; f.Times == 0 {
					s.faults = append(s.faults[:i], s.faults[i+1:]...)
				}
				break
			}
		}
		s.mu.Unlock()
		switch {
		case arm && r.URL.Query().Get("api-version") == "":
			writeARMError(w, http.StatusBadRequest, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
		case arm && r.Header.Get("Authorization") != "Bearer "+s.MgmtToken:
			// Echo what was presented, so tests prove callers drop 401 bodies.
			writeARMError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "The access token is invalid: "+r.Header.Get("Authorization"))
		case arm && fault != nil:
			if fault.RetryAfter != "" {
				w.Header().Set("Retry-After", fault.RetryAfter)
			}
			code := map[int]string{429: "TooManyRequests", 404: "DeploymentNotFound"}[fault.Status]
			writeARMError(w, fault.Status, code, fmt.Sprintf("scripted fault %d", fault.Status))
		case arm:
			next.ServeHTTP(w, r)
		case azure && r.URL.Query().Get("api-version") == "":
			writeError(w, http.StatusNotFound, "404", "Resource not found: api-version query parameter is required", "", "")
		case azure && r.Header.Get("api-key") != s.APIKey && r.Header.Get("Authorization") != "Bearer "+s.APIKey:
			writeError(w, http.StatusUnauthorized, "401", "Access denied due to invalid subscription key or wrong API endpoint.", "", "")
		case !azure && r.Header.Get("Authorization") != "Bearer "+s.APIKey:
			// The real API echoes a masked key; echoing the whole one lets tests prove that
			// callers never repeat the body of a 401.
			writeError(w, http.StatusUnauthorized, "invalid_api_key",
				"Incorrect API key provided: "+strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), "", "invalid_request_error")
		case fault != nil:
			if fault.RetryAfter != "" {
				w.Header().Set("Retry-After", fault.RetryAfter)
			}
			code := map[int]string{429: "rate_limit_exceeded"}[fault.Status]
			writeError(w, fault.Status, code, fmt.Sprintf("scripted fault %d", fault.Status), "", "server_error")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// writeError writes the published error shape {"error": {message, type, param, code}}.
func writeError(w http.ResponseWriter, status int, code, msg, param, typ string) {
	body := map[string]any{"message": msg, "type": typ, "param": nil, "code": code}
	if param != "" {
		body["param"] = param
	}
	writeJSON(w, status, map[string]any{"error": body})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// page applies cursor pagination to items ordered as the API lists them: after is the id of
// the last item of the previous page, limit the page size; it returns the list object.
func page[T any](r *http.Request, items []T, idOf func(T) string, max int) (map[string]any, error) {
	q := r.URL.Query()
	limit := max
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			return nil, fmt.Errorf("limit must be an integer between 1 and 100")
		}
		limit = min(n, max)
	}
	start := 0
	if after := q.Get("after"); after != "" {
		start = -1
		for i, it := range items {
			if idOf(it) == after {
				start = i + 1
				break
			}
		}
		if start < 0 {
			return nil, fmt.Errorf("cursor %q not found", after)
		}
	}
	end := min(start+limit, len(items))
	data := items[start:end]
	if data == nil {
		data = []T{}
	}
	out := map[string]any{"object": "list", "data": data, "has_more": end < len(items)}
	if len(data) > 0 {
		out["first_id"], out["last_id"] = idOf(data[0]), idOf(data[len(data)-1])
	}
	return out, nil
}

func (s *Server) pageLimit() int {
	if s.PageLimit > 0 {
		return s.PageLimit
	}
	return 20
}
