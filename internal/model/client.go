package model

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/azure"
	"github.com/openai/openai-go/v3/option"
)

// Flavor selects the dialect of the OpenAI chat completions API a server speaks.
type Flavor int

const (
	// FlavorOpenAI is api.openai.com: bearer key, max_completion_tokens.
	FlavorOpenAI Flavor = iota
	// FlavorAzure is Azure OpenAI: api-key header, deployment in the path,
	// api-version query parameter, max_completion_tokens.
	FlavorAzure
	// FlavorCompatible is vLLM, Ollama, llama.cpp's server and other
	// OpenAI-compatible servers: optional bearer key, max_tokens.
	FlavorCompatible
)

// ClientConfig configures a Client. Name and Model are required, and BaseURL
// (or AzureEndpoint for FlavorAzure).
type ClientConfig struct {
	// Name identifies the backend in errors and Backend.Name, normally the
	// model reference.
	Name   string
	Flavor Flavor
	// BaseURL is the API root including its version, e.g.
	// "https://api.openai.com/v1" or "http://127.0.0.1:8000/v1".
	BaseURL string
	// AzureEndpoint ("https://RESOURCE.openai.azure.com") and
	// AzureAPIVersion are used by FlavorAzure.
	AzureEndpoint   string
	AzureAPIVersion string
	// Model is the model name, or the deployment name for FlavorAzure.
	Model string
	// APIKey authenticates requests; empty sends none.
	APIKey Secret
	// Timeout bounds each HTTP attempt (not the retries); 0 means DefaultTimeout.
	Timeout time.Duration
	// Concurrency is the most attempts in flight at once across all calls
	// to this client; 0 means DefaultConcurrency.
	Concurrency int
	// Retry is the retry and backoff policy.
	Retry RetryPolicy
	// HTTPClient replaces the default HTTP client (optional).
	HTTPClient *http.Client
	// Now is the clock used for Latency and HTTP-date Retry-After values;
	// nil means time.Now.
	Now func() time.Time
}

// Client is a Backend over an OpenAI-compatible chat completions endpoint,
// built on the official openai-go SDK with the SDK's own retries disabled:
// retries, backoff and the concurrency limit are this type's (see
// RetryPolicy), so that waits can be observed in tests and shared limits hold.
type Client struct {
	cfg   ClientConfig
	chat  openai.ChatCompletionService
	slots chan struct{}
	retry RetryPolicy
}

var _ Backend = (*Client)(nil)

// NewClient returns a Client for cfg. It does not contact the server.
func NewClient(cfg ClientConfig) (*Client, error) {
	if cfg.Name == "" {
		return nil, errors.New("creating model client: missing name")
	}
	if cfg.Model == "" {
		return nil, fmt.Errorf("creating model client %s: missing model", cfg.Name)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	opts := []option.RequestOption{option.WithMaxRetries(0)}
	if cfg.HTTPClient != nil {
		opts = append(opts, option.WithHTTPClient(cfg.HTTPClient))
	}
	switch cfg.Flavor {
	case FlavorAzure:
		if cfg.AzureEndpoint == "" || cfg.AzureAPIVersion == "" {
			return nil, fmt.Errorf("creating model client %s: missing Azure endpoint or API version", cfg.Name)
		}
		if !cfg.APIKey.IsSet() {
			return nil, fmt.Errorf("creating model client %s: missing Azure API key", cfg.Name)
		}
		opts = append(opts,
			azure.WithEndpoint(cfg.AzureEndpoint, cfg.AzureAPIVersion),
			azure.WithAPIKey(cfg.APIKey.Reveal()))
		if isLoopbackHTTP(cfg.AzureEndpoint) {
			// The SDK refuses to send an Azure key over plain HTTP except to
			// loopback, and only when asked: local proxies and tests.
			opts = append(opts, azure.WithUnsafeAllowHTTP())
		}
	case FlavorOpenAI, FlavorCompatible:
		if cfg.BaseURL == "" {
			return nil, fmt.Errorf("creating model client %s: missing base URL", cfg.Name)
		}
		// Every setting is explicit so that the SDK's own reading of
		// OPENAI_* variables never applies: Env is the one place.
		opts = append(opts,
			option.WithBaseURL(strings.TrimSuffix(cfg.BaseURL, "/")+"/"),
			option.WithAPIKey(cfg.APIKey.Reveal()),
			option.WithHeaderDel("OpenAI-Organization"),
			option.WithHeaderDel("OpenAI-Project"))
		if !cfg.APIKey.IsSet() {
			opts = append(opts, option.WithHeaderDel("Authorization"))
		}
	default:
		return nil, fmt.Errorf("creating model client %s: unknown flavor %d", cfg.Name, cfg.Flavor)
	}
	sdk := openai.NewClient(opts...)
	return &Client{
		cfg:   cfg,
		chat:  sdk.Chat.Completions,
		slots: make(chan struct{}, cfg.Concurrency),
		retry: cfg.Retry.withDefaults(),
	}, nil
}

// Name returns the configured name (the model reference).
func (c *Client) Name() string { return c.cfg.Name }

// Generate sends req as one chat completion request, retrying 408, 409, 429,
// 5xx, timeouts and connection failures according to the RetryPolicy.
func (c *Client) Generate(ctx context.Context, req Request) (Response, error) {
	if len(req.Messages) == 0 {
		return Response{}, fmt.Errorf("model %s: request has no messages", c.cfg.Name)
	}
	start := c.cfg.Now()
	params, err := c.params(req)
	if err != nil {
		return Response{}, err
	}
	for attempt := 0; ; attempt++ {
		completion, ex, err := c.attempt(ctx, params)
		if err == nil {
			resp, err := c.response(completion)
			if err != nil {
				return Response{}, err
			}
			resp.Latency = c.cfg.Now().Sub(start)
			return resp, nil
		}
		e := c.newError(ctx, err, ex, attempt+1)
		if !e.Retryable || attempt >= c.retry.MaxRetries || ctx.Err() != nil {
			return Response{}, e
		}
		delay, ok := c.retry.delay(attempt, ex.header, c.cfg.Now())
		if !ok {
			e.Detail = fmt.Sprintf("server asked to wait longer than %s", c.retry.MaxRetryAfter)
			return Response{}, e
		}
		if err := c.retry.Sleep(ctx, delay); err != nil {
			return Response{}, fmt.Errorf("model %s: waiting %s to retry after %s: %w", c.cfg.Name, delay, e.summary(), err)
		}
	}
}

// exchange is what one attempt saw of the HTTP response, captured by a
// middleware so that classification does not depend on the SDK's error types.
type exchange struct {
	status int
	header http.Header
	body   []byte // error bodies only, at most maxErrorBody bytes
}

const maxErrorBody = 64 << 10

// attempt makes one HTTP request while holding a concurrency slot.
func (c *Client) attempt(ctx context.Context, params openai.ChatCompletionNewParams) (*openai.ChatCompletion, exchange, error) {
	var ex exchange
	select {
	case c.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ex, ctx.Err()
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
	completion, err := c.chat.New(actx, params, capture)
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		err = errAttemptTimeout
	}
	return completion, ex, err
}

var errAttemptTimeout = errors.New("request timed out")

func isLoopbackHTTP(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "http" {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}
