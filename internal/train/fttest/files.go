package fttest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
)

// file is a stored file; polls counts GETs for the slow-processing script.
type file struct {
	ID       string `json:"id"`
	Object   string `json:"object"`
	Bytes    int64  `json:"bytes"`
	Created  int64  `json:"created_at"`
	Filename string `json:"filename"`
	Purpose  string `json:"purpose"`
	Status   string `json:"status"`
	// StatusDetails explains a file in status error.
	StatusDetails *string `json:"status_details"`
	data          []byte
	polls         int
	failure       string
}

type upload struct {
	ID       string `json:"id"`
	Object   string `json:"object"`
	Bytes    int64  `json:"bytes"`
	Created  int64  `json:"created_at"`
	Expires  int64  `json:"expires_at"`
	Filename string `json:"filename"`
	Purpose  string `json:"purpose"`
	Status   string `json:"status"`
	File     *file  `json:"file"`
	parts    map[string][]byte
}

// addFile stores data as a file; the caller holds s.mu.
func (s *Server) addFile(name, purpose string, data []byte) *file {
	f := &file{ID: s.id("file"), Object: "file", Bytes: int64(len(data)), Created: s.tick(),
		Filename: name, Purpose: purpose, Status: "uploaded", data: data}
	if purpose == "fine-tune" && s.ProcessingError != nil {
		f.failure = s.ProcessingError(name, data)
	}
	if s.ProcessingPolls <= 0 || purpose != "fine-tune" {
		f.process()
	}
	s.files[f.ID] = f
	return f
}

// process ends processing: processed, or error with the scripted details.
func (f *file) process() {
	if f.failure == "" {
		f.Status = "processed"
		return
	}
	f.Status = "error"
	f.StatusDetails = &f.failure
}

func (s *Server) createFile(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(64 << 20); err != nil {
		writeError(w, 400, "invalid_request", "expected multipart/form-data: "+err.Error(), "", "invalid_request_error")
		return
	}
	purpose := r.FormValue("purpose")
	if purpose == "" {
		writeError(w, 400, "missing_required_parameter", "purpose is required", "purpose", "invalid_request_error")
		return
	}
	fh, hdr, err := r.FormFile("file")
	if err != nil {
		writeError(w, 400, "missing_required_parameter", "file is required", "file", "invalid_request_error")
		return
	}
	defer fh.Close()
	data, _ := io.ReadAll(fh)
	s.mu.Lock()
	f := s.addFile(hdr.Filename, purpose, data)
	s.mu.Unlock()
	writeJSON(w, 200, f)
}

func (s *Server) listFiles(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*file
	for _, f := range s.files {
		all = append(all, f)
	}
	slices.SortFunc(all, func(a, b *file) int { return int(b.Created - a.Created) })
	out, err := page(r, all, func(f *file) string { return f.ID }, 10000)
	if err != nil {
		writeError(w, 400, "invalid_request", err.Error(), "after", "invalid_request_error")
		return
	}
	writeJSON(w, 200, out)
}

func (s *Server) getFile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[r.PathValue("id")]
	if !ok {
		writeError(w, 404, "", "No such File object: "+r.PathValue("id"), "id", "invalid_request_error")
		return
	}
	if f.Status == "uploaded" {
		if f.polls++; f.polls >= s.ProcessingPolls {
			f.process()
		}
	}
	writeJSON(w, 200, f)
}

func (s *Server) fileContent(w http.ResponseWriter, r *http.Request) {
	data, ok := s.FileContent(r.PathValue("id"))
	if !ok {
		writeError(w, 404, "", "No such File object: "+r.PathValue("id"), "id", "invalid_request_error")
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(data)
}

func (s *Server) createUpload(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Bytes    int64  `json:"bytes"`
		Filename string `json:"filename"`
		MimeType string `json:"mime_type"`
		Purpose  string `json:"purpose"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Filename == "" || req.Purpose == "" || req.MimeType == "" {
		writeError(w, 400, "invalid_request", "bytes, filename, mime_type and purpose are required", "", "invalid_request_error")
		return
	}
	s.mu.Lock()
	u := &upload{ID: s.id("upload"), Object: "upload", Bytes: req.Bytes, Created: s.tick(), Filename: req.Filename,
		Purpose: req.Purpose, Status: "pending", parts: map[string][]byte{}}
	u.Expires = u.Created + 3600
	s.uploads[u.ID] = u
	s.mu.Unlock()
	writeJSON(w, 200, u)
}

func (s *Server) addPart(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(64 << 20); err != nil {
		writeError(w, 400, "invalid_request", "expected multipart/form-data", "", "invalid_request_error")
		return
	}
	fh, _, err := r.FormFile("data")
	if err != nil {
		writeError(w, 400, "missing_required_parameter", "data is required", "data", "invalid_request_error")
		return
	}
	defer fh.Close()
	data, _ := io.ReadAll(fh)
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.uploads[r.PathValue("id")]
	if !ok || u.Status != "pending" {
		writeError(w, 404, "", "No pending upload "+r.PathValue("id"), "upload_id", "invalid_request_error")
		return
	}
	id := s.id("part")
	u.parts[id] = data
	writeJSON(w, 200, map[string]any{"id": id, "object": "upload.part", "created_at": s.tick(), "upload_id": u.ID})
}

func (s *Server) completeUpload(w http.ResponseWriter, r *http.Request) {
	var req struct {
		PartIDs []string `json:"part_ids"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.uploads[r.PathValue("id")]
	if !ok || u.Status != "pending" {
		writeError(w, 404, "", "No pending upload "+r.PathValue("id"), "upload_id", "invalid_request_error")
		return
	}
	var buf bytes.Buffer
	for _, p := range req.PartIDs {
		d, ok := u.parts[p]
		if !ok {
			writeError(w, 400, "invalid_request", "unknown part "+p, "part_ids", "invalid_request_error")
			return
		}
		buf.Write(d)
	}
	if int64(buf.Len()) != u.Bytes {
		writeError(w, 400, "invalid_request", "the parts add up to a different number of bytes than the upload declared", "part_ids", "invalid_request_error")
		return
	}
	u.Status = "completed"
	u.File = s.addFile(u.Filename, u.Purpose, buf.Bytes())
	writeJSON(w, 200, u)
}
