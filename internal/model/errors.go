package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// Error is a failed call to a backend. Its text names the backend and the
// HTTP status and never contains the API key: server messages are scrubbed of
// the key and of anything shaped like one.
type Error struct {
	// Backend is the backend's Name.
	Backend string
	// Status is the HTTP status, or 0 when no response arrived.
	Status int
	// Type and Code are the server's error type and code, when given.
	Type, Code string
	// Message is the server's (scrubbed) message or what went wrong.
	Message string
	// Detail says why retrying stopped early, if it did.
	Detail string
	// Attempts is the number of HTTP attempts made.
	Attempts int
	// Retryable reports whether the failure was of a retryable kind.
	Retryable bool
	cause     error
}

// Error formats the failure for people: backend, status, message, attempts.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "model %s: %s", e.Backend, e.summary())
	if e.Detail != "" {
		fmt.Fprintf(&b, " (%s)", e.Detail)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

// Reason is the failure without what varies between attempts of the same failure (the
// retry detail, the attempt count), so that equal failures can be counted together.
func (e *Error) Reason() string { return "model " + e.Backend + ": " + e.summary() }

func (e *Error) summary() string {
	var b strings.Builder
	if e.Status != 0 {
		fmt.Fprintf(&b, "http %d", e.Status)
		if t := http.StatusText(e.Status); t != "" {
			b.WriteString(" " + t)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	if e.Code != "" {
		fmt.Fprintf(&b, " [%s]", e.Code)
	}
	return b.String()
}

// Unwrap returns the underlying cause (a context error, for example), so
// errors.Is(err, context.DeadlineExceeded) works.
func (e *Error) Unwrap() error { return e.cause }

// newError classifies an attempt's failure.
func (c *Client) newError(ctx context.Context, err error, ex exchange, attempts int) *Error {
	e := &Error{Backend: c.cfg.Name, Attempts: attempts, Status: ex.status}
	switch {
	case ex.status >= 400:
		var body struct {
			Error struct {
				Message string `json:"message"`
				Type    string `json:"type"`
				Code    any    `json:"code"` // a string at OpenAI, a number at some servers
			} `json:"error"`
		}
		if json.Unmarshal(ex.body, &body) == nil && body.Error.Message != "" {
			e.Message, e.Type = body.Error.Message, body.Error.Type
			if body.Error.Code != nil {
				e.Code = fmt.Sprint(body.Error.Code)
			}
		} else {
			e.Message = bodyMessage(string(ex.body))
		}
		e.Retryable = retryableStatus(ex.status)
	case errors.Is(err, errAttemptTimeout):
		e.Message = fmt.Sprintf("request timed out after %s", c.cfg.Timeout)
		e.Retryable = true
		e.cause = context.DeadlineExceeded
	case ctx.Err() != nil:
		e.Message = ctx.Err().Error()
		e.cause = ctx.Err()
	case ex.status != 0:
		e.Message = "malformed response body: " + err.Error()
	default:
		e.Message = "request failed: " + err.Error()
		e.Retryable = true
	}
	key := c.cfg.APIKey.Reveal()
	e.Message = scrub(e.Message, key)
	e.Code = scrub(e.Code, key)
	e.Type = scrub(e.Type, key)
	return e
}

// bodyMessage extracts something readable from an error body that is not in
// OpenAI's shape (Ollama's {"error":"..."}, plain text).
func bodyMessage(raw string) string {
	var flat struct {
		Error string `json:"error"`
	}
	if json.Unmarshal([]byte(raw), &flat) == nil && flat.Error != "" {
		return flat.Error
	}
	raw = strings.TrimSpace(raw)
	if len(raw) > 200 {
		raw = raw[:200] + "…"
	}
	if raw == "" {
		return "no error message"
	}
	return raw
}

// keyShaped matches OpenAI-style keys, including the masked ones OpenAI
// echoes in 401 messages ("sk-abc***********xyz").
var keyShaped = regexp.MustCompile(`sk-[A-Za-z0-9_*\-]{3,}`)

// scrub removes key and anything shaped like an API key from s.
func scrub(s, key string) string {
	if key != "" {
		s = strings.ReplaceAll(s, key, redacted)
	}
	return keyShaped.ReplaceAllString(s, redacted)
}
