package model

import (
	"context"
	"fmt"
)

// OpenCompatible opens the openai, azure, http and ollama schemes as a Client
// configured from env.
func OpenCompatible(_ context.Context, ref Ref, env Env) (Backend, error) {
	timeout, err := env.ModelTimeout()
	if err != nil {
		return nil, err
	}
	retries, err := env.ModelMaxRetries()
	if err != nil {
		return nil, err
	}
	concurrency, err := env.ModelConcurrency()
	if err != nil {
		return nil, err
	}
	if retries == 0 {
		retries = -1 // RetryPolicy: negative disables, 0 means the default
	}
	cfg := ClientConfig{
		Name:        ref.String(),
		Model:       ref.Name,
		Timeout:     timeout,
		Concurrency: concurrency,
		Retry:       RetryPolicy{MaxRetries: retries},
	}
	switch ref.Scheme {
	case SchemeOpenAI:
		cfg.Flavor = FlavorOpenAI
		cfg.BaseURL = env.OpenAIBaseURL()
		cfg.APIKey = env.OpenAIAPIKey()
		if !cfg.APIKey.IsSet() {
			return nil, fmt.Errorf("%s is not set", EnvOpenAIAPIKey)
		}
	case SchemeAzure:
		cfg.Flavor = FlavorAzure
		cfg.AzureEndpoint = env.AzureEndpoint()
		cfg.AzureAPIVersion = env.AzureAPIVersion()
		cfg.APIKey = env.AzureAPIKey()
		if cfg.AzureEndpoint == "" {
			return nil, fmt.Errorf("%s is not set", EnvAzureEndpoint)
		}
		if !cfg.APIKey.IsSet() {
			return nil, fmt.Errorf("%s is not set", EnvAzureAPIKey)
		}
	case SchemeHTTP:
		cfg.Flavor = FlavorCompatible
		cfg.BaseURL = ref.BaseURL
		cfg.APIKey = env.GenericAPIKey()
	case SchemeOllama:
		cfg.Flavor = FlavorCompatible
		cfg.BaseURL = env.OllamaBaseURL()
	default:
		return nil, fmt.Errorf("scheme %q is not OpenAI-compatible", ref.Scheme)
	}
	return NewClient(cfg)
}
