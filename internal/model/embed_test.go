package model

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/model/openaitest"
)

// openEmbedTest opens an Embedder for ref with an injected sleeper.
func openEmbedTest(t *testing.T, ref string, env map[string]string, sl *sleeps) *Embedder {
	t.Helper()
	r, err := ParseRef(ref)
	if err != nil {
		t.Fatal(err)
	}
	e, err := OpenEmbedder(context.Background(), r, MapEnv(env))
	if err != nil {
		t.Fatal(err)
	}
	if sl != nil {
		e.c.retry.Sleep = sl.Sleep
		e.c.retry.Jitter = func() float64 { return 0.5 }
	}
	return e
}

func checkVectors(t *testing.T, texts []string, got [][]float32) {
	t.Helper()
	if len(got) != len(texts) {
		t.Fatalf("got %d vectors, want %d", len(got), len(texts))
	}
	for i, s := range texts {
		want := openaitest.Embedding(s, 0)
		if len(got[i]) != len(want) {
			t.Fatalf("vector %d: got %d dimensions, want %d", i, len(got[i]), len(want))
		}
		for k := range want {
			if math.Abs(float64(got[i][k]-want[k])) > 1e-6 {
				t.Fatalf("vector %d (%q): got %v, want %v", i, s, got[i], want)
			}
		}
	}
}

func TestEmbedFlavours(t *testing.T) {
	srv := openaitest.New(t)
	srv.Key = testKey
	texts := []string{"SELECT name FROM customers", "select count(*) from orders", "SELECT 1"}
	cases := []struct {
		name, ref       string
		env             map[string]string
		wantPath, model string
		wantAuthHeader  string
	}{
		{"openai", "openai:text-embedding-3-small",
			map[string]string{EnvOpenAIAPIKey: testKey, EnvOpenAIBaseURL: srv.BaseURL()},
			"/v1/embeddings", "text-embedding-3-small", "Authorization"},
		{"azure", "azure:emb-deploy",
			map[string]string{EnvAzureEndpoint: srv.URL, EnvAzureAPIKey: testKey},
			"/openai/deployments/emb-deploy/embeddings", "emb-deploy", "Api-Key"},
		{"vllm", srv.BaseURL() + "#BAAI/bge-m3",
			map[string]string{EnvGenericAPIKey: testKey},
			"/v1/embeddings", "BAAI/bge-m3", "Authorization"},
		{"ollama", "ollama:nomic-embed-text",
			map[string]string{EnvOllamaHost: strings.TrimPrefix(srv.URL, "http://")},
			"/v1/embeddings", "nomic-embed-text", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key := srv.Key
			if tc.wantAuthHeader == "" {
				srv.Key = ""
			}
			defer func() { srv.Key = key }()
			before := len(srv.Requests())
			e := openEmbedTest(t, tc.ref, tc.env, nil)
			got, err := e.Embed(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			checkVectors(t, texts, got) // the server answers in reverse index order
			reqs := srv.Requests()[before:]
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Path != tc.wantPath {
				t.Errorf("path: got %q, want %q", r.Path, tc.wantPath)
			}
			var model, format string
			_ = json.Unmarshal(r.Raw["model"], &model)
			_ = json.Unmarshal(r.Raw["encoding_format"], &format)
			if model != tc.model || format != "float" {
				t.Errorf("model %q, encoding_format %q; want %q and float", model, format, tc.model)
			}
			if tc.wantAuthHeader != "" && r.Header.Get(tc.wantAuthHeader) == "" {
				t.Errorf("request lacks %s", tc.wantAuthHeader)
			}
			if tc.wantAuthHeader != "Authorization" && r.Header.Get("Authorization") != "" {
				t.Errorf("sent Authorization %q", r.Header.Get("Authorization"))
			}
		})
	}
}

func TestEmbedBatchesWithinConcurrency(t *testing.T) {
	srv := openaitest.New(t)
	e := openEmbedTest(t, srv.BaseURL()+"#emb", map[string]string{EnvModelConcurrency: "2"}, nil)
	e.Batch = 2
	texts := []string{"a", "b c", "d", "e f g", "h"}
	got, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, texts, got)
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("got %d requests, want 3 batches", n)
	}
	if m := srv.MaxInFlight(); m > 2 {
		t.Errorf("got %d requests in flight, want at most 2", m)
	}
}

func TestEmbedFailures(t *testing.T) {
	cases := []struct {
		name         string
		steps        []openaitest.Step
		texts        []string
		wantRequests int
		wantStatus   int
		wantText     string
		wantSleeps   []time.Duration
	}{
		{"429 retried after Retry-After", []openaitest.Step{openaitest.RateLimited("2")}, []string{"a"}, 2, 0, "", []time.Duration{2 * time.Second}},
		{"5xx retried", []openaitest.Step{{Status: 503}}, []string{"a"}, 2, 0, "", []time.Duration{375 * time.Millisecond}},
		{"400 not retried", []openaitest.Step{{Status: 400}}, []string{"a"}, 1, 400, "http 400", nil},
		{"too few vectors", []openaitest.Step{{Body: `{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1]}],"model":"m","usage":{"prompt_tokens":1,"total_tokens":1}}`}},
			[]string{"a", "b"}, 1, 200, "1 embeddings for 2 texts", nil},
		{"index twice", []openaitest.Step{{Body: `{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1]},{"object":"embedding","index":0,"embedding":[1]}],"model":"m","usage":{"prompt_tokens":1,"total_tokens":1}}`}},
			[]string{"a", "b"}, 1, 200, "index 0 twice", nil},
		{"index out of range", []openaitest.Step{{Body: `{"object":"list","data":[{"object":"embedding","index":3,"embedding":[1]}],"model":"m","usage":{"prompt_tokens":1,"total_tokens":1}}`}},
			[]string{"a"}, 1, 200, "index 3 for 1 texts", nil},
		{"ragged", []openaitest.Step{{Body: `{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1]},{"object":"embedding","index":1,"embedding":[1,2]}],"model":"m","usage":{"prompt_tokens":1,"total_tokens":1}}`}},
			[]string{"a", "b"}, 1, 200, "2 dimensions", nil},
		{"malformed", []openaitest.Step{{Body: `{"object":"list","data":[`}}, []string{"a"}, 1, 200, "malformed response body", nil},
		{"empty text refused before sending", nil, []string{"a", ""}, 0, -1, "embedding text 1: empty", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.Enqueue(tc.steps...)
			var sl sleeps
			e := openEmbedTest(t, srv.BaseURL()+"#m", nil, &sl)
			got, err := e.Embed(context.Background(), tc.texts)
			if n := len(srv.Requests()); n != tc.wantRequests {
				t.Errorf("got %d requests, want %d", n, tc.wantRequests)
			}
			if !equalDurations(sl.got(), tc.wantSleeps) {
				t.Errorf("sleeps: got %v, want %v", sl.got(), tc.wantSleeps)
			}
			if tc.wantStatus == 0 {
				if err != nil {
					t.Fatal(err)
				}
				checkVectors(t, tc.texts, got)
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantText) || !strings.Contains(err.Error(), srv.BaseURL()+"#m") {
				t.Fatalf("got %v, want an error naming the model and %q", err, tc.wantText)
			}
			var me *Error
			if tc.wantStatus > 0 && (!errors.As(err, &me) || me.Status != tc.wantStatus) {
				t.Fatalf("got %#v, want *Error with status %d", err, tc.wantStatus)
			}
		})
	}
}

func TestEmbedKeyNeverInErrors(t *testing.T) {
	srv := openaitest.New(t)
	srv.Key = "the-right-key"
	e := openEmbedTest(t, "openai:text-embedding-3-small", map[string]string{EnvOpenAIAPIKey: testKey, EnvOpenAIBaseURL: srv.BaseURL()}, nil)
	_, err := e.Embed(context.Background(), []string{"x"})
	var me *Error
	if !errors.As(err, &me) || me.Status != http.StatusUnauthorized {
		t.Fatalf("got %v, want a 401", err)
	}
	for _, piece := range []string{testKey, testKey[len(testKey)-4:]} {
		if strings.Contains(err.Error(), piece) || strings.Contains(sprintAll(err), piece) {
			t.Fatalf("error %q contains %q", err, piece)
		}
	}
}

func TestOpenEmbedderRefusesOtherSchemes(t *testing.T) {
	for _, ref := range []string{"knn:data.jsonl", "gold", "file:p.jsonl", "openai:text-embedding-3-small"} {
		r, err := ParseRef(ref)
		if err != nil {
			t.Fatal(err)
		}
		// openai without OPENAI_API_KEY fails too, naming the variable.
		if _, err := OpenEmbedder(context.Background(), r, MapEnv(nil)); err == nil || !strings.Contains(err.Error(), "opening embedding model") {
			t.Errorf("%s: got %v, want an error", ref, err)
		}
	}
}
