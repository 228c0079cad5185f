package fttest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

type event struct {
	ID      string         `json:"id"`
	Object  string         `json:"object"`
	Created int64          `json:"created_at"`
	Level   string         `json:"level"`
	Message string         `json:"message"`
	Type    string         `json:"type"`
	Data    map[string]any `json:"data,omitempty"`
}

type checkpoint struct {
	ID      string             `json:"id"`
	Object  string             `json:"object"`
	Created int64              `json:"created_at"`
	Model   string             `json:"fine_tuned_model_checkpoint"`
	JobID   string             `json:"fine_tuning_job_id"`
	Step    int64              `json:"step_number"`
	Metrics map[string]float64 `json:"metrics"`
}

// job is a scripted job; polls counts the GETs that advanced it.
type job struct {
	body        map[string]any
	script      Script
	status      string
	polls       int
	step        int
	events      []event // oldest first
	checkpoints []checkpoint
}

func (j *job) id() string { return j.body["id"].(string) }

// emit appends an event; the caller holds s.mu.
func (s *Server) emit(j *job, level, typ, msg string, data map[string]any) {
	j.events = append(j.events, event{ID: s.id("ftevent"), Object: "fine_tuning.job.event",
		Created: s.tick(), Level: level, Message: msg, Type: typ, Data: data})
}

func (s *Server) createJob(w http.ResponseWriter, r *http.Request) {
	var req map[string]any
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, 400, "invalid_request", "invalid JSON body", "", "invalid_request_error")
		return
	}
	model, _ := req["model"].(string)
	training, _ := req["training_file"].(string)
	if model == "" || training == "" {
		writeError(w, 400, "missing_required_parameter", "model and training_file are required", "model", "invalid_request_error")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range []string{"training_file", "validation_file"} {
		id, _ := req[key].(string)
		if id == "" {
			continue
		}
		f, ok := s.files[id]
		if !ok {
			writeError(w, 400, "invalid_"+key, "invalid file "+id+": not found", key, "invalid_request_error")
			return
		}
		if f.Status != "processed" {
			writeError(w, 400, "file_not_ready", "file "+id+" is still being processed", key, "invalid_request_error")
			return
		}
	}
	method, _ := req["method"].(map[string]any)
	if method == nil {
		method = map[string]any{"type": "supervised", "supervised": map[string]any{}}
	}
	hp := map[string]any{"n_epochs": "auto", "batch_size": "auto", "learning_rate_multiplier": "auto"}
	if mt, _ := method["type"].(string); mt != "" {
		if inner, ok := method[mt].(map[string]any); ok {
			if h, ok := inner["hyperparameters"].(map[string]any); ok {
				for k, v := range h {
					hp[k] = v
				}
			}
		}
	}
	if h, ok := req["hyperparameters"].(map[string]any); ok {
		for k, v := range h {
			hp[k] = v
		}
	}
	j := &job{script: s.Script, status: "validating_files"}
	if j.script.Epochs <= 0 {
		j.script.Epochs = 3
	}
	if j.script.End == "" {
		j.script.End = "succeeded"
	}
	id := s.id("ftjob")
	j.body = map[string]any{
		"id": id, "object": "fine_tuning.job", "created_at": s.tick(), "model": model,
		"training_file": training, "validation_file": req["validation_file"], "organization_id": "org-fttest",
		"fine_tuned_model": nil, "finished_at": nil, "error": nil, "result_files": []string{},
		"trained_tokens": nil, "seed": req["seed"], "hyperparameters": hp, "method": method,
		"status": j.status, "suffix": req["suffix"],
	}
	if j.body["seed"] == nil {
		j.body["seed"] = 42
	}
	s.jobs[id] = j
	s.jobOrder = append(s.jobOrder, id)
	s.emit(j, "info", "message", "Created fine-tuning job: "+id, nil)
	s.emit(j, "info", "message", "Validating training file: "+training, nil)
	writeJSON(w, 200, s.view(j))
}

// view returns the job object as served.
func (s *Server) view(j *job) map[string]any {
	j.body["status"] = j.status
	return j.body
}

// advance moves j one poll along its script; the caller holds s.mu.
func (s *Server) advance(j *job) {
	if j.status == "paused" || j.status == "succeeded" || j.status == "failed" || j.status == "cancelled" {
		return
	}
	j.polls++
	sc := j.script
	switch {
	case j.polls <= sc.Validating:
	case j.polls <= sc.Validating+sc.Queued:
		if j.status != "queued" {
			j.status = "queued"
			s.emit(j, "info", "message", "Files validated, moving job to queued state", nil)
		}
	case j.polls <= sc.Validating+sc.Queued+sc.Running:
		if j.status != "running" {
			j.status = "running"
			s.emit(j, "info", "message", "Fine-tuning job started", nil)
		}
		j.step++
		loss := 2.0 / float64(j.step+1)
		s.emit(j, "info", "metrics", fmt.Sprintf("Step %d/%d: training loss=%.4f", j.step, sc.Running, loss),
			map[string]any{"step": j.step, "train_loss": loss, "train_mean_token_accuracy": 1 - loss/2, "total_steps": sc.Running})
	default:
		s.finish(j, sc.End)
	}
}

// finish ends j with status end; the caller holds s.mu.
func (s *Server) finish(j *job, end string) {
	j.status = end
	j.body["finished_at"] = s.tick()
	switch end {
	case "succeeded":
		base := j.body["model"].(string)
		suffix, _ := j.body["suffix"].(string)
		model := fmt.Sprintf("ft:%s:fttest:%s:%s", base, suffix, strings.TrimPrefix(j.id(), "ftjob-"))
		for e := 1; e <= j.script.Epochs; e++ {
			step := int64(j.step * e / j.script.Epochs)
			name := model
			if e < j.script.Epochs {
				name = fmt.Sprintf("%s:ckpt-step-%d", model, step)
			}
			loss := 2.0 / float64(step+1)
			j.checkpoints = append(j.checkpoints, checkpoint{ID: s.id("ftckpt"), Object: "fine_tuning.job.checkpoint",
				Created: s.tick(), Model: name, JobID: j.id(), Step: step,
				Metrics: map[string]float64{"step": float64(step), "train_loss": loss, "train_mean_token_accuracy": 1 - loss/2,
					"valid_loss": loss * 1.1, "valid_mean_token_accuracy": 1 - loss/1.8}})
			s.emit(j, "info", "message", fmt.Sprintf("Checkpoint created at step %d", step), nil)
		}
		res := s.addFile("step_metrics.csv", "fine-tune-results", []byte(base64.StdEncoding.EncodeToString(s.resultsCSV(j))))
		j.body["result_files"] = []string{res.ID}
		j.body["fine_tuned_model"] = model
		j.body["trained_tokens"] = 1000 * j.step
		s.emit(j, "info", "message", "New fine-tuned model created", nil)
		s.emit(j, "info", "message", "The job has successfully completed", nil)
	case "failed":
		j.body["error"] = map[string]any{"code": "invalid_training_file", "param": "training_file",
			"message": "The job failed due to an invalid training file."}
		s.emit(j, "error", "message", "The job failed due to an invalid training file.", nil)
	case "cancelled":
		s.emit(j, "info", "message", "Fine-tuning job cancelled", nil)
	}
}

// resultsCSV renders the per-step metrics the way OpenAI's results file does.
func (s *Server) resultsCSV(j *job) []byte {
	var b strings.Builder
	b.WriteString("step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n")
	for i := 1; i <= j.step; i++ {
		loss := 2.0 / float64(i+1)
		if i%2 == 0 {
			fmt.Fprintf(&b, "%d,%.5f,%.5f,%.5f,%.5f\n", i, loss, 1-loss/2, loss*1.1, 1-loss/1.8)
		} else {
			fmt.Fprintf(&b, "%d,%.5f,%.5f,,\n", i, loss, 1-loss/2)
		}
	}
	return []byte(b.String())
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request) *job {
	j, ok := s.jobs[r.PathValue("id")]
	if !ok {
		writeError(w, 404, "fine_tune_not_found", "Could not find fine tune: "+r.PathValue("id"), "fine_tune_id", "invalid_request_error")
	}
	return j
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if j := s.lookup(w, r); j != nil {
		s.advance(j)
		writeJSON(w, 200, s.view(j))
	}
}

func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := slices.Clone(s.jobOrder)
	slices.Reverse(ids)
	out, err := page(r, ids, func(id string) string { return id }, s.pageLimit())
	if err != nil {
		writeError(w, 400, "invalid_request", err.Error(), "after", "invalid_request_error")
		return
	}
	data := []map[string]any{}
	for _, id := range out["data"].([]string) {
		data = append(data, s.view(s.jobs[id]))
	}
	out["data"] = data
	writeJSON(w, 200, out)
}

func (s *Server) jobAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		j := s.lookup(w, r)
		if j == nil {
			return
		}
		terminal := j.status == "succeeded" || j.status == "failed" || j.status == "cancelled"
		switch {
		case action == "cancel" && !terminal:
			s.finish(j, "cancelled")
		case action == "pause" && j.status == "running":
			j.status = "paused"
			s.emit(j, "info", "message", "Fine-tuning job paused", nil)
		case action == "resume" && j.status == "paused":
			j.status = "running"
			s.emit(j, "info", "message", "Fine-tuning job resumed", nil)
		default:
			writeError(w, 400, "invalid_request", fmt.Sprintf("cannot %s a job that is %s", action, j.status), "", "invalid_request_error")
			return
		}
		writeJSON(w, 200, s.view(j))
	}
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.lookup(w, r)
	if j == nil {
		return
	}
	evs := slices.Clone(j.events)
	slices.Reverse(evs) // newest first, as the API lists them
	out, err := page(r, evs, func(e event) string { return e.ID }, s.pageLimit())
	if err != nil {
		writeError(w, 400, "invalid_request", err.Error(), "after", "invalid_request_error")
		return
	}
	writeJSON(w, 200, out)
}

func (s *Server) listCheckpoints(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.lookup(w, r)
	if j == nil {
		return
	}
	cps := slices.Clone(j.checkpoints)
	slices.Reverse(cps)
	out, err := page(r, cps, func(c checkpoint) string { return c.ID }, min(s.pageLimit(), 10))
	if err != nil {
		writeError(w, 400, "invalid_request", err.Error(), "after", "invalid_request_error")
		return
	}
	writeJSON(w, 200, out)
}
