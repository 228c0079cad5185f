// Package link turns an analyst's question into ranked query plans, deterministically and with
// no model: it links the question's phrases to the ontology (metrics, dimensions, segments,
// calendar grains) and to the database's categorical values, reads the structure words (top
// 5, by, share, vs, more than, cumulative, ...), assembles a few readings as plans, keeps those
// that compile and ranks them by how much of the question they account for.
package link

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
	"github.com/sqlforge/sqlforge/internal/plan/compile"
)

// Linker links questions over one ontology and database. It is safe for concurrent use.
type Linker struct {
	ont    *ontology.Ontology
	c      *compile.Compiler
	lex    *lexicon
	latest time.Time
	// earliest is the data's earliest date ("before 2022" starts there).
	earliest time.Time
	dimSyn   map[string][]string // dimension id → synonyms
	// complement maps a segment to its negation ("shipped" → "unshipped"), where there is one.
	complement map[string]string
	dimGrain   map[string]string          // calendar dimension id → grain
	people     map[string]bool            // dimensions of persons and organisations
	nameWords  map[string]map[string]bool // dimension id → stems of its names' words
	dims       map[string]*ontology.Dimension
	metricIDs  map[string]bool      // the ontology's metric ids
	perOf      map[[2]string]string // (metric, dimension) → the metric per that thing
}

// Candidate is one reading of a question: its plan, the plan's SQL, how much of the question
// it accounts for (0-1) and the content words nothing linked.
type Candidate struct {
	Plan    *plan.Plan
	SQL     string
	Score   float64
	Missing []string
}

// New builds the lexicon from the ontology's names and synonyms and indexes the database's
// categorical values (db may be nil: then only the ontology's example values are known). c
// compiles candidate plans; call c.SetLatest first so that "last year" can be resolved.
func New(ctx context.Context, db *sql.DB, ont *ontology.Ontology, c *compile.Compiler) (*Linker, error) {
	l := &Linker{ont: ont, c: c, lex: newLexicon(), latest: c.Latest, earliest: c.Earliest, dimSyn: map[string][]string{}, dims: map[string]*ontology.Dimension{},
		complement: complements(ont), dimGrain: map[string]string{}, people: map[string]bool{}, nameWords: map[string]map[string]bool{}, metricIDs: map[string]bool{}}
	for i := range ont.Dimensions {
		d := &ont.Dimensions[i]
		l.dimSyn[d.Name] = d.Synonyms
		if d.Grain != "" {
			l.dimGrain[d.Name] = d.Grain
		}
		if d.Kind == "person" || d.Kind == "organisation" {
			l.people[d.Name] = true
		}
		l.dims[d.Name] = d
		l.nameWords[d.Name] = nameStems(d)
	}
	for _, m := range ont.Metrics {
		l.metricIDs[ontology.MetricID(m.Name)] = true
	}
	l.lex.addOntology(ont)
	l.perOf = perMetrics(ont, l.lex)
	if err := l.lex.addValues(ctx, db, ont); err != nil {
		return nil, err
	}
	return l, nil
}

// Plans assembles up to n candidate plans for the question, best first. Each compiles.
func (l *Linker) Plans(question string, n int) []Candidate {
	ls := l.Links(question)
	var out []Candidate
	seen := map[string]bool{}
	for _, c := range l.readings(ls) {
		text := plan.Format(c.Plan)
		if !seen[text] {
			seen[text] = true
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if n >= 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// nameStems are the stems of the words of a dimension's id and synonyms.
func nameStems(d *ontology.Dimension) map[string]bool {
	out := map[string]bool{}
	for _, p := range append([]string{strings.ReplaceAll(d.Name, "_", " ")}, d.Synonyms...) {
		for _, w := range strings.Fields(stems(p)) {
			out[w] = true
		}
	}
	return out
}
