package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/dialect/sqlite"
	"github.com/sqlforge/sqlforge/internal/eval"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/backend"
	"github.com/sqlforge/sqlforge/internal/model/knn"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
	"github.com/sqlforge/sqlforge/internal/model/planner"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan/compile"
)

// runPredictors opens the models the main job compares: the knn baseline (raw SQL), plan:knn
// (the linker and retrieval over the generated plans), the base model, and the fine-tuned
// model (plan:local for --target plan, else the raw-SQL local model).
func (a *app) runPredictors(ctx context.Context, data string, ts trainSummary, o trainOptions, constrained bool) ([]eval.Predictor, []string, func(), error) {
	var notes []string
	var preds []eval.Predictor
	db, err := database.Open(ctx, "northwind")
	if err != nil {
		return nil, nil, nil, err
	}
	closeAll := func() { db.Close() }
	ont, err := ontology.LoadRef("northwind")
	if err != nil {
		closeAll()
		return nil, nil, nil, err
	}
	env, err := planner.NewEnv(ctx, db.DB, ont, compile.New(ont, sqlite.New()))
	if err != nil {
		closeAll()
		return nil, nil, nil, err
	}
	if kb, err := knn.Open(ctx, model.Ref{Scheme: model.SchemeKNN, Name: data}, model.OSEnv()); err != nil {
		notes = append(notes, "knn baseline skipped: "+err.Error())
	} else {
		preds = append(preds, eval.NewModelPredictor(kb, ""))
	}
	pk, err := planner.Open(ctx, model.Ref{Scheme: model.SchemeKNN, Name: data, Plan: true}, env, model.OSEnv(), nil)
	if err != nil {
		notes = append(notes, "plan:knn skipped: "+err.Error())
	} else {
		preds = append(preds, eval.PlanPredictor{P: pk})
	}
	base, err := backend.Open(ctx, model.Ref{Scheme: model.SchemeLocal, Name: o.base}, model.OSEnv())
	if err != nil {
		closeAll()
		return nil, nil, nil, err
	}
	preds = append(preds, localPredictor{b: base.(*localmodel.Backend)})
	tuned := model.Ref{Scheme: model.SchemeLocal, Name: o.base, Adapter: ts.Adapter}
	if ts.Adapter == "" {
		tuned = model.Ref{Scheme: model.SchemeLocal, Name: filepath.Join(o.out, "model")}
	}
	b, err := backend.Open(ctx, tuned, model.OSEnv())
	if err != nil {
		closeAll()
		return nil, nil, nil, err
	}
	if o.target == "plan" {
		tuned.Plan = true
		pl, err := planner.Open(ctx, tuned, env, model.OSEnv(), nil)
		if err != nil {
			closeAll()
			return nil, nil, nil, err
		}
		if l, ok := pl.(*planner.Local); ok && constrained {
			l.Constrained = true // decode under the plan grammar
		}
		preds = append(preds, eval.PlanPredictor{P: pl})
		return preds, notes, closeAll, nil
	}
	preds = append(preds, localPredictor{b: b.(*localmodel.Backend)})
	if constrained {
		b, err := backend.Open(ctx, tuned, model.OSEnv())
		if err != nil {
			closeAll()
			return nil, nil, nil, err
		}
		names, err := schemaNames(ctx, "northwind")
		if err != nil {
			closeAll()
			return nil, nil, nil, fmt.Errorf("run: %w", err)
		}
		lb := b.(*localmodel.Backend)
		lb.Constrain(names)
		preds = append(preds, localPredictor{b: lb, suffix: " (schema-constrained)"})
	}
	return preds, notes, closeAll, nil
}
