package planner_test

import (
	"context"
	"sync"
	"testing"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/datagen"
	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/dialect/sqlite"
	"github.com/sqlforge/sqlforge/internal/model/planner"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
	"github.com/sqlforge/sqlforge/internal/plan/compile"
)

// world is the embedded Northwind with its planner environment and a generated plan
// dataset, built once per test binary (the planners only read it).
type world struct {
	env  *planner.Env
	recs []dataset.Record
	knn  *planner.KNN
}

var (
	worldMu sync.Mutex
	worlds  = map[string]*world{}
)

func northwind(t testing.TB) *world { return worldOf(t, "northwind") }

// worldOf builds the world of an embedded database once per test binary.
func worldOf(t testing.TB, name string) *world {
	t.Helper()
	worldMu.Lock()
	defer worldMu.Unlock()
	if w := worlds[name]; w != nil {
		return w
	}
	w, err := buildWorld(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	worlds[name] = w
	return w
}

func buildWorld(ctx context.Context, name string) (*world, error) {
	db, err := database.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	ont, err := ontology.LoadRef(name)
	if err != nil {
		return nil, err
	}
	env, err := planner.NewEnv(ctx, db.DB, ont, compile.New(ont, sqlite.New()))
	if err != nil {
		return nil, err
	}
	recs, _, err := datagen.GeneratePlans(ctx, db.DB, ont, datagen.Options{Seed: 1, Size: 300})
	if err != nil {
		return nil, err
	}
	k, err := planner.NewKNN(env, "plan:knn:test", recs)
	if err != nil {
		return nil, err
	}
	return &world{env: env, recs: recs, knn: k}, nil
}

// mustPlan parses a plan text against the ontology's names.
func (w *world) mustPlan(t testing.TB, text string) *plan.Plan {
	t.Helper()
	p, err := plan.Parse(text, w.env.Compiler.Names())
	if err != nil {
		t.Fatalf("plan %q: %v", text, err)
	}
	return p
}

// candidate is a plan text with a score, proposed as a planner would: a text that does not
// parse against the ontology becomes a candidate with its parse error.
func (w *world) candidate(text string, score float64, missing ...string) planner.Candidate {
	p, err := plan.Parse(text, w.env.Compiler.Names())
	if err != nil {
		return planner.Candidate{Text: text, Score: score, Err: err, Missing: missing}
	}
	return planner.Candidate{Plan: p, Score: score, Missing: missing}
}

// rows runs sql on the environment's database and counts the rows.
func (w *world) rows(t testing.TB, sql string) int {
	t.Helper()
	rs, err := w.env.DB.QueryContext(context.Background(), sql)
	if err != nil {
		t.Fatalf("run %s: %v", sql, err)
	}
	defer rs.Close()
	n := 0
	for rs.Next() {
		n++
	}
	if err := rs.Err(); err != nil {
		t.Fatalf("run %s: %v", sql, err)
	}
	return n
}
