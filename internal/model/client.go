package model

import (
	"context"
	"errors"
	"fmt"
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
	// Retry is the retry and backoff policy (see RetryPolicy for its defaults).
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
		retry: retryDefaults(cfg.Retry),
	}, nil
}

// Name returns the configured name (the model reference).
func (c *Client) Name() string { return c.cfg.Name }

// Generate sends req's chat messages (Request.ChatMessages) as one chat completion
// request, retrying 408, 409, 429, 5xx, timeouts and connection failures according to
// the RetryPolicy.
func (c *Client) Generate(ctx context.Context, req Request) (Response, error) {
	req.Messages = req.ChatMessages()
	if len(req.Messages) == 0 {
		return Response{}, fmt.Errorf("model %s: request has no messages", c.cfg.Name)
	}
	start := c.cfg.Now()
	params, err := c.params(req)
	if err != nil {
		return Response{}, err
	}
	var completion *openai.ChatCompletion
	err = c.retrying(ctx, func(actx context.Context, capture option.RequestOption) error {
		var err error
		completion, err = c.chat.New(actx, params, capture)
		return err
	})
	if err != nil {
		return Response{}, err
	}
	resp, err := c.response(completion)
	if err != nil {
		return Response{}, err
	}
	resp.Latency = c.cfg.Now().Sub(start)
	return resp, nil
}

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
