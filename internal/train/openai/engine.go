// Package openai runs managed fine-tuning on the OpenAI API with the official Go SDK: file
// uploads (single request, or the Uploads API in parts for large files), jobs (supervised or
// DPO), events, checkpoints, result files, cancel, pause and resume. Azure OpenAI reuses this
// engine with Azure request options (see package azure).
//
// Retries are done here with internal/retry, not by the SDK, so that 429 Retry-After and 5xx
// backoff go through an injectable sleeper and tests run instantly.
package openai

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/sqlforge/sqlforge/internal/retry"
	"github.com/sqlforge/sqlforge/internal/train"
)

// Options configure an Engine.
type Options struct {
	// APIKey authenticates requests; the CLI reads it from OPENAI_API_KEY.
	APIKey string
	// BaseURL overrides https://api.openai.com/v1 (tests point it at fttest).
	BaseURL string
	// HTTPClient overrides the default client.
	HTTPClient *http.Client
	// RequestOptions are added last (Azure passes its endpoint and credential here).
	RequestOptions []option.RequestOption
	// Sleep waits between retries and polls (default train.Sleep).
	Sleep train.Sleeper
	// MaxRetries is the number of retries of a 429 or 5xx answer (default 5).
	MaxRetries int
	// RetryBase is the first retry delay without Retry-After, doubled each retry (default 1 s).
	RetryBase time.Duration
	// UploadThreshold is the size from which files go through the Uploads API in parts
	// (default 32 MiB; the Files API accepts up to 512 MB, a part at most 64 MB).
	UploadThreshold int64
	// PartSize is the size of each upload part (default 32 MiB).
	PartSize int64
	// FilePoll is the schedule of checks while a file is processed.
	FilePoll train.Backoff
	// Provider names the service in messages ("openai" or "azure").
	Provider string
}

// Engine is a fine-tuning engine bound to one account.
type Engine struct {
	c     sdk.Client
	o     Options
	retry retry.Policy
}

// New returns an engine. It does no I/O.
func New(o Options) *Engine {
	if o.Sleep == nil {
		o.Sleep = train.Sleep
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = 5
	}
	if o.RetryBase <= 0 {
		o.RetryBase = time.Second
	}
	if o.UploadThreshold <= 0 {
		o.UploadThreshold = 32 << 20
	}
	if o.PartSize <= 0 {
		o.PartSize = 32 << 20
	}
	if o.FilePoll.Initial <= 0 {
		o.FilePoll = train.Backoff{Initial: 2 * time.Second, Max: 30 * time.Second, Factor: 1.5}
	}
	if o.Provider == "" {
		o.Provider = "openai"
	}
	opts := []option.RequestOption{option.WithMaxRetries(0)}
	if o.APIKey != "" {
		opts = append(opts, option.WithAPIKey(o.APIKey))
	}
	if o.BaseURL != "" {
		opts = append(opts, option.WithBaseURL(o.BaseURL))
	}
	if o.HTTPClient != nil {
		opts = append(opts, option.WithHTTPClient(o.HTTPClient))
	}
	opts = append(opts, o.RequestOptions...)
	// A Retry-After over an hour is taken for a malformed header: the backoff applies.
	rp := retry.Policy{MaxRetries: o.MaxRetries, BaseDelay: o.RetryBase, MaxRetryAfter: time.Hour, BackoffOnLongRetryAfter: true, Sleep: o.Sleep}
	return &Engine{c: sdk.NewClient(opts...), o: o, retry: rp}
}

// APIError is a failed request, described without the response body (a 401 body can echo
// the key) and with the HTTP status.
type APIError struct {
	Provider string
	Op       string
	Status   int
	Code     string
	Message  string
}

func (e *APIError) Error() string {
	switch e.Status {
	case http.StatusUnauthorized:
		return fmt.Sprintf("%s: %s: authentication failed (401): check the API key in the environment", e.Op, e.Provider)
	case http.StatusNotFound:
		return fmt.Sprintf("%s: %s: not found (404): %s", e.Op, e.Provider, e.Message)
	}
	s := fmt.Sprintf("%s: %s: HTTP %d", e.Op, e.Provider, e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// IsNotFound reports whether err is a 404 from the provider.
func IsNotFound(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

// do runs call, retrying 429 and 5xx answers up to MaxRetries times: after Retry-After when
// the server sends it, otherwise after an exponential delay.
func (e *Engine) do(ctx context.Context, op string, call func() error) error {
	err := e.retry.Do(ctx, func(int) (bool, http.Header, error) {
		err := call()
		if err == nil {
			return false, nil, nil
		}
		var ae *sdk.Error
		if !errors.As(err, &ae) {
			if ctx.Err() != nil {
				return false, nil, fmt.Errorf("%s: %w", op, ctx.Err())
			}
			return false, nil, fmt.Errorf("%s: %w", op, err)
		}
		out := &APIError{Provider: e.o.Provider, Op: op, Status: ae.StatusCode, Code: ae.Code}
		if ae.StatusCode != http.StatusUnauthorized {
			out.Message = ae.Message
		}
		var h http.Header
		if ae.Response != nil {
			h = ae.Response.Header
		}
		return ae.StatusCode == http.StatusTooManyRequests || ae.StatusCode >= 500, h, out
	})
	var stop *retry.Error
	if errors.As(err, &stop) && stop.Interrupted != nil {
		return fmt.Errorf("%s: %w", op, stop.Interrupted)
	}
	return err
}
