package planner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/backend"
)

// Open opens the planner a plan: reference names, over env. Records, when not nil, are the
// plan:knn dataset already in memory (else it is read from ref.Name).
func Open(ctx context.Context, ref model.Ref, env *Env, menv model.Env, records []dataset.Record) (Planner, error) {
	if !ref.Plan {
		return nil, fmt.Errorf("open planner: %s is not a plan: reference", ref)
	}
	switch ref.Scheme {
	case model.SchemeKNN:
		if records == nil {
			path := ref.Name
			if st, err := os.Stat(path); err == nil && st.IsDir() {
				path = filepath.Join(path, "train.jsonl")
			}
			recs, _, err := dataset.ReadFile(ctx, path, dataset.ReadOptions{})
			if err != nil {
				return nil, fmt.Errorf("plan:knn: read dataset: %w", err)
			}
			records = recs
		}
		return NewKNN(env, ref.String(), records)
	case model.SchemeLocal:
		inner := ref
		inner.Plan = false
		b, err := backend.Open(ctx, inner, menv)
		if err != nil {
			return nil, err
		}
		l := NewLocal(env, b, ref.String())
		dir := ref.Name
		if ref.Adapter != "" {
			dir = ref.Adapter
		}
		if recs, _, err := dataset.ReadFile(ctx, filepath.Join(dir, PlanMemoryFile), dataset.ReadOptions{}); err == nil && len(recs) > 0 {
			k, err := NewKNN(env, ref.String(), recs)
			if err != nil {
				return nil, fmt.Errorf("open %s: %w", ref, err)
			}
			l.WithMemory(k)
		}
		return l, nil
	case model.SchemeOpenAI, model.SchemeAzure, model.SchemeOllama, model.SchemeHTTP:
		inner := ref
		inner.Plan = false
		b, err := backend.Open(ctx, inner, menv)
		if err != nil {
			return nil, err
		}
		return NewChat(env, b, ref.String()), nil
	}
	return nil, fmt.Errorf("open planner: %s: plan: takes knn, local or a chat model", ref)
}
