package serve

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
)

// Error codes of ErrorBody.Code.
const (
	CodeBadRequest = "bad_request"
	// CodeMethodNotAllowed answers a method a route does not take (405).
	CodeMethodNotAllowed = "method_not_allowed"
	CodeUnauthorized     = "unauthorized"
	CodeRateLimited      = "rate_limited"
	CodeTooLarge         = "too_large"
	CodeNotFound         = "not_found"
	CodeModelError       = "model_error"
	CodeModelTimeout     = "model_timeout"
	CodeNoSQL            = "no_sql"
	CodeInternal         = "internal"
)

// Error is a failure with an HTTP status and an ErrorBody code.
type Error struct {
	// Status is the HTTP status to answer with.
	Status int
	// Code is the ErrorBody code.
	Code string
	// Message is shown to the client.
	Message string
	// Err is the cause, logged and not shown.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

func errorf(status int, code, msg string, cause error) *Error {
	return &Error{Status: status, Code: code, Message: msg, Err: cause}
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// bufPool holds the buffers cached answers are written from.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// writeCached writes a cached answer from its encoded prefix.
func writeCached(w http.ResponseWriter, r *GenerateResponse) {
	bp := bufPool.Get().(*[]byte)
	b, err := appendCached((*bp)[:0], r)
	if err != nil {
		bufPool.Put(bp)
		writeJSON(w, http.StatusOK, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
	if cap(b) <= 1<<20 {
		*bp = b
		bufPool.Put(bp)
	}
}

// writeError writes err in the one error shape; errors that are not *Error are internal.
func writeError(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = errorf(http.StatusInternalServerError, CodeInternal, "internal error", err)
	}
	writeJSON(w, e.Status, ErrorResponse{Error: ErrorBody{Code: e.Code, Message: e.Message}})
}
