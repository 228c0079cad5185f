package llm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/datagen"
	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/match"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/prompt"
	"github.com/sqlforge/sqlforge/internal/schema"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// Reasons a question/SQL pair is rejected, the keys of Report.Rejected and the reason field
// of rejected.jsonl.
const (
	RejectMalformed       = "malformed"        // no sample held SQL
	RejectNotReadOnly     = "not_read_only"    // every SQL sample writes or is not one statement
	RejectSQLError        = "sql_error"        // no sample ran
	RejectEmpty           = "empty"            // the samples that ran returned no rows
	RejectNoMajority      = "no_majority"      // no result was returned by more than half of the k samples
	RejectUnverified      = "unverified"       // the majority SQL fails datagen's checks (row order, row count, NULLs)
	RejectBackTranslation = "back_translation" // the SQL, written back as a question, asks something else
	RejectBackMalformed   = "back_translation_malformed"
	RejectRequestFailed   = "request_failed" // the model could not be reached after retries
	RejectBadContext      = "bad_context"    // a triplet's CREATE TABLE context does not build
)

// ShapeLLM is the Shape of records the LLM pipeline writes.
const ShapeLLM = "llm"

// Pair is a kept question/SQL pair with its verification scores (a line of llm_pairs.jsonl).
type Pair struct {
	dataset.Record
	// Style is the question style requested.
	Style string `json:"style,omitempty"`
	// Agreement is the quality score: the share of the k samples whose result matches the
	// kept SQL's result (1 for triplets, which have no data to run on).
	Agreement float64 `json:"agreement"`
	// Samples is k, the number of SQL samples compared.
	Samples int `json:"samples"`
	// BackQuestion is the question the model wrote back from the SQL, and BackSimilarity its
	// Similarity to Question.
	BackQuestion   string  `json:"back_question,omitempty"`
	BackSimilarity float64 `json:"back_similarity,omitempty"`
}

// Rejection is a pair that was not kept, with the reason (a line of rejected.jsonl).
type Rejection struct {
	Question  string   `json:"question"`
	Style     string   `json:"style,omitempty"`
	Concepts  []string `json:"concepts,omitempty"`
	Context   string   `json:"context,omitempty"`
	Reason    string   `json:"reason"`
	Detail    string   `json:"detail,omitempty"`
	SQL       []string `json:"sql,omitempty"`
	Agreement float64  `json:"agreement,omitempty"`
	Source    string   `json:"source"`
}

// pairOut is the journaled outcome of one SQL or triplet unit.
type pairOut struct {
	Pair     *Pair      `json:"pair,omitempty"`
	Rejected *Rejection `json:"rejected,omitempty"`
	// Usage is the usage of each request the unit used, keyed by "STAGE/REQUEST-KEY", so a
	// request two units share is counted once.
	Usage map[string]Tokens `json:"usage"`
}

// sample is one SQL answer and what running it gave.
type sample struct {
	sql, reasoning string
	status         string // "ok" or a Reject reason
	detail         string
	res            *sqlexec.Result
}

const teacherSQL = "\n\nAnswer with one read-only SQLite query in a ```sql block."
const teacherReasoning = "\n\nFirst explain your reasoning step by step: the concepts, tables, joins, filters and " +
	"grouping. Then write " + prompt.FinalSQLMarker + " on its own line, followed by the SQL only."

// sqlMessages renders the SQL prompt: the prompt package's system message (the whole
// schema, as the seed gives it, the concepts it mentions and those it was written for), few-shot examples
// from the deterministic set, and the question.
func (p *pipeline) sqlMessages(q Question) []model.Message {
	in := p.builder.Build(q.Text, nil)
	have := map[string]bool{}
	for _, c := range in.Concepts {
		have[c.Name] = true
	}
	for _, name := range q.Concepts {
		if c, ok := p.concept(name); ok && !have[name] {
			in.Concepts = append(in.Concepts, c)
		}
	}
	msgs := prompt.Messages(in)
	if p.opts.Reasoning {
		msgs[0].Content += teacherReasoning
	} else {
		msgs[0].Content += teacherSQL
	}
	return msgs
}

// sampleSQL asks the SQL model for k answers: n=k in one request, topped up with further
// requests (another seed) when a server returns fewer choices than asked (Ollama returns one).
func (p *pipeline) sampleSQL(ctx context.Context, msgs []model.Message, use map[string]Tokens) ([]string, error) {
	k := p.opts.K
	temp := 0.0
	if k > 1 {
		temp = 0.7
	}
	var texts []string
	for seed := 1; len(texts) < k && seed <= k; seed++ {
		s := seed
		req := model.Request{Messages: msgs, N: k - len(texts), Temperature: &temp, Seed: &s}
		out, err := p.sqlCall.generate(ctx, req, StageSQL, use)
		if err != nil {
			return nil, err
		}
		texts = append(texts, out[:min(len(out), k-len(texts))]...)
	}
	return texts, nil
}

// runSample extracts and runs one answer.
func (p *pipeline) runSample(ctx context.Context, text string) sample {
	sql, reasoning := model.ExtractSQL(text)
	s := sample{sql: sql, reasoning: reasoning}
	if sql == "" {
		s.status = RejectMalformed
		return s
	}
	if err := sqlparse.IsReadOnly(sql); err != nil {
		s.status, s.detail = RejectNotReadOnly, describe(err)
		return s
	}
	res, err := p.exec.Query(ctx, sql, sqlexec.Options{Timeout: 10 * time.Second, MaxRows: datagen.MaxRows + 1})
	switch {
	case err != nil:
		s.status, s.detail = RejectSQLError, describe(err)
	case len(res.Rows) == 0:
		s.status = RejectEmpty
	default:
		s.status, s.res = "ok", res
	}
	return s
}

// majority groups the samples that returned rows by result (match.Spider: multisets of
// rows, order when the SQL orders) and returns the first sample of the largest group and the
// group's size; -1 when no sample returned rows.
func majority(samples []sample) (best, size int) {
	type cluster struct{ rep, n int }
	var cs []cluster
	for i, s := range samples {
		if s.status != "ok" {
			continue
		}
		found := false
		for c := range cs {
			r := samples[cs[c].rep]
			if match.Compare(match.Spider, r.res, s.res, match.Info{GoldSQL: r.sql}).Match {
				cs[c].n++
				found = true
				break
			}
		}
		if !found {
			cs = append(cs, cluster{rep: i, n: 1})
		}
	}
	best = -1
	for _, c := range cs {
		if c.n > size {
			best, size = c.rep, c.n
		}
	}
	return best, size
}

// failure names why no sample was kept, from the samples' statuses: the most advanced stage
// any sample reached.
func failure(samples []sample) (string, string) {
	for _, st := range []string{"ok", RejectEmpty, RejectSQLError, RejectNotReadOnly} {
		for _, s := range samples {
			if s.status == st {
				if st == "ok" {
					return RejectNoMajority, ""
				}
				return st, s.detail
			}
		}
	}
	return RejectMalformed, "no SQL in any answer"
}

// sqlUnit writes, verifies and back-translates the SQL of one question.
func (p *pipeline) sqlUnit(ctx context.Context, q Question, msgs []model.Message) (pairOut, error) {
	out := pairOut{Usage: map[string]Tokens{}}
	texts, err := p.sampleSQL(ctx, msgs, out.Usage)
	if err != nil {
		return out, err
	}
	samples := make([]sample, len(texts))
	var sqls []string
	for i, t := range texts {
		samples[i] = p.runSample(ctx, t)
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if samples[i].sql != "" {
			sqls = append(sqls, samples[i].sql)
		}
	}
	reject := func(reason, detail string, agreement float64) (pairOut, error) {
		out.Rejected = &Rejection{Question: q.Text, Style: q.Style, Concepts: q.Concepts, Reason: reason,
			Detail: detail, SQL: sqls, Agreement: round4(agreement), Source: p.source}
		return out, nil
	}
	best, size := majority(samples)
	k := p.opts.K
	if best < 0 || 2*size <= k {
		reason, detail := failure(samples)
		if best >= 0 {
			detail = fmt.Sprintf("largest group of equal results: %d of %d samples", size, k)
		}
		return reject(reason, detail, float64(max(size, 0))/float64(k))
	}
	agreement := float64(size) / float64(k)
	chosen := samples[best]
	sql := oneLine(chosen.sql)
	single := len(chosen.res.Rows) == 1 && len(chosen.res.Columns) == 1
	rows, hash, err := datagen.Verify(ctx, p.db, sql, sqlparse.OuterOrderBy(sql), single)
	if err != nil {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		// datagen reports a run that is not kept as "rejected: REASON".
		_, why, _ := strings.Cut(err.Error(), "rejected: ")
		return reject(RejectUnverified, why, agreement)
	}
	pair := &Pair{Style: q.Style, Agreement: round4(agreement), Samples: k}
	if !p.opts.NoBackTranslation {
		back, err := p.backTranslate(ctx, sql, "", out.Usage)
		if err != nil {
			return out, err
		}
		if back == "" {
			return reject(RejectBackMalformed, "no question in the answer", agreement)
		}
		pair.BackQuestion, pair.BackSimilarity = back, round4(Similarity(q.Text, back))
		if pair.BackSimilarity < p.opts.BackThreshold {
			return reject(RejectBackTranslation, fmt.Sprintf("similarity %.2f < %.2f to %q", pair.BackSimilarity, p.opts.BackThreshold, back), agreement)
		}
	}
	hardness, _ := sqlparse.Hardness(sql)
	tables, _ := sqlparse.Tables(sql)
	pair.Record = dataset.Record{ID: dataset.RecordID(q.Text, sql), Question: q.Text, SQL: sql, Group: groupID(sql),
		DB: p.opts.DB, Hardness: hardness, Shape: ShapeLLM, Concepts: q.Concepts, Tables: tables, Source: p.source,
		Rows: rows, ResultHash: hash}
	if p.opts.Reasoning {
		pair.Reasoning = strings.TrimSpace(chosen.reasoning)
	}
	out.Pair = pair
	return out, nil
}

// BackSystemPrompt opens every back-translation request.
const BackSystemPrompt = "You explain SQL queries as the business question they answer."

// backTranslate asks the question model which question sql answers; "" when the answer
// holds none. ddl, when set, is the schema context (triplets); otherwise the tables the SQL
// reads are rendered from the database schema.
func (p *pipeline) backTranslate(ctx context.Context, sql, ddl string, use map[string]Tokens) (string, error) {
	if ddl == "" && p.schema != nil {
		tables, _ := sqlparse.Tables(sql)
		ddl = schema.CreateTable(p.schema, schema.CreateOptions{Tables: tables})
	}
	user := fmt.Sprintf("Schema:\n%s\n\nSQL:\n%s\n\nWrite the one question, in plain business English, that this query answers. "+
		"Return only a JSON object: {\"question\": \"...\"}", strings.TrimSpace(ddl), sql)
	temp, seed := 0.0, 1
	texts, err := p.questionCall.generate(ctx, model.Request{Messages: []model.Message{
		{Role: model.RoleSystem, Content: BackSystemPrompt}, {Role: model.RoleUser, Content: user}},
		Temperature: &temp, Seed: &seed}, StageBack, use)
	if err != nil {
		return "", err
	}
	if len(texts) == 0 {
		return "", nil
	}
	var doc struct {
		Question string `json:"question"`
	}
	raw, ok := jsonPart(texts[0])
	if !ok || json.Unmarshal([]byte(raw), &doc) != nil {
		return "", nil
	}
	return strings.Join(strings.Fields(doc.Question), " "), nil
}

// groupID is datagen's group of a query: the hash of its normalised SQL, so an LLM pair
// whose SQL a template also wrote lands in the template's group.
func groupID(sql string) string {
	sum := sha256.Sum256([]byte(sqlparse.Normalize(sql)))
	return hex.EncodeToString(sum[:8])
}

// oneLine collapses runs of white space outside quotes into one space and drops
// comments (sqlparse.Squeeze), as records store SQL on one line: a line comment would
// swallow the rest of a one-line query.
func oneLine(sql string) string {
	return sqlparse.Squeeze(sql, func(t sqlparse.Token) bool { return t.Kind != sqlparse.Comment })
}
