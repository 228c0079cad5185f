package eval

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
)

// Embedder turns texts into vectors, one per text and all of one length
// (model.Embedder over an OpenAI-compatible embeddings endpoint).
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// Name identifies the embedding model (its reference, no secret).
	Name() string
}

// EmbeddingSimilarity scores sim as the cosine of the embeddings of the gold
// and the predicted SQL, as the seed did with sentence embeddings. Each
// distinct text is embedded once and kept, so gold queries shared by several
// models, repeated predictions and later runs with the same value cost
// nothing; the texts missing from the cache are sent in one Embed call, which
// batches them. It is safe for concurrent use.
type EmbeddingSimilarity struct {
	emb   Embedder
	mu    sync.Mutex
	cache map[string][]float32
}

// NewEmbeddingSimilarity returns a similarity over e with an empty cache.
func NewEmbeddingSimilarity(e Embedder) *EmbeddingSimilarity {
	return &EmbeddingSimilarity{emb: e, cache: map[string][]float32{}}
}

// Name is "embeddings:" and the embedder's name, as recorded in the report.
func (s *EmbeddingSimilarity) Name() string { return "embeddings:" + s.emb.Name() }

// Score returns the cosine similarity of the embeddings of a and b, in
// [-1, 1]; 0 when either is empty (nothing was predicted).
func (s *EmbeddingSimilarity) Score(ctx context.Context, a, b string) (float64, error) {
	vecs, err := s.vectors(ctx, []string{a, b})
	if err != nil {
		return 0, err
	}
	return cosine(vecs[simText(a)], vecs[simText(b)]), nil
}

// apply sets Metrics.Sim of every result from embeddings.
func (s *EmbeddingSimilarity) apply(ctx context.Context, results [][]ItemResult) error {
	var texts []string
	for _, rs := range results {
		for _, r := range rs {
			texts = append(texts, r.Gold, r.Prediction)
		}
	}
	vecs, err := s.vectors(ctx, texts)
	if err != nil {
		return err
	}
	for _, rs := range results {
		for i := range rs {
			rs[i].Metrics.Sim = round(cosine(vecs[simText(rs[i].Gold)], vecs[simText(rs[i].Prediction)]), 4)
		}
	}
	return nil
}

// vectors returns the embedding of every non-empty text, keyed by simText,
// embedding those not cached yet.
func (s *EmbeddingSimilarity) vectors(ctx context.Context, texts []string) (map[string][]float32, error) {
	out := map[string][]float32{}
	var missing []string
	s.mu.Lock()
	for _, t := range texts {
		k := simText(t)
		if _, seen := out[k]; seen || k == "" {
			continue
		}
		v, ok := s.cache[k]
		out[k] = v
		if !ok {
			missing = append(missing, k)
		}
	}
	s.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	vecs, err := s.emb.Embed(ctx, missing)
	if err != nil {
		return nil, fmt.Errorf("embedding similarity with %s: %w", s.emb.Name(), err)
	}
	if len(vecs) != len(missing) {
		return nil, fmt.Errorf("embedding similarity with %s: %d vectors for %d texts", s.emb.Name(), len(vecs), len(missing))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, k := range missing {
		s.cache[k], out[k] = vecs[i], vecs[i]
	}
	return out, nil
}

// simText is the text embedded for a query: the SQL as written, trimmed.
func simText(sql string) string { return strings.TrimSpace(sql) }

// cosine is the cosine of a and b, clamped to [-1, 1]; 0 when either is
// missing, zero or their lengths differ.
func cosine(a, b []float32) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return math.Max(-1, math.Min(1, dot/(math.Sqrt(na)*math.Sqrt(nb))))
}
