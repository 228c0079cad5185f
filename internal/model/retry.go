package model

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/openai/openai-go/v3/option"

	"github.com/sqlforge/sqlforge/internal/retry"
)

// RetryPolicy decides how a Client retries failed attempts. Zero fields take
// the defaults: MaxRetries DefaultMaxRetries (a negative value disables
// retries), BaseDelay 500ms, MaxDelay 30s, MaxRetryAfter 2m (a longer server
// wait ends the retries with the error), Jitter math/rand/v2, Sleep a timer.
// Its Now is always the client's (ClientConfig.Now).
//
// A retryable failure (HTTP 408, 409, 429, 5xx, a per-attempt timeout or a
// connection error) waits for the server's retry-after-ms or Retry-After
// header when present, otherwise for exponential backoff with equal jitter.
type RetryPolicy = retry.Policy

func retryDefaults(p RetryPolicy) RetryPolicy {
	switch {
	case p.MaxRetries < 0:
		p.MaxRetries = 0
	case p.MaxRetries == 0:
		p.MaxRetries = DefaultMaxRetries
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 30 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 2 * time.Minute
	}
	if p.Jitter == nil {
		p.Jitter = rand.Float64
	}
	return p
}

func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusConflict ||
		code == http.StatusTooManyRequests || code >= 500
}

// retrying runs call, a chat or embeddings request, with the client's
// retries: each attempt holds a concurrency slot and is bounded by the
// client's Timeout, the HTTP exchange is captured for classification
// (newError), and retryable failures are retried with the RetryPolicy. call
// must pass capture to the SDK.
func (c *Client) retrying(ctx context.Context, call func(actx context.Context, capture option.RequestOption) error) error {
	p := c.retry
	p.Now = c.cfg.Now
	var last *Error
	err := p.Do(ctx, func(attempt int) (bool, http.Header, error) {
		ex, err := c.attemptCall(ctx, call)
		if err == nil {
			return false, nil, nil
		}
		last = c.newError(ctx, err, ex, attempt+1)
		return last.Retryable && ctx.Err() == nil, ex.header, last
	})
	var stop *retry.Error
	if !errors.As(err, &stop) {
		return err
	}
	switch {
	case stop.Interrupted != nil:
		return fmt.Errorf("model %s: waiting %s to retry after %s: %w", c.cfg.Name, stop.Wait, last.summary(), stop.Interrupted)
	case stop.TooLong:
		last.Detail = fmt.Sprintf("server asked to wait longer than %s", p.MaxRetryAfter)
	}
	return last
}

// exchange is what one attempt saw of the HTTP response, captured by a
// middleware so that classification does not depend on the SDK's error types.
type exchange struct {
	status int
	header http.Header
	body   []byte // error bodies only, at most maxErrorBody bytes
}

const maxErrorBody = 64 << 10

// attemptCall makes one HTTP request while holding a concurrency slot.
func (c *Client) attemptCall(ctx context.Context, call func(context.Context, option.RequestOption) error) (exchange, error) {
	var ex exchange
	select {
	case c.slots <- struct{}{}:
	case <-ctx.Done():
		return ex, ctx.Err()
	}
	defer func() { <-c.slots }()
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	capture := option.WithMiddleware(func(r *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		res, err := next(r)
		if err != nil || res == nil {
			return res, err
		}
		ex.status, ex.header = res.StatusCode, res.Header
		if res.StatusCode >= 400 {
			ex.body, _ = io.ReadAll(io.LimitReader(res.Body, maxErrorBody))
			_ = res.Body.Close()
			res.Body = io.NopCloser(bytes.NewReader(ex.body))
		}
		return res, nil
	})
	err := call(actx, capture)
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		err = errAttemptTimeout
	}
	return ex, err
}

var errAttemptTimeout = errors.New("request timed out")
