// Package planner answers questions through query plans: a planner proposes candidate plans
// over the ontology (a deterministic linker with retrieval, a fine-tuned local model decoding
// the plan text, or a chat model answering in the plan's JSON form), and one chooser checks
// every name, compiles each plan with the one compiler (plan/compile), runs the SQL read-only,
// drops what fails or returns nothing, and votes by result. The answer carries the plan, its
// SQL, a one-line explanation, a confidence from the candidates' scores and agreement, and
// what the question asked that the ontology could not express.
package planner

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
	"github.com/sqlforge/sqlforge/internal/plan/compile"
	"github.com/sqlforge/sqlforge/internal/plan/link"
	"github.com/sqlforge/sqlforge/internal/plan/phrase"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// Planner answers a question with a plan, its SQL and a confidence.
type Planner interface {
	// Name is the model reference, e.g. "plan:knn:out/run/data".
	Name() string
	// Answer plans the question. A question no candidate plan answers returns an Answer
	// with no SQL, a zero confidence and the reasons, and ErrNoPlan.
	Answer(ctx context.Context, question string) (Answer, error)
}

// ErrNoPlan: no candidate plan compiled and returned rows.
var ErrNoPlan = errors.New("no plan answers the question")

// MinScore is the least score a plan needs to be an answer: below it the plan accounts for
// almost nothing the question says (a greeting, a question about something else).
const MinScore = 0.05

// Answer is a question answered through a plan.
type Answer struct {
	Plan        *plan.Plan `json:"plan,omitempty"`
	PlanText    string     `json:"plan_text,omitempty"`
	SQL         string     `json:"sql,omitempty"`
	Explanation string     `json:"explanation,omitempty"`
	// Confidence in [0,1]: the winning plan's score and how much the candidates agree.
	Confidence float64 `json:"confidence"`
	// Missing lists what the question asks that no plan accounts for.
	Missing []string `json:"missing,omitempty"`
	// Rejected are candidates dropped on the way, with the reason (unknown name, does not
	// compile, fails, returns nothing), best first.
	Rejected []Rejection `json:"rejected,omitempty"`
	// Candidates is the number of distinct plans considered.
	Candidates int `json:"candidates"`
	// Raw is what the model said, when a model proposed the plans.
	Raw string `json:"-"`
	// Refined reports that Refine answered by editing the previous plan (false when the
	// follow-up did not fit it and was answered as a new question).
	Refined bool `json:"refined,omitempty"`
}

// Rejection is a candidate plan that was not used.
type Rejection struct {
	Plan   string `json:"plan"`
	Reason string `json:"reason"`
}

// Candidate is a proposed plan with a score in [0,1].
type Candidate struct {
	Plan    *plan.Plan
	Text    string // the plan text as proposed, when it did not parse
	Score   float64
	Missing []string
	// Err is why the proposal is not a plan (a parse error), or nil.
	Err error
}

// Env is what every planner works over: the database, the ontology, the compiler, the
// linker and the words for explanations.
type Env struct {
	DB       *sql.DB
	Ont      *ontology.Ontology
	Compiler *compile.Compiler
	Linker   *link.Linker
	Vocab    *phrase.Vocab
	exec     sqlexec.Executor
	// QueryTimeout bounds each candidate's execution (default 5 s).
	QueryTimeout time.Duration
}

// NewEnv builds the compiler (with the data's latest date), the linker's value index and the
// vocabulary for db and ont.
func NewEnv(ctx context.Context, db *sql.DB, ont *ontology.Ontology, c *compile.Compiler) (*Env, error) {
	if err := c.SetLatest(ctx, db); err != nil {
		return nil, fmt.Errorf("planner: %w", err)
	}
	l, err := link.New(ctx, db, ont, c)
	if err != nil {
		return nil, fmt.Errorf("planner: build the linker: %w", err)
	}
	return &Env{DB: db, Ont: ont, Compiler: c, Linker: l, Vocab: phrase.NewVocab(ont),
		exec: sqlexec.NewSQLite(db), QueryTimeout: 5 * time.Second}, nil
}

// SetExecutor makes the planner run candidates on ex instead of the SQLite executor NewEnv
// wraps around its database: a PostgreSQL database needs its own (sqlexec.OpenPostgres).
func (e *Env) SetExecutor(ex sqlexec.Executor) { e.exec = ex }

// survivor is a candidate whose SQL ran with rows.
type survivor struct {
	c    Candidate
	sql  string
	hash string
}

// Choose compiles and runs the candidates and picks the answer: the result most of the
// score agrees on, and within it the best-scored plan.
func (e *Env) Choose(ctx context.Context, cands []Candidate) (Answer, error) {
	cands = merge(cands)
	ans := Answer{Candidates: len(cands)}
	var ok []survivor
	var none *survivor // the best plan with a threshold that nothing passes: "none" is an answer
	for _, c := range cands {
		if c.Err != nil {
			ans.Rejected = append(ans.Rejected, Rejection{Plan: c.Text, Reason: c.Err.Error()})
			continue
		}
		text := plan.Format(c.Plan)
		q, err := e.Compiler.Compile(c.Plan)
		if err != nil {
			ans.Rejected = append(ans.Rejected, Rejection{Plan: text, Reason: err.Error()})
			continue
		}
		res, err := e.exec.Query(ctx, q, sqlexec.Options{Timeout: e.QueryTimeout, MaxRows: 10000})
		switch {
		case err != nil:
			ans.Rejected = append(ans.Rejected, Rejection{Plan: text, Reason: "the SQL failed: " + err.Error()})
			continue
		case len(res.Rows) == 0:
			if c.Plan.Having != nil && !c.Plan.Count && (none == nil || c.Score > none.c.Score) {
				none = &survivor{c: c, sql: q, hash: resultHash(res)}
			}
			ans.Rejected = append(ans.Rejected, Rejection{Plan: text, Reason: "the SQL returned no rows"})
			continue
		case allNull(res):
			ans.Rejected = append(ans.Rejected, Rejection{Plan: text, Reason: "the SQL returned only NULL (nothing matched)"})
			continue
		}
		ok = append(ok, survivor{c: c, sql: q, hash: resultHash(res)})
	}
	// A plan that accounts for almost nothing of the question is no answer.
	ok = slices.DeleteFunc(ok, func(s survivor) bool {
		if s.c.Score < MinScore {
			ans.Rejected = append(ans.Rejected, Rejection{Plan: plan.Format(s.c.Plan), Reason: fmt.Sprintf("accounts for too little of the question (score %.2f)", s.c.Score)})
			return true
		}
		return false
	})
	if none != nil && none.c.Score >= MinScore && (len(ok) == 0 || none.c.Score >= ok[0].c.Score+noneMargin) {
		// "Which categories had more than 500 units on order?": none did. A plan that reads the
		// whole question, threshold included, beats weaker readings that return rows.
		return e.answer(ans, *none, none.c.Score, 0, none.c.Score+scoreSum(ok)), nil
	}
	if len(ok) == 0 {
		for _, c := range cands {
			ans.Missing = append(ans.Missing, c.Missing...)
		}
		ans.Missing = dedupe(ans.Missing)
		return ans, ErrNoPlan
	}
	groups := map[string]float64{}
	for _, s := range ok {
		groups[s.hash] += s.c.Score
	}
	best := ok[0]
	for _, s := range ok[1:] {
		if groups[s.hash] > groups[best.hash] || (groups[s.hash] == groups[best.hash] && s.c.Score > best.c.Score) {
			best = s
		}
	}
	total, second := 0.0, 0.0
	for h, g := range groups {
		total += g
		if h != best.hash && g > second {
			second = g
		}
	}
	return e.answer(ans, best, groups[best.hash], second, total), nil
}

// noneMargin is how much better than every plan with rows a plan whose threshold nothing
// passes must score to be the answer.
const noneMargin = 0.25

// answer fills ans with the chosen survivor.
func (e *Env) answer(ans Answer, best survivor, agree, second, total float64) Answer {
	ans.Plan, ans.PlanText, ans.SQL = best.c.Plan, plan.Format(best.c.Plan), best.sql
	ans.Explanation = phrase.Explain(best.c.Plan, e.Vocab)
	ans.Missing = best.c.Missing
	ans.Confidence = confidence(best.c.Score, agree, second, total, len(best.c.Missing))
	return ans
}

func scoreSum(ss []survivor) float64 {
	t := 0.0
	for _, s := range ss {
		t += s.c.Score
	}
	return t
}

// confidence: the plan's own score, discounted when other results hold much of the total
// score and for each part of the question left unexplained.
func confidence(score, agree, second, total float64, missing int) float64 {
	if total <= 0 {
		return 0
	}
	margin := (agree - second) / total
	c := score * (0.5 + 0.5*margin) * math.Pow(0.7, float64(missing))
	return math.Round(math.Max(0, math.Min(1, c))*1000) / 1000
}

// merge joins candidates with the same plan (keeping the higher score plus a share of the
// lower: agreement of two proposers is evidence) and sorts them best first.
func merge(cands []Candidate) []Candidate {
	idx := map[string]int{}
	var out []Candidate
	for _, c := range cands {
		key := c.Text
		if c.Plan != nil {
			key = plan.Format(c.Plan)
		}
		if i, ok := idx[key]; ok {
			hi, lo := math.Max(out[i].Score, c.Score), math.Min(out[i].Score, c.Score)
			out[i].Score = math.Min(1, hi+0.25*lo)
			continue
		}
		idx[key] = len(out)
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out
}

func resultHash(r *sqlexec.Result) string {
	var rows []string
	for _, row := range r.Rows {
		var cells []string
		for _, v := range row {
			cells = append(cells, v.String())
		}
		rows = append(rows, strings.Join(cells, "\x1f"))
	}
	sort.Strings(rows)
	sum := sha256.Sum256([]byte(strings.Join(rows, "\x1e")))
	return hex.EncodeToString(sum[:8])
}

// allNull: one row of NULLs, an aggregate over no rows.
func allNull(r *sqlexec.Result) bool {
	if len(r.Rows) != 1 {
		return false
	}
	for _, v := range r.Rows[0] {
		if v.Kind != sqlexec.Null {
			return false
		}
	}
	return true
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
