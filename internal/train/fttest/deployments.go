package fttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The Azure Resource Manager side of the server: Microsoft.CognitiveServices deployments
// (create or update, get, list with nextLink, delete) with Azure-AsyncOperation and Location
// polling, ARM's {"error": {"code", "message"}} body and bearer-token auth (MgmtToken), plus
// chat completions on the data plane for deployments that succeeded.

// DeployScript is the provisioning of a new or updated deployment.
type DeployScript struct {
	// Creating is the number of polls (of the operation or the deployment) it stays
	// Creating before it ends.
	Creating int
	// End is Succeeded (default) or Failed.
	End string
	// Deleting is the number of polls of the delete operation before the deployment is gone.
	Deleting int
}

// DefaultDeployScript creates in two polls and deletes in one.
var DefaultDeployScript = DeployScript{Creating: 2, End: "Succeeded", Deleting: 1}

const armPrefix = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{account}/deployments"

type deployment struct {
	id, name, account string
	model, version    string
	sku               string
	capacity          int
	state             string
	polls             int
	script            DeployScript
	deleted           bool
}

// operation is a long-running operation: a creation (Azure-AsyncOperation) or a deletion
// (Location).
type operation struct {
	id     string
	dep    *deployment
	delete bool
}

func (s *Server) armRoutes(mux *http.ServeMux) {
	mux.HandleFunc("PUT "+armPrefix+"/{name}", s.putDeployment)
	mux.HandleFunc("GET "+armPrefix+"/{name}", s.getDeployment)
	mux.HandleFunc("DELETE "+armPrefix+"/{name}", s.deleteDeployment)
	mux.HandleFunc("GET "+armPrefix, s.listDeployments)
	mux.HandleFunc("GET /fttest/operations/{id}", s.getOperation)
	mux.HandleFunc("POST /openai/deployments/{name}/chat/completions", s.chat)
}

// writeARMError writes ARM's error shape.
func writeARMError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg}})
}

// Deployment returns the provisioning state of a deployment ("" when there is none).
func (s *Server) Deployment(name string) (model, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.deployments[name]
	if !ok || d.deleted {
		return "", ""
	}
	return d.model, d.state
}

// knownModel reports whether model is a fine-tuned model or checkpoint of a job here; the
// caller holds s.mu.
func (s *Server) knownModel(model string) bool {
	for _, j := range s.jobs {
		if m, _ := j.body["fine_tuned_model"].(string); m == model {
			return true
		}
		for _, c := range j.checkpoints {
			if c.Model == model {
				return true
			}
		}
	}
	return false
}

// advanceDeployment moves d one poll along its script; the caller holds s.mu.
func (s *Server) advanceDeployment(d *deployment) {
	if d.state != "Creating" && d.state != "Accepted" {
		return
	}
	if d.polls++; d.polls > d.script.Creating {
		d.state = d.script.End
	} else {
		d.state = "Creating"
	}
}

func (s *Server) depView(d *deployment) map[string]any {
	return map[string]any{
		"id": d.id, "name": d.name, "type": "Microsoft.CognitiveServices/accounts/deployments",
		"sku": map[string]any{"name": d.sku, "capacity": d.capacity},
		"properties": map[string]any{
			"model":             map[string]any{"format": "OpenAI", "name": d.model, "version": d.version},
			"provisioningState": d.state,
			"capabilities":      map[string]any{"chatCompletion": "true"},
		},
		"systemData": map[string]any{"createdAt": "2024-01-01T00:00:00Z", "createdByType": "User"},
	}
}

func (s *Server) putDeployment(w http.ResponseWriter, r *http.Request) {
	var req struct {
		SKU struct {
			Name     string `json:"name"`
			Capacity int    `json:"capacity"`
		} `json:"sku"`
		Properties struct {
			Model struct{ Format, Name, Version string } `json:"model"`
		} `json:"properties"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeARMError(w, 400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.")
		return
	}
	if req.SKU.Name == "" || req.SKU.Capacity < 1 || req.Properties.Model.Name == "" || req.Properties.Model.Format != "OpenAI" {
		writeARMError(w, 400, "InvalidResourceProperties", "sku.name, sku.capacity ≥ 1, properties.model.format OpenAI and properties.model.name are required.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.knownModel(req.Properties.Model.Name) {
		writeARMError(w, 400, "DeploymentModelNotSupported", fmt.Sprintf("The model '%s' is not supported or does not exist.", req.Properties.Model.Name))
		return
	}
	name := r.PathValue("name")
	d, ok := s.deployments[name]
	status := 200
	if !ok || d.deleted {
		status = 201
		d = &deployment{name: name, account: r.PathValue("account")}
		s.deployments[name] = d
	}
	d.id = strings.TrimSuffix(r.URL.Path, "/")
	d.model, d.version = req.Properties.Model.Name, req.Properties.Model.Version
	d.sku, d.capacity = req.SKU.Name, req.SKU.Capacity
	d.state, d.polls, d.deleted, d.script = "Accepted", 0, false, s.DeployScript
	if d.script.End == "" {
		d.script.End = "Succeeded"
	}
	op := &operation{id: s.id("op"), dep: d}
	s.operations[op.id] = op
	w.Header().Set("Azure-AsyncOperation", s.URL+"/fttest/operations/"+op.id+"?api-version="+r.URL.Query().Get("api-version"))
	w.Header().Set("Retry-After", "10")
	writeJSON(w, status, s.depView(d))
}

func (s *Server) lookupDeployment(w http.ResponseWriter, r *http.Request) *deployment {
	d, ok := s.deployments[r.PathValue("name")]
	if !ok || d.deleted {
		writeARMError(w, 404, "DeploymentNotFound", fmt.Sprintf("Deployment '%s' could not be found.", r.PathValue("name")))
		return nil
	}
	return d
}

func (s *Server) getDeployment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.lookupDeployment(w, r); d != nil {
		s.advanceDeployment(d)
		writeJSON(w, 200, s.depView(d))
	}
}

func (s *Server) listDeployments(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for n, d := range s.deployments {
		if !d.deleted {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	start := 0
	if tok := r.URL.Query().Get("$skipToken"); tok != "" {
		start = slices.Index(names, tok)
		if start < 0 {
			writeARMError(w, 400, "InvalidSkipToken", "The skip token is not valid.")
			return
		}
	}
	n := s.PageLimit
	if n <= 0 {
		n = 20
	}
	end := min(start+n, len(names))
	out := map[string]any{"value": []any{}}
	var vals []any
	for _, name := range names[start:end] {
		vals = append(vals, s.depView(s.deployments[name]))
	}
	if vals != nil {
		out["value"] = vals
	}
	if end < len(names) {
		out["nextLink"] = fmt.Sprintf("%s%s?api-version=%s&$skipToken=%s", s.URL, r.URL.Path, r.URL.Query().Get("api-version"), names[end])
	}
	writeJSON(w, 200, out)
}

func (s *Server) deleteDeployment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.deployments[r.PathValue("name")]
	if !ok || d.deleted {
		w.WriteHeader(http.StatusNoContent) // ARM: deleting what is not there succeeds
		return
	}
	if d.script.Deleting <= 0 {
		d.deleted = true
		w.WriteHeader(http.StatusOK)
		return
	}
	d.state, d.polls = "Deleting", 0
	op := &operation{id: s.id("op"), dep: d, delete: true}
	s.operations[op.id] = op
	w.Header().Set("Location", s.URL+"/fttest/operations/"+op.id+"?api-version="+r.URL.Query().Get("api-version"))
	w.Header().Set("Retry-After", "5")
	w.WriteHeader(http.StatusAccepted)
}

// getOperation serves both kinds of long-running operation: a creation answers 200 with
// {"status"} (Azure-AsyncOperation); a deletion answers 202 until done, then 204 (Location).
func (s *Server) getOperation(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	op, ok := s.operations[r.PathValue("id")]
	if !ok {
		writeARMError(w, 404, "OperationNotFound", "The operation could not be found.")
		return
	}
	d := op.dep
	if op.delete {
		if d.polls++; d.polls >= d.script.Deleting {
			d.deleted = true
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		return
	}
	s.advanceDeployment(d)
	body := map[string]any{"id": r.URL.Path, "name": op.id, "status": d.state}
	switch d.state {
	case "Failed":
		body["error"] = map[string]any{"code": "ModelDeploymentFailed", "message": "The model deployment failed: insufficient quota for the requested capacity."}
	case "Accepted":
		body["status"] = "InProgress"
	}
	writeJSON(w, 200, body)
}

// chat answers chat completions for a deployment that succeeded with Reply (or a fenced
// "SELECT 1;"), as Azure OpenAI's data plane does; other deployments are 404 DeploymentNotFound.
func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Messages []struct {
			Role    string `json:"role"`
			Content any    `json:"content"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) == 0 {
		writeError(w, 400, "invalid_request", "messages is required", "messages", "invalid_request_error")
		return
	}
	s.mu.Lock()
	d, ok := s.deployments[r.PathValue("name")]
	ready := ok && !d.deleted && d.state == "Succeeded"
	model := ""
	if ready {
		model = d.model
	}
	reply := s.Reply
	s.chats++
	s.mu.Unlock()
	if !ready {
		writeError(w, 404, "DeploymentNotFound", "The API deployment for this resource does not exist.", "", "")
		return
	}
	last, _ := req.Messages[len(req.Messages)-1].Content.(string)
	content := "```sql\nSELECT 1;\n```"
	if reply != nil {
		content = reply(r.PathValue("name"), last)
	}
	s.mu.Lock()
	id, created := s.id("chatcmpl"), s.tick()
	s.mu.Unlock()
	writeJSON(w, 200, map[string]any{
		"id": id, "object": "chat.completion", "created": created, "model": model,
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content}}},
		"usage": map[string]any{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
	})
}

// Chats is the number of chat completion requests received.
func (s *Server) Chats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.chats
}

// SucceededJob adds a job that already succeeded on base, with its checkpoints, and returns
// its id and fine-tuned model: something to deploy without following a job first.
func (s *Server) SucceededJob(base string) (id, model string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id = s.id("ftjob")
	j := &job{script: s.Script, status: "running", step: max(s.Script.Running, 1)}
	if j.script.Epochs <= 0 {
		j.script.Epochs = 3
	}
	j.body = map[string]any{"id": id, "object": "fine_tuning.job", "created_at": s.tick(), "model": base,
		"training_file": "file-none", "suffix": "sqlforge", "hyperparameters": map[string]any{}, "result_files": []string{}}
	s.jobs[id] = j
	s.jobOrder = append(s.jobOrder, id)
	s.finish(j, "succeeded")
	return id, j.body["fine_tuned_model"].(string)
}
