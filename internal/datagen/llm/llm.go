// Package llm generates question/SQL training pairs with language models and keeps only
// those the database agrees with, as the seed project Azure-Samples/llm-fine-tuning does
// (one model writes business questions from the ontology, another writes the SQL, with its
// reasoning when asked) and as the seed 7B-SQLMaster does for (question, context, SQL)
// triplets over schemas given only as CREATE TABLE statements.
//
// The pipeline runs in stages of independent work units:
//
//  1. questions: one unit per ontology concept and per metric×dimension combination asks
//     the question model for questions in varied styles as JSON; answers are validated and
//     near duplicates (difflib ratio ≥ 0.9, the seed's rule) removed; diversity is reported;
//  2. sql: one unit per question asks the SQL model for k samples (schema, concepts and
//     few-shot examples from the deterministic set in the prompt), runs them, keeps the pair
//     when more than half of the samples return the same rows (its agreement is the quality
//     score), checks the kept SQL with datagen's verifier, and writes the SQL back into a
//     question whose Similarity to the original must reach a threshold;
//  3. triplets: one unit per requested triplet, checked on an in-memory database built from
//     its context.
//
// Every request goes through a response cache and every finished unit into a journal (see
// Store), so a re-run costs nothing and a killed run, restarted, finishes with the same
// result as an uninterrupted one. docs/datagen-llm.md describes the prompts and the rules.
package llm

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/prompt"
	"github.com/sqlforge/sqlforge/internal/schema"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// Version is the pipeline's version, recorded in manifests and in the journal's unit keys:
// bump it when a unit's outcome for the same responses changes.
const Version = "datagen-llm/1"

// The stages, the keys of Report.Usage and of the Progress callback.
const (
	StageQuestions = "questions"
	StageSQL       = "sql"
	StageBack      = "back_translation"
	StageTriplets  = "triplets"
)

// Options configure Run. Questions (the backend) is required, and Store.
type Options struct {
	// QuestionModel writes questions, back-translations and triplets.
	QuestionModel model.Backend
	// SQLModel writes SQL; nil means QuestionModel.
	SQLModel model.Backend
	// QuestionModelName and SQLModelName are the model names used for pricing and for the
	// records' Source ("llm:NAME"); empty means the backends' Name.
	QuestionModelName, SQLModelName string
	// Store is the response cache and work journal.
	Store *Store
	// Questions is the number of questions to ask for (rounded up to whole units); 0 skips
	// the question and SQL stages.
	Questions int
	// PerUnit is the number of questions asked per unit (default 4).
	PerUnit int
	// K is the number of SQL samples per question (default 3).
	K int
	// Reasoning asks the SQL model for its reasoning before "###final_sql_query:" and keeps
	// it in the records.
	Reasoning bool
	// Examples are the deterministic records the few-shot examples are retrieved from.
	Examples []dataset.Record
	// Shots is the number of few-shot examples per SQL prompt (default 3).
	Shots int
	// NoBackTranslation turns the back-translation filter off.
	NoBackTranslation bool
	// BackThreshold is the least Similarity a back-translation must reach (default
	// DefaultBackThreshold).
	BackThreshold float64
	// NearThreshold is the question near-duplicate ratio (default dataset.DefaultNearThreshold).
	NearThreshold float64
	// Triplets is the number of (question, context, SQL) triplets to request.
	Triplets int
	// DDL, when set, is the schema context every triplet must use (a schema given only as
	// CREATE TABLE statements); otherwise the model writes one per triplet, as the seed does.
	DDL string
	// DB names the database in the records.
	DB string
	// Workers is the number of units in flight (default 4); the backends' own concurrency
	// limits still apply.
	Workers int
	// RPM limits the requests sent per minute and backend (0: no limit).
	RPM float64
	// Now and Sleep drive the rate limit (defaults: the clock and a timer).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Progress, when set, is called as units finish.
	Progress func(stage string, done, total int)
}

// Result is what Run produced.
type Result struct {
	// Pairs are the kept pairs, questions first then triplets, in unit order.
	Pairs []Pair
	// Rejected are the pairs not kept, with their reasons, in unit order.
	Rejected []Rejection
	// Questions are the questions kept after validation and near-duplicate removal.
	Questions []Question
	// Report summarises the run (stable across re-runs: it goes into the manifest).
	Report Report
	// Run says what this run itself sent and found in the cache.
	Run RunStats

	calls map[string]Tokens // "STAGE/REQUEST-KEY" of every request used
}

// use records the requests a unit used.
func (r *Result) use(calls map[string]Tokens) {
	if r.calls == nil {
		r.calls = map[string]Tokens{}
	}
	for k, t := range calls {
		r.calls[k] = t
	}
}

// Records returns the kept pairs as dataset records.
func (r *Result) Records() []dataset.Record {
	out := make([]dataset.Record, len(r.Pairs))
	for i := range r.Pairs {
		out[i] = r.Pairs[i].Record
	}
	return out
}

// pipeline is one Run's state.
type pipeline struct {
	opts                  Options
	db                    *sql.DB
	exec                  sqlexec.Executor
	ont                   *ontology.Ontology
	schema                *schema.Schema
	builder               *prompt.Builder
	questionCall, sqlCall *caller
	source                string
	resumed               atomic.Int64
}

func (o *Options) defaults() error {
	if o.QuestionModel == nil {
		return errors.New("llm generation: no question model")
	}
	if o.Store == nil {
		return errors.New("llm generation: no cache store")
	}
	if o.SQLModel == nil {
		o.SQLModel = o.QuestionModel
	}
	if o.QuestionModelName == "" {
		o.QuestionModelName = o.QuestionModel.Name()
	}
	if o.SQLModelName == "" {
		o.SQLModelName = o.SQLModel.Name()
	}
	if o.PerUnit <= 0 {
		o.PerUnit = 4
	}
	if o.K <= 0 {
		o.K = 3
	}
	if o.Shots == 0 {
		o.Shots = 3
	}
	if o.BackThreshold == 0 {
		o.BackThreshold = DefaultBackThreshold
	}
	if o.NearThreshold == 0 {
		o.NearThreshold = dataset.DefaultNearThreshold
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	return nil
}

// Run generates pairs from the ontology o over db (whose schema is sch) and triplets, as
// opts says. db, o and sch may be nil when only triplets are asked for. It stops at the
// first error that is not one unit's failure: ctx done, or the store cannot be written.
func Run(ctx context.Context, db *sql.DB, o *ontology.Ontology, sch *schema.Schema, opts Options) (*Result, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	if opts.Questions > 0 && (db == nil || o == nil || sch == nil) {
		return nil, errors.New("llm generation: questions need a database, its schema and an ontology")
	}
	p := &pipeline{opts: opts, db: db, ont: o, schema: sch, source: "llm:" + opts.SQLModelName}
	lim := newLimiter(opts.RPM, opts.Now, opts.Sleep)
	p.questionCall = &caller{b: opts.QuestionModel, store: opts.Store, limiter: lim}
	p.sqlCall = p.questionCall
	if opts.SQLModel != opts.QuestionModel {
		p.sqlCall = &caller{b: opts.SQLModel, store: opts.Store, limiter: newLimiter(opts.RPM, opts.Now, opts.Sleep)}
	}
	if db != nil {
		p.exec = sqlexec.NewSQLite(db)
	}
	if sch != nil {
		var shots []prompt.Example
		for _, r := range opts.Examples {
			shots = append(shots, prompt.Example{Question: r.Question, SQL: r.SQL, Reasoning: r.Reasoning})
		}
		p.builder = &prompt.Builder{Schema: sch, Ontology: o, Examples: prompt.NewIndex(shots),
			Options: prompt.Options{LinkTables: false, Shots: opts.Shots, Reasoning: opts.Reasoning}}
	}
	res := &Result{Report: newReport(opts)}
	if opts.Questions > 0 {
		if err := p.questionsAndSQL(ctx, res); err != nil {
			return nil, err
		}
	}
	if opts.Triplets > 0 {
		keys := make([]string, opts.Triplets)
		for i := range keys {
			keys[i] = unitKey(StageTriplets, p.questionCall.b.Name(), requestKey("", model.Request{Messages: tripletMessages(i, opts.DDL)}), i, opts.NoBackTranslation, opts.BackThreshold)
		}
		outs, fails, err := runUnits(ctx, p, StageTriplets, keys, p.tripletUnit)
		if err != nil {
			return nil, err
		}
		res.Report.Triplets.Requested = opts.Triplets
		for i, out := range outs {
			if fails[i] != "" {
				out.Rejected = &Rejection{Reason: RejectRequestFailed, Detail: fails[i], Source: p.source}
			}
			if out.Pair != nil {
				res.Report.Triplets.Kept++
			}
			res.add(out)
		}
	}
	res.finish(p)
	return res, nil
}

// questionsAndSQL runs the question stage, removes near duplicates and runs the SQL stage.
func (p *pipeline) questionsAndSQL(ctx context.Context, res *Result) error {
	units := questionUnits(p.ont, p.opts.PerUnit, (p.opts.Questions+p.opts.PerUnit-1)/p.opts.PerUnit)
	type qOut struct {
		Questions []Question        `json:"questions"`
		Invalid   map[string]int    `json:"invalid"`
		Usage     map[string]Tokens `json:"usage"`
	}
	keys := make([]string, len(units))
	for i, u := range units {
		keys[i] = unitKey(StageQuestions, requestKey(p.questionCall.b.Name(), p.questionRequest(u)))
	}
	outs, fails, err := runUnits(ctx, p, StageQuestions, keys, func(ctx context.Context, i int) (qOut, error) {
		out := qOut{Invalid: map[string]int{}, Usage: map[string]Tokens{}}
		texts, err := p.questionCall.generate(ctx, p.questionRequest(units[i]), StageQuestions, out.Usage)
		if err != nil {
			return out, err
		}
		text := ""
		if len(texts) > 0 {
			text = texts[0]
		}
		out.Questions = parseQuestions(text, units[i], out.Invalid)
		return out, nil
	})
	if err != nil {
		return err
	}
	qr := &res.Report.Questions
	qr.Units = len(units)
	var all []Question
	for i, out := range outs {
		if fails[i] != "" {
			qr.Invalid[RejectRequestFailed]++
		}
		for r, n := range out.Invalid {
			qr.Invalid[r] += n
		}
		res.use(out.Usage)
		qr.Generated += len(out.Questions)
		all = append(all, out.Questions...)
	}
	kept, removed := dedupeQuestions(all, p.opts.NearThreshold)
	qr.Invalid[InvalidDuplicate] += removed
	qr.Kept = len(kept)
	res.Questions = kept
	res.Report.Diversity = diversity(kept)

	// The SQL prompt is a function of the question and of what the key's context hashes; it
	// is rendered inside the unit, in parallel, and not at all for journaled units.
	keys = make([]string, len(kept))
	ctxHash := p.contextHash()
	for i, q := range kept {
		keys[i] = unitKey(StageSQL, q, p.sqlCall.b.Name(), p.questionCall.b.Name(), ctxHash,
			p.opts.K, p.opts.Reasoning, p.opts.NoBackTranslation, p.opts.BackThreshold)
	}
	souts, sfails, err := runUnits(ctx, p, StageSQL, keys, func(ctx context.Context, i int) (pairOut, error) {
		return p.sqlUnit(ctx, kept[i], p.sqlMessages(kept[i]))
	})
	if err != nil {
		return err
	}
	for i, out := range souts {
		if sfails[i] != "" {
			q := kept[i]
			out.Rejected = &Rejection{Question: q.Text, Style: q.Style, Concepts: q.Concepts, Reason: RejectRequestFailed, Detail: sfails[i], Source: p.source}
		}
		res.add(out)
	}
	return nil
}

func (p *pipeline) questionRequest(u questionUnit) model.Request {
	temp, seed := 1.0, 1
	return model.Request{Messages: u.messages(p.ont), Temperature: &temp, Seed: &seed}
}

// concept describes the ontology concept called name for the SQL prompt, as the prompt
// package describes the concepts a question mentions.
func (p *pipeline) concept(name string) (prompt.Concept, bool) {
	if m := p.ont.Metric(name); m != nil {
		return prompt.Concept{Kind: "metric", Name: m.Name, Description: m.Description, Definition: m.Formula}, true
	}
	if d := p.ont.Dimension(name); d != nil {
		return prompt.Concept{Kind: "dimension", Name: d.Name, Description: d.Description, Definition: d.SQL()}, true
	}
	if e := p.ont.Entity(name); e != nil {
		return prompt.Concept{Kind: "entity", Name: e.Name, Description: e.Description,
			Definition: fmt.Sprintf("tables %s", strings.Join(e.Tables, ", "))}, true
	}
	return prompt.Concept{}, false
}

// contextHash hashes what the SQL prompts are made of besides the question: the schema,
// the ontology, the few-shot examples and the prompt options.
func (p *pipeline) contextHash() string {
	var ex []string
	for _, r := range p.opts.Examples {
		ex = append(ex, r.Question, r.SQL, r.Reasoning)
	}
	return unitKey(p.schema.Hash(), p.ont, ex, p.builder.Options, teacherSQL, teacherReasoning)
}

// unitKey hashes a unit's inputs with the pipeline version.
func unitKey(parts ...any) string {
	b, _ := json.Marshal(append([]any{Version}, parts...))
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// runUnits runs work for every unit not yet in the journal, opts.Workers at a time, and
// journals each outcome. Outcomes come back in unit order. A unit whose model request
// failed after the client's retries is reported in fails (and not journaled, so a re-run
// tries it again); any other error stops the run.
func runUnits[T any](ctx context.Context, p *pipeline, stage string, keys []string, work func(context.Context, int) (T, error)) ([]T, []string, error) {
	outs := make([]T, len(keys))
	fails := make([]string, len(keys))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		mu   sync.Mutex
		done int
		wg   sync.WaitGroup
	)
	report := func() {
		mu.Lock()
		done++
		d := done
		mu.Unlock()
		if p.opts.Progress != nil {
			p.opts.Progress(stage, d, len(keys))
		}
	}
	sem := make(chan struct{}, p.opts.Workers)
	for i, key := range keys {
		if ok, err := p.opts.Store.unit(key, &outs[i]); err != nil {
			return nil, nil, err
		} else if ok {
			p.resumed.Add(1)
			report()
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out, err := work(ctx, i)
			switch {
			case err != nil && isStop(ctx, err):
				cancel(err)
				return
			case err != nil:
				fails[i] = describe(err)
			default:
				if err := p.opts.Store.putUnit(key, out); err != nil {
					cancel(err)
					return
				}
			}
			outs[i] = out
			report()
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, nil, fmt.Errorf("llm generation, %s stage: %w", stage, err)
	}
	return outs, fails, nil
}

// add files one unit's outcome.
func (r *Result) add(out pairOut) {
	r.use(out.Usage)
	switch {
	case out.Pair != nil:
		r.Pairs = append(r.Pairs, *out.Pair)
	case out.Rejected != nil:
		r.Rejected = append(r.Rejected, *out.Rejected)
		r.Report.Rejected[out.Rejected.Reason]++
	}
}
