package azure

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/sqlforge/sqlforge/internal/retry"
)

// APIError is a failed control-plane request: the HTTP status and the code and message of
// ARM's {"error": {"code", "message"}} body. A 401 or 403 body is dropped, as it can describe
// the token.
type APIError struct {
	Op      string
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string {
	switch e.Status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Sprintf("%s: azure management: not authorized (%d): check %s (an Entra token for https://management.azure.com) and the role on the resource",
			e.Op, e.Status, EnvManagementToken)
	}
	s := fmt.Sprintf("%s: azure management: HTTP %d", e.Op, e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// IsNotFound reports whether err is a 404 from the control plane.
func IsNotFound(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

// response is a read answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends one request (with body marshalled as JSON when not nil), retrying 429 and 5xx
// answers after Retry-After or an exponential delay. Any status in ok is success; others
// become an *APIError.
func (cl *Client) do(ctx context.Context, op, method, u string, body any, ok ...int) (response, error) {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return response{}, fmt.Errorf("%s: %w", op, err)
		}
	}
	var r response
	err := cl.retry.Do(ctx, func(int) (bool, http.Header, error) {
		r = response{}
		req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(payload))
		if err != nil {
			return false, nil, fmt.Errorf("%s: %w", op, err)
		}
		req.Header.Set("Authorization", "Bearer "+cl.c.Token)
		req.Header.Set("Accept", "application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := cl.c.HTTPClient.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return false, nil, fmt.Errorf("%s: %w", op, ctx.Err())
			}
			// net/http errors name the URL, never the headers.
			return false, nil, fmt.Errorf("%s: %w", op, err)
		}
		data, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
		res.Body.Close()
		if err != nil {
			return false, nil, fmt.Errorf("%s: read answer: %w", op, err)
		}
		r = response{status: res.StatusCode, header: res.Header, body: data}
		for _, s := range ok {
			if s == res.StatusCode {
				return false, nil, nil
			}
		}
		ae := &APIError{Op: op, Status: res.StatusCode}
		if res.StatusCode != http.StatusUnauthorized && res.StatusCode != http.StatusForbidden {
			var eb struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if json.Unmarshal(data, &eb) == nil {
				ae.Code, ae.Message = eb.Error.Code, eb.Error.Message
			}
		}
		return res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500, res.Header, ae
	})
	var stop *retry.Error
	if errors.As(err, &stop) && stop.Interrupted != nil {
		return r, fmt.Errorf("%s: %w", op, stop.Interrupted)
	}
	return r, err
}

// pollAfter is the wait a long-running answer asks for before the next poll, when it names
// one of an hour at most (ARM sends Retry-After in seconds, also on 202 answers).
func pollAfter(h http.Header) (time.Duration, bool) {
	d, ok := retry.ParseRetryAfter(h, time.Now())
	return d, ok && d <= time.Hour
}
