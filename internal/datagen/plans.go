package datagen

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
	"github.com/sqlforge/sqlforge/internal/plan/compile"
	"github.com/sqlforge/sqlforge/internal/plan/phrase"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// PlanVersion is the plan generator's version, recorded in manifests.
const PlanVersion = "datagen-plans/1"

// RejectTie: a top/bottom-k plan whose cut-off falls inside a tie (its answer would depend on
// how ties are broken).
const RejectTie = "tie_at_limit"

// GeneratePlans builds opts.Size verified pairs from query plans: it samples plans over the
// ontology feature by feature (planFeatures), compiles each with the one plan compiler,
// verifies the SQL on the database like Generate does, and phrases each plan as analysts
// write questions. Every record carries its plan (text and JSON) and the compiled SQL.
func GeneratePlans(ctx context.Context, db *sql.DB, ont *ontology.Ontology, opts Options) ([]dataset.Record, Stats, error) {
	opts = withDefaults(opts)
	if opts.Dialect == nil {
		d, err := DialectFor(ont.Dialect)
		if err != nil {
			return nil, Stats{}, fmt.Errorf("generate plans from ontology %s: %w", ont.Name, err)
		}
		opts.Dialect = d
	}
	c := compile.New(ont, opts.Dialect) // renders the ontology for the dialect
	ont = c.Ont
	w, err := buildPlanWorld(ctx, db, ont, c)
	if err != nil {
		return nil, Stats{}, fmt.Errorf("generate plans from ontology %s: %w", ont.Name, err)
	}
	st := Stats{Rejected: map[string]int{}, Hardness: map[string]int{}, Shape: map[string]int{}, Skipped: w.skipped}
	v, err := newVerifier(ctx, db, opts.Dialect.Name() == "sqlite", opts.QueryTimeout)
	if err != nil {
		return nil, st, err
	}
	defer v.close()
	pg := &planGen{w: w, v: v, vocab: phrase.NewVocab(ont), opts: opts, st: &st,
		r: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x91a4_5eed)), seenSQL: map[string]bool{}, seenQ: map[string]bool{}}
	// Round-robin over the features, weighted, so each one appears however small Size is.
	var order []int
	for i, f := range planFeatures {
		for range f.weight {
			order = append(order, i)
		}
	}
	// The first rounds take each feature in turn (Phrasings records each); warm counts them.
	// A feature the ontology cannot give (segments, when it has none) is skipped after
	// many misses in a row rather than ending the generation.
	misses, warm, warmRounds := 0, 0, len(planFeatures)*opts.Phrasings
	for len(pg.recs) < opts.Size && misses < 50*len(order) {
		if err := ctx.Err(); err != nil {
			return nil, st, err
		}
		if err := v.stopped(); err != nil {
			return nil, st, err
		}
		f := planFeatures[order[pg.r.IntN(len(order))]]
		if warm < warmRounds {
			f = planFeatures[warm/opts.Phrasings]
		}
		if pg.add(ctx, f) {
			misses = 0
			warm++
			if opts.Progress != nil {
				opts.Progress(len(pg.recs), opts.Size)
			}
		} else {
			misses++
			if warm < warmRounds && misses >= 5*len(order) {
				warm, misses = (warm/opts.Phrasings+1)*opts.Phrasings, 0
			}
		}
	}
	st.Pairs = len(pg.recs)
	return pg.recs, st, nil
}

func withDefaults(opts Options) Options {
	if opts.Size <= 0 {
		opts.Size = 1000
	}
	if opts.Phrasings <= 0 {
		opts.Phrasings = 3
	}
	if opts.DB == "" {
		opts.DB = "northwind"
	}
	return opts
}

type planGen struct {
	w       *planWorld
	v       *verifier
	vocab   *phrase.Vocab
	opts    Options
	st      *Stats
	r       *rand.Rand
	recs    []dataset.Record
	seenSQL map[string]bool
	seenQ   map[string]bool
}

// add samples one plan of feature f and keeps its phrasings when it verifies.
func (pg *planGen) add(ctx context.Context, f planFeature) bool {
	w := pg.w
	pm := w.metrics[pg.r.IntN(len(w.metrics))]
	p := f.build(ctx, pg.r, w, pm)
	if p == nil {
		return false
	}
	q, err := w.c.Compile(p)
	if err != nil {
		pg.st.Rejected["compile"]++
		return false
	}
	key := sqlparse.Normalize(q)
	if pg.seenSQL[key] {
		return false
	}
	pg.seenSQL[key] = true
	pg.st.Candidates++
	c := &candidate{sql: q, shape: f.name, ordered: p.Order != nil || p.Rank || p.Running || p.Per != "",
		single: len(p.GroupBy) == 0 && p.Per == ""}
	res := pg.v.verify(ctx, c)
	if res.reject == "" && p.Limit > 0 && !p.Ties && pg.tied(ctx, p, res.rows) {
		res.reject = RejectTie
	}
	if res.reject != "" {
		pg.st.Rejected[res.reject]++
		if res.err != nil && len(pg.st.FirstErrors) < 5 {
			pg.st.FirstErrors = append(pg.st.FirstErrors, fmt.Sprintf("%v: %s", res.err, q))
		}
		return false
	}
	h, err := sqlparse.Hardness(q)
	if err != nil {
		pg.st.Rejected[RejectHardness]++
		return false
	}
	text := plan.Format(p)
	js, err := json.Marshal(p)
	if err != nil {
		return false
	}
	group := groupID(q)
	kept := 0
	for _, question := range phrase.Questions(pg.r, p, pg.vocab, pg.opts.Phrasings) {
		k := dataset.NormalizeQuestion(question)
		if pg.seenQ[k] || len(pg.recs) >= pg.opts.Size {
			continue
		}
		pg.seenQ[k] = true
		rec := dataset.Record{ID: dataset.RecordID(question, q), Question: question, SQL: q, Group: group, DB: pg.opts.DB,
			Hardness: h, Shape: f.name, Concepts: concepts(p), Source: "plan", Rows: res.rows, ResultHash: res.hash,
			PlanText: text, Plan: js}
		if pg.opts.Reasoning {
			rec.Reasoning = "Plan: " + phrase.Explain(p, pg.vocab) + ". The plan compiles to the SQL through the ontology's formulas and join paths."
		}
		pg.recs = append(pg.recs, rec)
		pg.st.Hardness[h]++
		pg.st.Shape[f.name]++
		kept++
	}
	if kept == 0 {
		pg.st.Rejected[RejectNoPhrasing]++
		return false
	}
	pg.st.Queries++
	return true
}

// tied says whether keeping ties at the cut-off would return more rows than the limit does.
func (pg *planGen) tied(ctx context.Context, p *plan.Plan, rows int) bool {
	t := *p
	t.Ties = true
	q, err := pg.w.c.Compile(&t)
	if err != nil {
		return true
	}
	all, _, err := pg.v.query(ctx, pg.v.conn, q)
	return err != nil || len(all) != rows
}

// concepts lists the ontology names a plan uses.
func concepts(p *plan.Plan) []string {
	out := append([]string(nil), p.Measures...)
	for _, g := range p.GroupBy {
		out = append(out, g.Dim)
	}
	if p.Per != "" {
		out = append(out, p.Per)
	}
	for _, f := range p.Filters {
		out = append(out, f.Dim)
	}
	out = append(out, p.Segments...)
	if s := p.Share; s != nil {
		for _, f := range s.Filters {
			out = append(out, f.Dim)
		}
		out = append(out, s.Segments...)
	}
	return out
}
