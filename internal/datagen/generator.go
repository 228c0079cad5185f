// Package datagen generates question/SQL training pairs from a business ontology and a
// database, deterministically and with no model in the loop: it composes metrics,
// dimensions, filters and periods into query shapes (single values, groupings, top-k,
// window rankings, shares, period-over-period growth, HAVING, nested subqueries, CTEs,
// EXISTS, CASE buckets, set operations, entity lookups), phrases each query several ways,
// and keeps a pair only when its SQL runs on the database, returns rows and returns the
// same rows whatever order the engine scans in. docs/datagen.md describes the shapes, the
// phrasing and the rules.
package datagen

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/dialect"
	"github.com/sqlforge/sqlforge/internal/dialect/dialects"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// Version is the generator's version, recorded in manifests; bump it when the output for a
// given seed changes.
const Version = "datagen/1"

// Options tune Generate. The zero value (with Size set) is usable.
type Options struct {
	// Seed drives every random choice: same seed, database and ontology, same output.
	Seed uint64
	// Size is the number of pairs to generate (default 1000).
	Size int
	// Reasoning fills Record.Reasoning with a short explanation of each query.
	Reasoning bool
	// DB names the database in the records (default "northwind").
	DB string
	// Dialect writes the engine-specific SQL (default: by the ontology's dialect, SQLite).
	Dialect dialect.Dialect
	// Workers is the number of verification connections (default 2).
	Workers int
	// Phrasings is the most questions per query (default 3; at least 1).
	Phrasings int
	// Progress, when set, is called as pairs are kept, with the target Size as total.
	Progress func(done, total int)
	// QueryTimeout bounds each verification query (default DefaultQueryTimeout); a query
	// that runs longer is rejected ("timeout"), and several in a row stop the generation.
	QueryTimeout time.Duration
}

// Stats says what Generate did.
type Stats struct {
	// Candidates is the number of distinct queries built.
	Candidates int `json:"candidates"`
	// Queries is the number of queries kept after verification.
	Queries int `json:"queries"`
	// Pairs is the number of records returned.
	Pairs int `json:"pairs"`
	// Rejected counts queries dropped, by reason (see the Reject constants).
	Rejected map[string]int `json:"rejected"`
	// Hardness and Shape count the returned records.
	Hardness map[string]int `json:"hardness"`
	Shape    map[string]int `json:"shape"`
	// Skipped lists ontology concepts that could not be used (their probe query failed).
	Skipped []string `json:"skipped,omitempty"`
	// FirstErrors holds the first few execution errors, for diagnosis.
	FirstErrors []string `json:"first_errors,omitempty"`
}

// candidate is one query with its phrasings, before verification.
type candidate struct {
	sql       string
	shape     string
	concepts  []string
	tables    []string
	questions []string
	reasoning string
	// ordered says the outer query has an ORDER BY (the result hash keeps row order).
	ordered bool
	// single says the query returns one value (all-NULL results are rejected).
	single   bool
	hardness string
}

// DialectFor returns the dialect of an ontology's "dialect" field (dialects.For).
func DialectFor(name string) (dialect.Dialect, error) { return dialects.For(name) }

// Generate builds opts.Size verified question/SQL pairs (fewer when the ontology cannot
// yield that many distinct queries) from ont over db.
func Generate(ctx context.Context, db *sql.DB, ont *ontology.Ontology, opts Options) ([]dataset.Record, Stats, error) {
	opts = withDefaults(opts)
	if opts.Workers <= 0 {
		opts.Workers = 2
	}
	if opts.Dialect == nil {
		d, err := DialectFor(ont.Dialect)
		if err != nil {
			return nil, Stats{}, fmt.Errorf("generate from ontology %s: %w", ont.Name, err)
		}
		opts.Dialect = d
	}
	w, err := buildWorld(ctx, db, ont, opts.Dialect)
	if err != nil {
		return nil, Stats{}, fmt.Errorf("generate from ontology %s: %w", ont.Name, err)
	}
	g := newGen(ctx, db, w, opts)
	st := Stats{Rejected: map[string]int{}, Hardness: map[string]int{}, Shape: map[string]int{}, Skipped: w.skipped}
	verifiers := make([]*verifier, opts.Workers)
	for i := range verifiers {
		v, err := newVerifier(ctx, db, w.d.Name() == "sqlite", opts.QueryTimeout)
		if err != nil {
			return nil, st, err
		}
		defer v.close()
		verifiers[i] = v
	}
	var recs []dataset.Record
	seenQ := map[string]bool{}
	stalls := 0
	for len(recs) < opts.Size && stalls < 3 {
		if err := ctx.Err(); err != nil {
			return nil, st, err
		}
		for _, v := range verifiers {
			if err := v.stopped(); err != nil {
				return nil, st, err
			}
		}
		need := (opts.Size - len(recs) + opts.Phrasings - 1) / opts.Phrasings * 5 / 4
		batch := g.batch(max(need, 64), opts.Size, &st)
		if len(batch) == 0 {
			stalls++
			continue
		}
		results := verifyAll(ctx, verifiers, batch)
		before := len(recs)
		for i, c := range batch {
			res := results[i]
			if res.reject != "" {
				st.Rejected[res.reject]++
				g.unreserve(c)
				if res.err != nil && len(st.FirstErrors) < 5 {
					st.FirstErrors = append(st.FirstErrors, fmt.Sprintf("%v: %s", res.err, c.sql))
				}
				continue
			}
			group := groupID(c.sql)
			kept := 0
			for _, q := range c.questions {
				k := dataset.NormalizeQuestion(q)
				if seenQ[k] || len(recs) >= opts.Size {
					continue
				}
				seenQ[k] = true
				rec := dataset.Record{
					ID: dataset.RecordID(q, c.sql), Question: q, SQL: c.sql, Group: group, DB: opts.DB,
					Hardness: c.hardness, Shape: c.shape, Concepts: c.concepts, Tables: c.tables,
					Source: "template", Rows: res.rows, ResultHash: res.hash,
				}
				if opts.Reasoning {
					rec.Reasoning = c.reasoning
				}
				recs = append(recs, rec)
				st.Hardness[c.hardness]++
				st.Shape[c.shape]++
				kept++
			}
			if kept == 0 {
				st.Rejected[RejectNoPhrasing]++
				g.unreserve(c)
				continue
			}
			st.Queries++
		}
		if len(recs) == before {
			stalls++
		} else {
			stalls = 0
		}
		if opts.Progress != nil {
			opts.Progress(len(recs), opts.Size)
		}
	}
	st.Pairs = len(recs)
	return recs, st, nil
}

// verifyAll verifies a batch on the workers' connections; results are stored by index so
// the output order never depends on scheduling.
func verifyAll(ctx context.Context, vs []*verifier, batch []*candidate) []result {
	results := make([]result, len(batch))
	next := make(chan int)
	var wg sync.WaitGroup
	for _, v := range vs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = v.verify(ctx, batch[i])
			}
		}()
	}
	for i := range batch {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// groupID is the hash of the canonical SQL: every phrasing of one query shares it.
func groupID(sql string) string {
	sum := sha256.Sum256([]byte(sqlparse.Normalize(sql)))
	return hex.EncodeToString(sum[:8])
}

// gen builds candidates from the world with one seeded random stream.
type gen struct {
	ctx  context.Context
	db   *sql.DB
	w    *world
	opts Options
	r    *rand.Rand
	// seenSQL holds the canonical SQL of every candidate built, so no query is built twice.
	seenSQL map[string]bool
	// quota caps each hardness level's share of the pairs; reserved counts pairs in flight.
	reserved map[string]int
	shapes   []shapeFunc
	weights  []int
}

type shapeFunc func(r *rand.Rand) *candidate

// Hardness shares: no level may take more than maxShare of the pairs, so the others keep room.
const maxShare = 0.34

func newGen(ctx context.Context, db *sql.DB, w *world, opts Options) *gen {
	g := &gen{ctx: ctx, db: db, w: w, opts: opts, r: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5eed_da7a)),
		seenSQL: map[string]bool{}, reserved: map[string]int{}}
	g.register()
	return g
}

// batch builds up to n new candidates that fit the hardness quotas.
func (g *gen) batch(n, size int, st *Stats) []*candidate {
	var out []*candidate
	total := 0
	for _, w := range g.weights {
		total += w
	}
	limit := int(maxShare*float64(size)) + g.opts.Phrasings
	for tries := 0; len(out) < n && tries < n*20; tries++ {
		k := g.r.IntN(total)
		i := 0
		for ; k >= g.weights[i]; i++ {
			k -= g.weights[i]
		}
		c := g.shapes[i](g.r)
		if c == nil || len(c.questions) == 0 {
			continue
		}
		key := sqlparse.Normalize(c.sql)
		if g.seenSQL[key] {
			continue
		}
		g.seenSQL[key] = true
		st.Candidates++
		h, err := sqlparse.Hardness(c.sql)
		if err != nil {
			st.Rejected[RejectHardness]++
			continue
		}
		if g.reserved[h]+len(c.questions) > limit {
			st.Rejected[RejectQuota]++
			continue
		}
		c.hardness = h
		g.reserved[h] += len(c.questions)
		c.tables = sortedTables(c.tables)
		out = append(out, c)
	}
	return out
}

func (g *gen) unreserve(c *candidate) { g.reserved[c.hardness] -= len(c.questions) }

func sortedTables(ts []string) []string {
	out := slices.Clone(ts)
	slices.Sort(out)
	return slices.Compact(out)
}
