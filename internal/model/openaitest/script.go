package openaitest

import (
	"net/http"
)

// Step is one scripted behaviour, consumed by one request (after the key
// check, so 401 tests need no script).
type Step struct {
	// Status, if non-zero, answers with this status and OpenAI's error body
	// (or Body when set) instead of a completion.
	Status int
	// Header is added to the response (Retry-After, retry-after-ms, ...).
	Header http.Header
	// Body, if set, is written verbatim with Status (200 when Status is 0):
	// malformed JSON, a truncated body, a non-OpenAI error shape.
	Body string
	// Content, if set, replaces the reply text of a normal completion
	// (prose, wrong SQL).
	Content string
	// Hold, if non-nil, makes the request wait until the channel is closed
	// or the client goes away, before the rest of the step applies: a slow
	// server, without wall-clock sleeps.
	Hold <-chan struct{}
	// Arrived, if non-nil, is closed when the request arrives.
	Arrived chan<- struct{}
}

// RateLimited is a 429 with a Retry-After of the given seconds (e.g. "2").
func RateLimited(retryAfter string) Step {
	return Step{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {retryAfter}}}
}

// play applies the step; it reports whether the response was written.
func (st *Step) play(w http.ResponseWriter, r *http.Request) bool {
	if st.Arrived != nil {
		close(st.Arrived)
	}
	if st.Hold != nil {
		select {
		case <-st.Hold:
		case <-r.Context().Done():
			return true
		}
	}
	for k, vs := range st.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	switch {
	case st.Body != "":
		status := st.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(st.Body))
		return true
	case st.Status != 0:
		typ, code := "server_error", ""
		msg := http.StatusText(st.Status)
		if st.Status == http.StatusTooManyRequests {
			typ, code = "requests", "rate_limit_exceeded"
			msg = "Rate limit reached for requests. Please try again later."
		} else if st.Status < 500 {
			typ = "invalid_request_error"
		}
		writeError(w, st.Status, msg, typ, "", code)
		return true
	}
	return false
}
