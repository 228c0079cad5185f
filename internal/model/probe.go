package model

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// DefaultProbeTimeout bounds Probe's one request.
const DefaultProbeTimeout = 3 * time.Second

// Check reports, without sending a request, whether env holds what ref needs to be opened:
// the API key of openai:, the endpoint and key of azure:. Its error names the variable.
func Check(ref Ref, env Env) error {
	switch ref.Scheme {
	case SchemeOpenAI:
		if !env.OpenAIAPIKey().IsSet() {
			return fmt.Errorf("model %s: %s is not set", ref, EnvOpenAIAPIKey)
		}
	case SchemeAzure:
		if env.AzureEndpoint() == "" {
			return fmt.Errorf("model %s: %s is not set", ref, EnvAzureEndpoint)
		}
		if !env.AzureAPIKey().IsSet() {
			return fmt.Errorf("model %s: %s is not set", ref, EnvAzureAPIKey)
		}
	}
	return nil
}

// IsLocal reports whether ref names a server the user runs (ollama:, http://): one that may
// simply not be started, which Probe tells before any work.
func (r Ref) IsLocal() bool { return r.Scheme == SchemeOllama || r.Scheme == SchemeHTTP }

// Probe checks that the server of a local reference (ollama:, http://) answers: one
// GET BASE/models within timeout (DefaultProbeTimeout when 0). Any HTTP response counts as an
// answer, since not every OpenAI-compatible server lists its models; a refused or timed-out
// connection is an error naming the URL (and OLLAMA_HOST for ollama:). Other schemes are not
// probed.
func Probe(ctx context.Context, ref Ref, env Env, timeout time.Duration) error {
	var base, from string
	switch ref.Scheme {
	case SchemeHTTP:
		base = ref.BaseURL
	case SchemeOllama:
		base, from = env.OllamaBaseURL(), " (set "+EnvOllamaHost+" if Ollama listens elsewhere)"
	default:
		return nil
	}
	if timeout <= 0 {
		timeout = DefaultProbeTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	url := strings.TrimSuffix(base, "/") + "/models"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("model %s: %w", ref, err)
	}
	if ref.Scheme == SchemeHTTP && env.GenericAPIKey().IsSet() {
		req.Header.Set("Authorization", "Bearer "+env.GenericAPIKey().Reveal())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("model %s: nothing answers at %s%s: %w", ref, base, from, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	return nil
}
