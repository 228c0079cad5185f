// Package knn is sqlforge's retrieval baseline model, opened with the reference knn:DATASET.
// It needs no model at all: it finds the training questions nearest to the new one (BM25,
// prompt.Index), rewrites the best one's SQL with the values the new question states
// (years, dates, months, quarters, numbers, and names known from the database's distinct
// values of the columns the SQL filters on), and checks the result by executing it
// read-only, falling back to the next candidate when it fails or returns nothing.
//
// It makes evaluation meaningful from the first day and is the serving default until a
// trained model exists. Its answers use the seed's format (reasoning, "###final_sql_query:",
// SQL), so model.ExtractSQL reads them like any model's; its confidence is reported as
// Choice.MeanLogprob = ln(confidence).
package knn

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/prompt"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// Options tune New. DB is required.
type Options struct {
	// DB is the database the SQL runs on, read for distinct values; open it read-only.
	DB *sql.DB
	// Name is the backend's name in reports (default "knn").
	Name string
	// Candidates is how many retrieved questions are tried, best first (default 5).
	Candidates int
	// CheckTimeout bounds the execution check of one candidate (default 2s).
	CheckTimeout time.Duration
	// Ontology names the concepts (metrics, dimensions) and their synonyms for the concept
	// lexicon; nil loads the built-in ontology of the records' database when there is one.
	Ontology *ontology.Ontology
}

// Backend is the knn model. It is safe for concurrent use.
type Backend struct {
	name    string
	index   *prompt.Index
	exec    sqlexec.Executor
	values  *valueSource
	opts    Options
	records int
	// cues are the shape cues of each indexed question, by position.
	cues []cues
	// lex reads concepts from questions; labels are each indexed question's concepts.
	lex    *lexicon
	labels []conceptSet
	closer interface{ Close() error } // the database Open opened, if any
}

var _ model.Backend = (*Backend)(nil)

// New returns a knn backend over the questions and SQL of records.
func New(records []dataset.Record, opts Options) (*Backend, error) {
	if opts.DB == nil {
		return nil, errors.New("knn: no database")
	}
	if len(records) == 0 {
		return nil, errors.New("knn: no training records")
	}
	if opts.Name == "" {
		opts.Name = "knn"
	}
	if opts.Candidates <= 0 {
		opts.Candidates = 5
	}
	if opts.CheckTimeout <= 0 {
		opts.CheckTimeout = 2 * time.Second
	}
	ex := make([]prompt.Example, len(records))
	cs := make([]cues, len(records))
	for i, r := range records {
		ex[i] = prompt.Example{Question: r.Question, SQL: r.SQL, Reasoning: r.Reasoning}
		cs[i] = shapeCues(r.Question)
	}
	ont := opts.Ontology
	if ont == nil {
		ont, _ = ontology.LoadRef(cmp.Or(records[0].DB, "northwind")) // none for a database without one
	}
	lex := newLexicon(records, ont)
	labels := make([]conceptSet, len(records))
	for i, r := range records {
		labels[i] = lex.labels(r)
	}
	return &Backend{name: opts.Name, index: prompt.NewIndex(ex), exec: sqlexec.NewSQLite(opts.DB),
		values: newValueSource(opts.DB), opts: opts, records: len(records), cues: cs, lex: lex, labels: labels}, nil
}

// Name is the backend's reference, e.g. "knn:out/train.jsonl".
func (b *Backend) Name() string { return b.name }

// Close closes the database when Open opened it; a database given to New stays open.
func (b *Backend) Close() error {
	if b.closer == nil {
		return nil
	}
	return b.closer.Close()
}

// Len is the number of training questions indexed.
func (b *Backend) Len() int { return b.records }

// retrieveMin is the fewest BM25 hits reranked by concepts and shape (chosen with
// BenchmarkEvalSplit).
const retrieveMin = 200

// candidate is one retrieved question tried for the new one.
type candidate struct {
	hit     prompt.Hit
	adapted adaptation
	// outcome: "rows", "empty" or "error: ..."
	outcome string
	rank    int
}

// Generate answers req.Question; it renders no prompt and reads no messages. With
// req.N > 1 it returns up to N answers from different candidates, best first. An earlier
// turn (req.Turns) makes a short or follow-up-phrased question ("only for 2023") refine
// the previous answer.
func (b *Backend) Generate(ctx context.Context, req model.Request) (model.Response, error) {
	start := time.Now()
	question, prevQ, prevSQL := lastTurns(req)
	if strings.TrimSpace(question) == "" {
		return model.Response{}, fmt.Errorf("knn: the request has no user question")
	}
	// Retrieve widely by words, then keep the candidates whose shape fits the question.
	// and whose concepts (metric, dimensions) are the question's.
	hits := b.index.Search(question, max(b.opts.Candidates*8, retrieveMin))
	if want := b.lex.detect(question); len(want) > 0 {
		for i := range hits {
			if p := hits[i].Pos; p >= 0 && p < len(b.labels) {
				hits[i].Score *= conceptFactor(want, b.labels[p])
			}
		}
	}
	hits = rerank(question, hits, b.cues, b.opts.Candidates)
	if prevSQL != "" && isFollowUp(question) {
		hits = append([]prompt.Hit{{Example: prompt.Example{Question: prevQ, SQL: prevSQL}, Pos: -1,
			Score: topScore(hits)}}, hits...)
	}
	if len(hits) == 0 {
		return model.Response{}, fmt.Errorf("knn: no training question shares a word with %q", question)
	}
	var tried []candidate
	for i, h := range hits {
		if err := ctx.Err(); err != nil {
			return model.Response{}, fmt.Errorf("knn: %w", err)
		}
		c := candidate{hit: h, rank: i, adapted: b.adapt(ctx, h.Example.SQL, h.Example.Question, question)}
		c.outcome = b.check(ctx, c.adapted.sql)
		tried = append(tried, c)
		if c.outcome == "rows" && c.adapted.stale == 0 && c.adapted.unused == 0 && len(tried) >= max(1, req.N) {
			break
		}
	}
	order := rankCandidates(tried)
	n := max(1, req.N)
	resp := model.Response{Model: b.name}
	for _, c := range order {
		if len(resp.Choices) == n {
			break
		}
		conf := confidence(c, hits)
		lp := math.Log(conf)
		resp.Choices = append(resp.Choices, model.Choice{Text: answer(c, conf), MeanLogprob: &lp, FinishReason: "stop"})
	}
	resp.Latency = time.Since(start)
	return resp, nil
}

// check executes sql read-only with a one-row cap: "rows", "empty" or "error: ...".
func (b *Backend) check(ctx context.Context, sql string) string {
	res, err := b.exec.Query(ctx, sql, sqlexec.Options{Timeout: b.opts.CheckTimeout, MaxRows: 1})
	switch {
	case err != nil:
		return "error: " + sqlexec.ErrorClass(err)
	case len(res.Rows) == 0:
		return "empty"
	}
	return "rows"
}

func topScore(hits []prompt.Hit) float64 {
	if len(hits) == 0 {
		return 1
	}
	return hits[0].Score
}

// lastTurns returns the request's question and, when the conversation has an earlier
// turn, that turn's question and SQL.
func lastTurns(req model.Request) (question, prevQ, prevSQL string) {
	question = strings.TrimSpace(req.Question)
	if n := len(req.Turns); n > 0 {
		prevQ, prevSQL = strings.TrimSpace(req.Turns[n-1].Question), strings.TrimSpace(req.Turns[n-1].SQL)
	}
	return question, prevQ, prevSQL
}

var followUpStarts = []string{"only", "and ", "now", "what about", "how about", "just", "but", "same", "instead", "also", "for ", "in ", "what if"}

// isFollowUp reports whether question reads as a refinement of the previous one.
func isFollowUp(question string) bool {
	q := strings.ToLower(strings.TrimSpace(question))
	for _, s := range followUpStarts {
		if strings.HasPrefix(q, s) {
			return true
		}
	}
	return len(prompt.Terms(q)) <= 3
}
