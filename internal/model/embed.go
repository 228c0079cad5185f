package model

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// DefaultEmbedBatch is the most texts sent in one embeddings request. OpenAI
// accepts 2,048; smaller batches keep requests well under its token limit
// per request and spread a large call over the concurrency slots.
const DefaultEmbedBatch = 128

// Embedder computes text embeddings through an OpenAI-compatible embeddings
// endpoint (OpenAI, Azure OpenAI deployments, vLLM, Ollama), with the chat
// Client's configuration, retry policy, concurrency limit and secret handling:
// it is built over a Client and shares its settings and helpers.
type Embedder struct {
	c   *Client
	svc openai.EmbeddingService
	// Batch is the most texts per request; 0 means DefaultEmbedBatch.
	Batch int
}

// NewEmbedder returns an Embedder for cfg, which is validated as for
// NewClient (cfg.Model names the embedding model or Azure deployment).
func NewEmbedder(cfg ClientConfig) (*Embedder, error) {
	c, err := NewClient(cfg)
	if err != nil {
		return nil, err
	}
	return embedderOver(c), nil
}

// OpenEmbedder opens an Embedder for an OpenAI-compatible reference
// (openai:MODEL, azure:DEPLOYMENT, http://HOST/v1#MODEL, ollama:MODEL),
// reading endpoints, keys, timeout, retries and concurrency from env as Open
// does for chat models.
func OpenEmbedder(ctx context.Context, ref Ref, env Env) (*Embedder, error) {
	b, err := OpenCompatible(ctx, ref, env)
	if err != nil {
		return nil, fmt.Errorf("opening embedding model %s: %w", ref, err)
	}
	return embedderOver(b.(*Client)), nil
}

func embedderOver(c *Client) *Embedder {
	// The chat service carries every option NewClient set (base URL or
	// Azure routing, key, no SDK retries); the embeddings service inherits
	// them, so both speak to the server the same way.
	return &Embedder{c: c, svc: openai.NewEmbeddingService(c.chat.Options...)}
}

// Name returns the configured name (the model reference); it holds no secret.
func (e *Embedder) Name() string { return e.c.cfg.Name }

// Embed returns one vector per text, in the order of texts, all of the same
// length. Texts are sent in batches of Batch, in parallel up to the
// concurrency limit; each request is retried like Client.Generate. An empty
// text is refused before anything is sent, as the OpenAI API refuses it.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	for i, t := range texts {
		if t == "" {
			return nil, fmt.Errorf("model %s: embedding text %d: empty", e.Name(), i)
		}
	}
	size := e.Batch
	if size <= 0 {
		size = DefaultEmbedBatch
	}
	out := make([][]float32, len(texts))
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for lo := 0; lo < len(texts); lo += size {
		hi := min(lo+size, len(texts))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := e.batch(ctx, texts[lo:hi], out[lo:hi]); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	dims := -1
	for i, v := range out {
		if dims >= 0 && len(v) != dims {
			return nil, &Error{Backend: e.Name(), Status: http.StatusOK,
				Message: fmt.Sprintf("embedding %d has %d dimensions, embedding 0 has %d", i, len(v), dims)}
		}
		dims = len(v)
	}
	return out, nil
}

// batch embeds texts into out (same length) with one request and its retries.
func (e *Embedder) batch(ctx context.Context, texts []string, out [][]float32) error {
	params := openai.EmbeddingNewParams{
		Model:          openai.EmbeddingModel(e.c.cfg.Model),
		Input:          openai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: texts},
		EncodingFormat: openai.EmbeddingNewParamsEncodingFormatFloat,
	}
	var res *openai.CreateEmbeddingResponse
	err := e.c.retrying(ctx, func(actx context.Context, capture option.RequestOption) error {
		var err error
		res, err = e.svc.New(actx, params, capture)
		return err
	})
	if err != nil {
		return err
	}
	if len(res.Data) != len(texts) {
		return &Error{Backend: e.Name(), Status: http.StatusOK,
			Message: fmt.Sprintf("response has %d embeddings for %d texts", len(res.Data), len(texts))}
	}
	for _, d := range res.Data {
		i := int(d.Index)
		switch {
		case d.Index < 0 || i >= len(texts):
			return &Error{Backend: e.Name(), Status: http.StatusOK, Message: fmt.Sprintf("response has embedding index %d for %d texts", d.Index, len(texts))}
		case out[i] != nil:
			return &Error{Backend: e.Name(), Status: http.StatusOK, Message: fmt.Sprintf("response has embedding index %d twice", d.Index)}
		case len(d.Embedding) == 0:
			return &Error{Backend: e.Name(), Status: http.StatusOK, Message: fmt.Sprintf("embedding %d is empty", d.Index)}
		}
		v := make([]float32, len(d.Embedding))
		for k, x := range d.Embedding {
			v[k] = float32(x)
		}
		out[i] = v
	}
	return nil
}
