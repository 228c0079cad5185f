package eval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/confidence"
	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/model"
)

// SystemPrompt is the instruction every model is given.
const SystemPrompt = "You translate questions about a SQLite database into one SQLite query. " +
	"Answer with the query only, in a ```sql fenced block."

// ModelPredictor asks a model backend for each item's SQL (one sample at
// temperature 0, with log-probabilities when the backend gives them) and caches
// the answers on disk, keyed by model, prompt and item, so a re-run costs
// nothing. Its predictions carry confidence signals.
type ModelPredictor struct {
	backend model.Backend
	// cacheDir holds one JSON file per answer; "" disables the cache.
	cacheDir string
}

// NewModelPredictor returns a predictor over b caching answers in cacheDir
// ("" for no cache).
func NewModelPredictor(b model.Backend, cacheDir string) *ModelPredictor {
	return &ModelPredictor{backend: b, cacheDir: cacheDir}
}

// Name returns the backend's name (its model reference).
func (p *ModelPredictor) Name() string { return p.backend.Name() }

// Prompt builds the chat messages for it: the schema's CREATE TABLE context,
// BIRD's evidence when given, and the question.
func Prompt(it Item, schema string) []model.Message {
	var b strings.Builder
	if schema != "" {
		b.WriteString("Database schema:\n")
		b.WriteString(strings.TrimSpace(schema))
		b.WriteString("\n\n")
	}
	if it.Evidence != "" {
		b.WriteString("Evidence: " + it.Evidence + "\n\n")
	}
	b.WriteString("Question: " + it.Question)
	return []model.Message{{Role: model.RoleSystem, Content: SystemPrompt}, {Role: model.RoleUser, Content: b.String()}}
}

// chatPrompt renders a request as Prompt renders an item: what a chat backend is sent.
func chatPrompt(r model.Request) []model.Message {
	return Prompt(Item{Question: r.Question, Evidence: r.Evidence}, r.Schema)
}

// cached is a cache entry.
type cached struct {
	Model            string `json:"model"`
	Text             string `json:"text"`
	LatencyMS        int64  `json:"latency_ms"`
	PromptTokens     int    `json:"prompt_tokens"`
	CompletionTokens int    `json:"completion_tokens"`
	// MeanLogprob is the answer's mean token log-probability, when the model gave
	// one (entries written before it was kept have none).
	MeanLogprob *float64 `json:"mean_logprob,omitempty"`
}

// Predict returns the model's SQL for it, from the cache when present.
func (p *ModelPredictor) Predict(ctx context.Context, it Item, schema string) (Prediction, error) {
	key := p.cacheKey(it, Prompt(it, schema)) // keyed by the prompt a chat model is sent, as answers cached before were
	if c, ok := p.load(key); ok {
		sql, _ := model.ExtractSQL(c.Text)
		return Prediction{SQL: sql, Raw: c.Text, Latency: time.Duration(c.LatencyMS) * time.Millisecond,
			PromptTokens: c.PromptTokens, CompletionTokens: c.CompletionTokens, Cached: true,
			Confidence: &confidence.Signals{MeanLogprob: c.MeanLogprob}}, nil
	}
	temp := 0.0
	resp, err := p.backend.Generate(ctx, model.Request{Question: it.Question, Evidence: it.Evidence, DB: it.DB,
		Schema: schema, Prompt: chatPrompt, Temperature: &temp, Logprobs: true})
	if err != nil {
		return Prediction{}, fmt.Errorf("generate with %s: %w", p.backend.Name(), err)
	}
	if len(resp.Choices) == 0 {
		return Prediction{}, fmt.Errorf("generate with %s: no choices in the answer", p.backend.Name())
	}
	text := resp.Choices[0].Text
	c := cached{Model: resp.Model, Text: text, LatencyMS: resp.Latency.Milliseconds(),
		PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens,
		MeanLogprob: resp.Choices[0].MeanLogprob}
	if err := p.store(key, c); err != nil {
		return Prediction{}, err
	}
	sql, _ := model.ExtractSQL(text)
	return Prediction{SQL: sql, Raw: text, Latency: resp.Latency,
		PromptTokens: c.PromptTokens, CompletionTokens: c.CompletionTokens,
		Confidence: &confidence.Signals{MeanLogprob: c.MeanLogprob}}, nil
}

func (p *ModelPredictor) cacheKey(it Item, msgs []model.Message) string {
	h := sha256.New()
	prompt, _ := json.Marshal(msgs)
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s", p.backend.Name(), prompt, it.ID, dataset.RecordID(it.Question, it.Gold))
	return hex.EncodeToString(h.Sum(nil))
}

func (p *ModelPredictor) path(key string) string {
	return filepath.Join(p.cacheDir, key[:2], key+".json")
}

func (p *ModelPredictor) load(key string) (cached, bool) {
	var c cached
	if p.cacheDir == "" {
		return c, false
	}
	b, err := os.ReadFile(p.path(key))
	if err != nil || json.Unmarshal(b, &c) != nil {
		return c, false
	}
	return c, true
}

func (p *ModelPredictor) store(key string, c cached) error {
	if p.cacheDir == "" {
		return nil
	}
	path := p.path(key)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("cache prediction: %w", err)
	}
	b, _ := json.Marshal(c)
	if _, err := dataset.WriteFileAtomic(path, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
		return fmt.Errorf("cache prediction: %w", err)
	}
	return nil
}
