package model

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// The environment variables this package reads, all through Env.
const (
	EnvOpenAIAPIKey     = "OPENAI_API_KEY"
	EnvOpenAIBaseURL    = "OPENAI_BASE_URL"
	EnvAzureEndpoint    = "AZURE_OPENAI_ENDPOINT"
	EnvAzureAPIKey      = "AZURE_OPENAI_API_KEY"
	EnvAzureAPIVersion  = "AZURE_OPENAI_API_VERSION"
	EnvGenericAPIKey    = "SQLFORGE_API_KEY"
	EnvOllamaHost       = "OLLAMA_HOST"
	EnvModelTimeout     = "SQLFORGE_MODEL_TIMEOUT"
	EnvModelMaxRetries  = "SQLFORGE_MODEL_MAX_RETRIES"
	EnvModelConcurrency = "SQLFORGE_MODEL_CONCURRENCY"
	// EnvAzureAllowHTTP, set to 1, lets fine-tuning talk plain HTTP to Azure (a loopback
	// contract server only).
	EnvAzureAllowHTTP    = "SQLFORGE_AZURE_ALLOW_HTTP"
	DefaultOpenAIBaseURL = "https://api.openai.com/v1"
	DefaultOllamaBaseURL = "http://127.0.0.1:11434/v1"
	// DefaultAzureAPIVersion is the GA data-plane version used when
	// AZURE_OPENAI_API_VERSION is unset.
	DefaultAzureAPIVersion = "2024-10-21"
	// DefaultAzureFineTuneAPIVersion is the data-plane version of fine-tuning calls (files and
	// jobs; the preview that has them) used when AZURE_OPENAI_API_VERSION is unset.
	DefaultAzureFineTuneAPIVersion = "2025-04-01-preview"
)

// Defaults for the client settings that the environment may override.
const (
	DefaultTimeout     = 120 * time.Second
	DefaultMaxRetries  = 4
	DefaultConcurrency = 8
)

// Env reads the environment variables that configure model backends. It is
// the only place in this package that looks at the environment; tests build
// one over a map with MapEnv.
type Env struct {
	lookup func(string) (string, bool)
}

// NewEnv returns an Env reading through lookup (os.LookupEnv's shape).
func NewEnv(lookup func(string) (string, bool)) Env { return Env{lookup: lookup} }

// OSEnv returns an Env over the process environment.
func OSEnv() Env { return NewEnv(os.LookupEnv) }

// MapEnv returns an Env over m, for tests and embedding.
func MapEnv(m map[string]string) Env {
	return NewEnv(func(k string) (string, bool) { v, ok := m[k]; return v, ok })
}

func (e Env) get(key string) string {
	if e.lookup == nil {
		return ""
	}
	v, _ := e.lookup(key)
	return strings.TrimSpace(v)
}

func (e Env) getOr(key, def string) string {
	if v := e.get(key); v != "" {
		return v
	}
	return def
}

// OpenAIAPIKey is OPENAI_API_KEY.
func (e Env) OpenAIAPIKey() Secret { return Secret(e.get(EnvOpenAIAPIKey)) }

// OpenAIBaseURL is OPENAI_BASE_URL, or the public OpenAI API.
func (e Env) OpenAIBaseURL() string { return e.getOr(EnvOpenAIBaseURL, DefaultOpenAIBaseURL) }

// AzureEndpoint is AZURE_OPENAI_ENDPOINT (https://RESOURCE.openai.azure.com).
func (e Env) AzureEndpoint() string { return e.get(EnvAzureEndpoint) }

// AzureAPIKey is AZURE_OPENAI_API_KEY, sent in the api-key header.
func (e Env) AzureAPIKey() Secret { return Secret(e.get(EnvAzureAPIKey)) }

// AzureAPIVersion is AZURE_OPENAI_API_VERSION, or DefaultAzureAPIVersion.
func (e Env) AzureAPIVersion() string { return e.getOr(EnvAzureAPIVersion, DefaultAzureAPIVersion) }

// AzureFineTuneAPIVersion is AZURE_OPENAI_API_VERSION, or DefaultAzureFineTuneAPIVersion.
func (e Env) AzureFineTuneAPIVersion() string {
	return e.getOr(EnvAzureAPIVersion, DefaultAzureFineTuneAPIVersion)
}

// AzureAllowHTTP reports whether SQLFORGE_AZURE_ALLOW_HTTP is 1.
func (e Env) AzureAllowHTTP() bool { return e.get(EnvAzureAllowHTTP) == "1" }

// GenericAPIKey is SQLFORGE_API_KEY, the optional bearer key for
// http://HOST/v1#MODEL references.
func (e Env) GenericAPIKey() Secret { return Secret(e.get(EnvGenericAPIKey)) }

// OllamaBaseURL derives Ollama's OpenAI-compatible base URL from OLLAMA_HOST
// ("HOST:PORT", "HOST", "http://HOST:PORT" or "https://HOST", as Ollama
// itself accepts), or
// DefaultOllamaBaseURL when unset.
func (e Env) OllamaBaseURL() string {
	h := e.get(EnvOllamaHost)
	if h == "" {
		return DefaultOllamaBaseURL
	}
	if !strings.Contains(h, "://") {
		h = "http://" + h
	}
	h = strings.TrimSuffix(h, "/")
	// Like Ollama: port 11434 unless given, or 443 implied by https.
	if rest := h[strings.Index(h, "://")+3:]; !strings.Contains(rest, ":") && !strings.HasPrefix(h, "https://") {
		h += ":11434"
	}
	return strings.TrimSuffix(h, "/v1") + "/v1"
}

// ModelTimeout is SQLFORGE_MODEL_TIMEOUT (a Go duration such as "90s"), the
// limit on each HTTP attempt, or DefaultTimeout.
func (e Env) ModelTimeout() (time.Duration, error) {
	v := e.get(EnvModelTimeout)
	if v == "" {
		return DefaultTimeout, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("reading %s: %q is not a positive duration", EnvModelTimeout, v)
	}
	return d, nil
}

// ModelMaxRetries is SQLFORGE_MODEL_MAX_RETRIES, or DefaultMaxRetries.
func (e Env) ModelMaxRetries() (int, error) {
	return e.intOr(EnvModelMaxRetries, DefaultMaxRetries, 0)
}

// ModelConcurrency is SQLFORGE_MODEL_CONCURRENCY, the most requests in flight
// to one backend, or DefaultConcurrency.
func (e Env) ModelConcurrency() (int, error) {
	return e.intOr(EnvModelConcurrency, DefaultConcurrency, 1)
}

func (e Env) intOr(key string, def, min int) (int, error) {
	v := e.get(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min {
		return 0, fmt.Errorf("reading %s: %q is not an integer ≥ %d", key, v, min)
	}
	return n, nil
}

// Secret holds a credential. Every way of printing it (fmt verbs, slog, JSON)
// shows "[redacted]"; Reveal returns the value for the one place that sends it.
type Secret string

const redacted = "[redacted]"

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret is non-empty.
func (s Secret) IsSet() bool { return s != "" }

// String implements fmt.Stringer without revealing the value.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer without revealing the value.
func (s Secret) GoString() string { return redacted }

// Format implements fmt.Formatter so that no verb (%x, %d, %#v...) reveals
// the value.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue implements slog.LogValuer without revealing the value.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText implements encoding.TextMarshaler without revealing the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
