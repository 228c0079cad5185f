package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/confidence"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/planner"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/prompt"
	"github.com/sqlforge/sqlforge/internal/schema"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// MaxQuestionLen is the longest question accepted, in characters.
const MaxQuestionLen = 2000

// ServiceConfig configures a Service. Backend, Executor and Builder are required.
type ServiceConfig struct {
	// Backend is the model.
	Backend model.Backend
	// Planner, when set, answers instead of Backend through query plans (plan: models);
	// Backend and Builder are then not needed.
	Planner planner.Planner
	// Executor runs accepted SQL read-only.
	Executor sqlexec.Executor
	// Builder renders the prompt (schema context, concepts, few-shot examples).
	Builder *prompt.Builder
	// SchemaHash identifies the database structure; part of the cache key.
	SchemaHash string
	// MaxRows is the row cap of executed queries (default 1000).
	MaxRows int
	// QueryTimeout bounds one execution (default 5s).
	QueryTimeout time.Duration
	// ModelTimeout bounds one model call (default 60s).
	ModelTimeout time.Duration
	// Samples asks the model for this many answers; above 1 their agreement is a
	// confidence signal (default 1).
	Samples int
	// MaxCellBytes fails an execution when one value is longer (default
	// sqlexec.DefaultMaxCellBytes, 1,000,000).
	MaxCellBytes int
	// MaxResultBytes truncates an executed result past this many bytes (default 1 MiB).
	MaxResultBytes int
	// CacheSize is the number of answers cached (default 10,000; negative disables).
	CacheSize int
	// CacheBytes bounds the answer cache in bytes (default DefaultCacheBytes, 64 MiB).
	CacheBytes int
	// Conversations is the number of conversations kept (default 10,000).
	Conversations int
	// ConversationBytes bounds the conversation store in bytes (default
	// DefaultConversationBytes, 16 MiB).
	ConversationBytes int
	// Logger receives one line per answer (default: slog.Default()).
	Logger *slog.Logger
	// Ontology and Schema describe the database for GET /catalog (the page's concepts,
	// tables and example questions); Schema defaults to Builder.Schema. Both may be nil.
	Ontology *ontology.Ontology
	Schema   *schema.Schema
	// Currency is the ISO 4217 code currency metrics are in (default DefaultCurrency).
	Currency string
}

// Service answers questions: prompt, model, guard, execution, confidence, cache and
// conversations. It is safe for concurrent use.
type Service struct {
	cfg     ServiceConfig
	catalog *Catalog
	cache   *cache
	convs   *conversations
	// observe, when set, is told about each answer (metrics).
	observe func(o outcome)
	// evicted, when set, is told of each entry evicted from the named store ("answers",
	// "conversations") to keep within its bounds (metrics).
	evicted func(store string)
}

// outcome is what one answer did, for metrics.
type outcome struct {
	cached, refused, executed, failed bool
	modelLatency                      time.Duration
}

// NewService checks cfg and returns a Service.
func NewService(cfg ServiceConfig) (*Service, error) {
	if (cfg.Backend == nil && cfg.Planner == nil) || cfg.Executor == nil || (cfg.Builder == nil && cfg.Planner == nil) {
		return nil, errors.New("serve: a backend or planner, an executor and (for a backend) a prompt builder are required")
	}
	if cfg.MaxRows <= 0 {
		cfg.MaxRows = 1000
	}
	if cfg.QueryTimeout <= 0 {
		cfg.QueryTimeout = 5 * time.Second
	}
	if cfg.ModelTimeout <= 0 {
		cfg.ModelTimeout = 60 * time.Second
	}
	if cfg.Samples <= 0 {
		cfg.Samples = 1
	}
	if cfg.CacheSize == 0 {
		cfg.CacheSize = 10000
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = DefaultCacheBytes
	}
	if cfg.Conversations <= 0 {
		cfg.Conversations = 10000
	}
	if cfg.ConversationBytes <= 0 {
		cfg.ConversationBytes = DefaultConversationBytes
	}
	if cfg.MaxCellBytes <= 0 {
		cfg.MaxCellBytes = sqlexec.DefaultMaxCellBytes
	}
	if cfg.MaxResultBytes <= 0 {
		cfg.MaxResultBytes = 1 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Schema == nil && cfg.Builder != nil {
		cfg.Schema = cfg.Builder.Schema
	}
	s := &Service{cfg: cfg, catalog: newCatalog(cfg.Ontology, cfg.Schema, cfg.Currency)}
	s.cache = newCache(cfg.CacheSize, cfg.CacheBytes, func() { s.notifyEvicted("answers") })
	s.convs = newConversations(cfg.Conversations, cfg.ConversationBytes, 6, func() { s.notifyEvicted("conversations") })
	return s, nil
}

// Model is the backend's name.
func (s *Service) Model() string {
	if s.cfg.Planner != nil {
		return s.cfg.Planner.Name()
	}
	return s.cfg.Backend.Name()
}

// Catalog describes what questions may ask about: metrics, dimensions, segments, tables and
// example questions.
func (s *Service) Catalog() *Catalog { return s.catalog }

// SchemaHash identifies the database structure the service answers for.
func (s *Service) SchemaHash() string { return s.cfg.SchemaHash }

// Generate answers req. Errors are *Error values with a status and code.
func (s *Service) Generate(ctx context.Context, req GenerateRequest) (*GenerateResponse, error) {
	start := time.Now()
	q := strings.TrimSpace(req.Question)
	switch {
	case q == "":
		return nil, errorf(http.StatusBadRequest, CodeBadRequest, "question is required", nil)
	case len([]rune(q)) > MaxQuestionLen:
		return nil, errorf(http.StatusBadRequest, CodeBadRequest, fmt.Sprintf("question is longer than %d characters", MaxQuestionLen), nil)
	case req.MaxRows < 0:
		return nil, errorf(http.StatusBadRequest, CodeBadRequest, "max_rows must not be negative", nil)
	case len(req.ConversationID) > MaxConversationIDLen:
		return nil, errorf(http.StatusBadRequest, CodeBadRequest, fmt.Sprintf("conversation_id is longer than %d bytes", MaxConversationIDLen), nil)
	}
	maxRows := s.cfg.MaxRows
	if req.MaxRows > 0 && req.MaxRows < maxRows {
		maxRows = req.MaxRows
	}
	convID := req.ConversationID
	if convID == "" {
		convID = newID()
	}
	history := s.convs.history(convID)
	key := cacheKey{question: normalizeQuestion(q), model: s.Model(), schema: s.cfg.SchemaHash, execute: req.Execute, maxRows: maxRows}
	if len(history) == 0 {
		if hit, ok := s.cache.get(key); ok {
			hit.ConversationID, hit.Cached = convID, true
			hit.LatencyMS = ms(time.Since(start))
			s.convs.add(convID, prompt.Example{Question: q, SQL: hit.SQL, Reasoning: hit.PlanText})
			s.notify(outcome{cached: true})
			return &hit, nil
		}
	}
	resp, o, err := s.answer(ctx, q, history, req.Execute, maxRows)
	if err != nil {
		s.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "generate failed", slog.String("model", s.Model()), slog.String("error", err.Error()))
		return nil, err
	}
	resp.ConversationID = convID
	if n := len(history); n > 0 && s.cfg.Planner == nil {
		noteFollowUp(resp, sqlFollowUp(s.Model(), history[n-1].SQL, resp.SQL))
	}
	s.convs.add(convID, prompt.Example{Question: q, SQL: resp.SQL, Reasoning: resp.PlanText})
	if len(history) == 0 {
		s.cache.put(key, *resp)
	}
	resp.LatencyMS = ms(time.Since(start))
	s.notify(o)
	s.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "generated", slog.String("model", s.Model()),
		slog.Float64("confidence", resp.Confidence), slog.Bool("executed", o.executed), slog.Bool("refused", o.refused),
		slog.Int("warnings", len(resp.Warnings)), slog.Float64("latency_ms", resp.LatencyMS))
	return resp, nil
}

func (s *Service) notify(o outcome) {
	if s.observe != nil {
		s.observe(o)
	}
}

func (s *Service) notifyEvicted(store string) {
	if s.evicted != nil {
		s.evicted(store)
	}
}

// options are the execution bounds of one answer.
func (s *Service) options(maxRows int) sqlexec.Options {
	return sqlexec.Options{Timeout: s.cfg.QueryTimeout, MaxRows: maxRows, MaxCellBytes: s.cfg.MaxCellBytes, MaxResultBytes: s.cfg.MaxResultBytes}
}

// answer asks the model, guards, executes and scores.
func (s *Service) answer(ctx context.Context, q string, history []prompt.Example, execute bool, maxRows int) (*GenerateResponse, outcome, error) {
	if s.cfg.Planner != nil {
		return s.answerPlanned(ctx, q, history, execute, maxRows)
	}
	var o outcome
	mctx, cancel := context.WithTimeout(ctx, s.cfg.ModelTimeout)
	mstart := time.Now()
	mresp, err := s.cfg.Backend.Generate(mctx, model.Request{Question: q, Turns: history, Ontology: s.cfg.Ontology,
		Prompt: s.render, N: s.cfg.Samples, Logprobs: true})
	cancel()
	o.modelLatency = mresp.Latency
	recordModel(ctx, time.Since(mstart))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || mctx.Err() == context.DeadlineExceeded {
			return nil, o, errorf(http.StatusGatewayTimeout, CodeModelTimeout, fmt.Sprintf("model %s did not answer within %s", s.Model(), s.cfg.ModelTimeout), err)
		}
		return nil, o, errorf(http.StatusBadGateway, CodeModelError, "model "+s.Model()+" failed: "+err.Error(), err)
	}
	sqls := make([]string, 0, len(mresp.Choices))
	chosen := -1
	var reasoning string
	for i, c := range mresp.Choices {
		sql, r := model.ExtractSQL(c.Text)
		sqls = append(sqls, sql)
		if chosen < 0 && sql != "" {
			chosen, reasoning = i, r
		}
	}
	if chosen < 0 {
		return nil, o, errorf(http.StatusBadGateway, CodeNoSQL, "model "+s.Model()+" answered without a SQL query", nil)
	}
	sql := sqls[chosen]
	resp := &GenerateResponse{SQL: sql, Reasoning: reasoning, Model: s.Model(), Warnings: []string{}}
	sig := confidence.Signals{Parses: confidence.Parses(sql), MeanLogprob: mresp.Choices[chosen].MeanLogprob}
	if len(sqls) > 1 {
		astart := time.Now()
		sig.Agreement = s.agreementByResult(ctx, sqls, chosen, maxRows)
		recordDB(ctx, time.Since(astart))
	}
	if err := sqlexec.Guard(sql); err != nil {
		o.refused = true
		resp.Warnings = append(resp.Warnings, "refused by the read-only guard, not executed: "+strings.TrimPrefix(err.Error(), sqlexec.ErrRefused.Error()+": "))
		sig.Refused = true
	} else {
		cstart := time.Now()
		cerr := s.cfg.Executor.Check(ctx, sql)
		recordDB(ctx, time.Since(cstart))
		sig.Prepares = cerr == nil
		sig.Parses = sig.Parses || sig.Prepares
		if cerr != nil {
			resp.Warnings = append(resp.Warnings, "does not prepare: "+cerr.Error())
		}
		if execute && sig.Prepares {
			o.executed = true
			s.execute(ctx, sql, maxRows, resp, &sig, &o)
		}
	}
	resp.Measures = s.catalog.measuresIn(sql)
	resp.Confidence = sig.Value()
	return resp, o, nil
}

// render is the prompt a chat backend is sent: the Builder's (schema context, concepts,
// few-shot examples) over the question and the conversation.
func (s *Service) render(r model.Request) []model.Message {
	return prompt.Messages(s.cfg.Builder.Build(r.Question, r.Turns))
}

// execute runs sql read-only and fills the result, or a warning, into resp.
func (s *Service) execute(ctx context.Context, sql string, maxRows int, resp *GenerateResponse, sig *confidence.Signals, o *outcome) {
	qstart := time.Now()
	res, err := s.cfg.Executor.Query(ctx, sql, s.options(maxRows))
	recordDB(ctx, time.Since(qstart))
	sig.Executed = true
	if err != nil {
		o.failed = true
		resp.Warnings = append(resp.Warnings, fmt.Sprintf("execution failed (%s): %v", sqlexec.ErrorClass(err), err))
		return
	}
	sig.Executes, sig.NonEmpty = true, len(res.Rows) > 0
	resp.Columns, resp.Truncated = res.Columns, res.Truncated
	resp.Rows = make([][]any, len(res.Rows))
	for i, row := range res.Rows {
		out := make([]any, len(row))
		for j, v := range row {
			out[j] = jsonValue(v)
		}
		resp.Rows[i] = out
	}
	if len(res.Rows) == 0 {
		resp.Warnings = append(resp.Warnings, "the query returned no rows")
	}
	switch {
	case res.TruncatedBy == sqlexec.TruncatedByBytes:
		resp.Warnings = append(resp.Warnings, fmt.Sprintf("result truncated to %d rows by the %d-byte result limit", len(res.Rows), s.cfg.MaxResultBytes))
	case res.Truncated:
		resp.Warnings = append(resp.Warnings, fmt.Sprintf("result truncated to %d rows", maxRows))
	}
}

// jsonValue converts a result value to what encoding/json writes.
func jsonValue(v sqlexec.Value) any {
	switch v.Kind {
	case sqlexec.Null:
		return nil
	case sqlexec.Int:
		return v.Int
	case sqlexec.Real:
		if math.IsNaN(v.Real) || math.IsInf(v.Real, 0) {
			return v.String()
		}
		return v.Real
	}
	return v.String()
}

func normalizeQuestion(q string) string { return strings.ToLower(strings.Join(strings.Fields(q), " ")) }

func ms(d time.Duration) float64 { return math.Round(float64(d.Microseconds())/10) / 100 }

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
