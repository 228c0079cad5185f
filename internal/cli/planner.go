package cli

import (
	"context"
	"fmt"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/datagen"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/planner"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan/compile"
	"github.com/sqlforge/sqlforge/internal/schema"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// plannerEnv opens the database and ontology plan models work over: ontRef, the shipped
// ontology of an embedded database, or one derived from the schema. close releases the database.
func plannerEnv(ctx context.Context, dbRef, ontRef string) (env *planner.Env, close func(), err error) {
	db, err := database.Open(ctx, dbRef)
	if err != nil {
		return nil, nil, err
	}
	var ont *ontology.Ontology
	switch {
	case ontRef != "":
		ont, err = ontology.LoadRef(ontRef)
	case db.Embedded:
		ont, err = ontology.LoadRef(db.Name)
	default:
		// No ontology ships with the user's database: derive one from its schema, as serve does.
		var sch *schema.Schema
		if sch, err = schema.Introspect(ctx, db.DB); err == nil {
			ont, err = ontology.FromSchema(ctx, db.DB, sch)
		}
	}
	if err == nil {
		ont, err = ont.For(db.Dialect()) // its formulas in the database's SQL
	}
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	d, err := datagen.DialectFor(ont.Dialect)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	env, err = planner.NewEnv(ctx, db.DB, ont, compile.New(ont, d))
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if db.Dialect() == "sqlite" {
		return env, func() { db.Close() }, nil
	}
	ex, err := sqlexec.Open(ctx, dbRef) // a server's own executor (PostgreSQL, BigQuery)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	env.SetExecutor(ex)
	return env, func() { ex.Close(); db.Close() }, nil
}

// openPlanner opens a plan: reference over env; a bare plan:knn retrieves from plans generated
// from the ontology (as serve's default does).
func openPlanner(ctx context.Context, ref string, env *planner.Env) (planner.Planner, error) {
	if ref == "plan:knn" {
		recs, _, err := datagen.GeneratePlans(ctx, env.DB, env.Ont, datagen.Options{Seed: 42, Size: 1500, DB: env.Ont.Name})
		if err != nil {
			return nil, fmt.Errorf("generate plans for %s: %w", ref, err)
		}
		return planner.NewKNN(env, fmt.Sprintf("plan:knn:generated(%s,%d)", env.Ont.Name, len(recs)), recs)
	}
	r, err := model.ParseRef(ref)
	if err != nil {
		return nil, userErr(err)
	}
	p, err := planner.Open(ctx, r, env, model.OSEnv(), nil)
	if err != nil {
		return nil, userErr(fmt.Errorf("open model %s: %w", ref, err))
	}
	return p, nil
}
