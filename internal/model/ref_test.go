package model

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseRef(t *testing.T) {
	cases := []struct {
		in      string
		want    Ref
		wantErr string
	}{
		{in: "openai:gpt-4o-mini", want: Ref{Scheme: SchemeOpenAI, Name: "gpt-4o-mini"}},
		{in: "openai:ft:gpt-4o-mini:org::abc", want: Ref{Scheme: SchemeOpenAI, Name: "ft:gpt-4o-mini:org::abc"}},
		{in: "azure:sql-coder", want: Ref{Scheme: SchemeAzure, Name: "sql-coder"}},
		{in: "ollama:qwen2.5-coder:7b", want: Ref{Scheme: SchemeOllama, Name: "qwen2.5-coder:7b"}},
		{in: "http://127.0.0.1:8000/v1#Qwen/Qwen2.5-7B", want: Ref{Scheme: SchemeHTTP, Name: "Qwen/Qwen2.5-7B", BaseURL: "http://127.0.0.1:8000/v1"}},
		{in: "https://llm.example/v1/#m", want: Ref{Scheme: SchemeHTTP, Name: "m", BaseURL: "https://llm.example/v1"}},
		{in: "knn:northwind", want: Ref{Scheme: SchemeKNN, Name: "northwind"}},
		{in: "local:models/base", want: Ref{Scheme: SchemeLocal, Name: "models/base"}},
		{in: "local:models/base+runs/lora1", want: Ref{Scheme: SchemeLocal, Name: "models/base", Adapter: "runs/lora1"}},
		{in: "file:preds.jsonl", want: Ref{Scheme: SchemeFile, Name: "preds.jsonl"}},
		{in: " gold ", want: Ref{Scheme: SchemeGold}},
		{in: "plan:knn:out/nw", want: Ref{Scheme: SchemeKNN, Name: "out/nw", Plan: true}},
		{in: "plan:local:out/run/plan/model", want: Ref{Scheme: SchemeLocal, Name: "out/run/plan/model", Plan: true}},
		{in: "plan:openai:gpt-4o-mini", want: Ref{Scheme: SchemeOpenAI, Name: "gpt-4o-mini", Plan: true}},
		{in: "plan:http://127.0.0.1:8000/v1#m", want: Ref{Scheme: SchemeHTTP, Name: "m", BaseURL: "http://127.0.0.1:8000/v1", Plan: true}},
		{in: "plan:gold", wantErr: "plan: takes knn, local or a chat model"},
		{in: "plan:plan:knn:x", wantErr: "plan: takes knn, local or a chat model"},
		{in: "", wantErr: "empty"},
		{in: "gpt-4o", wantErr: "want SCHEME:NAME"},
		{in: "openai:", wantErr: "missing name"},
		{in: "bard:x", wantErr: `unknown scheme "bard"`},
		{in: "gold:x", wantErr: "gold takes no name"},
		{in: "local:+adapter", wantErr: "missing model path"},
		{in: "http://127.0.0.1:8000/v1", wantErr: "missing #MODEL"},
		{in: "http:///v1#m", wantErr: "missing host"},
		{in: "http://user:sk-secret@h/v1#m", wantErr: "credentials in the URL"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseRef(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, %v; want error containing %q", got, err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "sk-secret") {
					t.Fatalf("error %q repeats the credentials", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
			again, err := ParseRef(got.String())
			if err != nil || again != got {
				t.Fatalf("round trip of %q: got %+v, %v", got.String(), again, err)
			}
		})
	}
}

type fakeBackend struct{ name string }

func (f fakeBackend) Generate(context.Context, Request) (Response, error) { return Response{}, nil }
func (f fakeBackend) Name() string                                        { return f.name }

func TestRegistryOpen(t *testing.T) {
	reg := NewRegistry()
	knn, _ := ParseRef("knn:northwind")
	_, err := reg.Open(context.Background(), knn, MapEnv(nil))
	if !errors.Is(err, ErrNotAvailable) || !strings.Contains(err.Error(), "knn:northwind") {
		t.Fatalf("got %v, want ErrNotAvailable naming the reference", err)
	}
	reg.Register(SchemeKNN, func(_ context.Context, ref Ref, _ Env) (Backend, error) {
		return fakeBackend{name: ref.String()}, nil
	})
	b, err := reg.Open(context.Background(), knn, MapEnv(nil))
	if err != nil || b.Name() != "knn:northwind" {
		t.Fatalf("got %v, %v; want the registered backend", b, err)
	}
	if _, err := NewRegistry().Open(context.Background(), knn, MapEnv(nil)); !errors.Is(err, ErrNotAvailable) {
		t.Fatalf("registries share openers: %v", err)
	}
}

func TestOpenCompatibleNeedsConfiguration(t *testing.T) {
	cases := []struct {
		ref     string
		env     map[string]string
		wantErr string
	}{
		{"openai:gpt-4o-mini", nil, "OPENAI_API_KEY is not set"},
		{"azure:d", map[string]string{EnvAzureAPIKey: "k"}, "AZURE_OPENAI_ENDPOINT is not set"},
		{"azure:d", map[string]string{EnvAzureEndpoint: "https://r.openai.azure.com"}, "AZURE_OPENAI_API_KEY is not set"},
		{"ollama:m", map[string]string{EnvModelTimeout: "soon"}, "SQLFORGE_MODEL_TIMEOUT"},
		{"ollama:m", map[string]string{EnvModelConcurrency: "0"}, "SQLFORGE_MODEL_CONCURRENCY"},
		{"ollama:m", map[string]string{EnvModelMaxRetries: "-1"}, "SQLFORGE_MODEL_MAX_RETRIES"},
	}
	for _, tc := range cases {
		ref, err := ParseRef(tc.ref)
		if err != nil {
			t.Fatal(err)
		}
		_, err = NewRegistry().Open(context.Background(), ref, MapEnv(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "opening model "+tc.ref) {
			t.Errorf("%s %v: got %v, want %q", tc.ref, tc.env, err, tc.wantErr)
		}
	}
}

func TestEnvAccessors(t *testing.T) {
	ollama := []struct{ host, want string }{
		{"", DefaultOllamaBaseURL},
		{"0.0.0.0", "http://0.0.0.0:11434/v1"},
		{"gpu-box:9999", "http://gpu-box:9999/v1"},
		{"https://ollama.example", "https://ollama.example/v1"},
		{"http://127.0.0.1:11434/", "http://127.0.0.1:11434/v1"},
	}
	for _, tc := range ollama {
		if got := MapEnv(map[string]string{EnvOllamaHost: tc.host}).OllamaBaseURL(); got != tc.want {
			t.Errorf("OLLAMA_HOST=%q: got %q, want %q", tc.host, got, tc.want)
		}
	}
	env := MapEnv(map[string]string{EnvModelTimeout: "90s", EnvModelMaxRetries: "0", EnvAzureAPIVersion: " 2025-01-01-preview "})
	if d, err := env.ModelTimeout(); err != nil || d != 90*time.Second {
		t.Errorf("timeout: got %v, %v", d, err)
	}
	if n, err := env.ModelMaxRetries(); err != nil || n != 0 {
		t.Errorf("retries: got %v, %v", n, err)
	}
	if v := env.AzureAPIVersion(); v != "2025-01-01-preview" {
		t.Errorf("api version: got %q", v)
	}
	if v := MapEnv(nil).OpenAIBaseURL(); v != DefaultOpenAIBaseURL {
		t.Errorf("openai base: got %q", v)
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := MapEnv(map[string]string{EnvOpenAIAPIKey: testKey}).OpenAIAPIKey()
	if s.Reveal() != testKey {
		t.Fatalf("Reveal: got %q", s.Reveal())
	}
	var b strings.Builder
	for _, out := range []string{sprintAll(s), sprintAll(struct{ Key Secret }{s}), sprintf("%s %q %x %d %10.3s", s, s, s, s, s)} {
		b.WriteString(out)
	}
	text, _ := s.MarshalText()
	b.Write(text)
	if strings.Contains(b.String(), testKey) || strings.Contains(b.String(), "SECRET") {
		t.Fatalf("secret printed: %s", b.String())
	}
}
