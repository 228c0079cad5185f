package serve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/datagen"
	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/planner"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan/compile"
	"github.com/sqlforge/sqlforge/internal/schema"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// DefaultModel is the model `serve` and `ask` use when none is named: plan:knn over query
// plans generated from the database's ontology (and cached on disk).
const DefaultModel = "plan:knn"

// isPlanRef says whether a model reference answers through plans.
func isPlanRef(ref string) bool {
	return ref == "" || ref == DefaultModel || strings.HasPrefix(ref, model.PlanPrefix)
}

// setupPlanner opens a plan: model over db and ont. plan:knn with no dataset uses plans
// generated from the ontology, read from the on-disk cache when the same database, ontology
// and generator made them before.
func setupPlanner(ctx context.Context, o SetupOptions, db *database.DB, sch *schema.Schema, ont *ontology.Ontology, ex sqlexec.Executor, ref string) (planner.Planner, error) {
	if ont == nil {
		return nil, fmt.Errorf("plan models need an ontology for database %s (give --ontology FILE, or a model such as knn:DATASET)", db.Name)
	}
	d, err := datagen.DialectFor(ont.Dialect)
	if err != nil {
		return nil, err
	}
	env, err := planner.NewEnv(ctx, db.DB, ont, compile.New(ont, d))
	if err != nil {
		return nil, err
	}
	env.SetExecutor(ex)
	if ref == "" || ref == DefaultModel {
		recs, err := generatedPlans(ctx, o, db, sch, ont)
		if err != nil {
			return nil, err
		}
		k, err := planner.NewKNN(env, fmt.Sprintf("plan:knn:generated(%s,%d)", db.Name, len(recs)), recs)
		if err != nil {
			return nil, err
		}
		return k, nil
	}
	r, err := model.ParseRef(ref)
	if err != nil {
		return nil, err
	}
	return planner.Open(ctx, r, env, model.OSEnv(), nil)
}

// generatedPlans returns GenSize plan records for db and ont, from the cache or generated.
func generatedPlans(ctx context.Context, o SetupOptions, db *database.DB, sch *schema.Schema, ont *ontology.Ontology) ([]dataset.Record, error) {
	size := o.GenSize
	if size <= 0 {
		size = 1500
	}
	path := planCachePath(db, sch, ont, size)
	if path != "" {
		if recs, _, err := dataset.ReadFile(ctx, path, dataset.ReadOptions{}); err == nil && len(recs) > 0 {
			o.Logger.Info("read cached plan dataset", slog.String("path", path), slog.Int("records", len(recs)))
			return recs, nil
		}
	}
	recs, _, err := datagen.GeneratePlans(ctx, db.DB, ont, datagen.Options{Seed: 42, Size: size, DB: db.Name})
	if err != nil {
		return nil, fmt.Errorf("generate the plan dataset: %w", err)
	}
	o.Logger.Info("generated plan dataset", slog.Int("records", len(recs)))
	if path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
			if _, err := dataset.WriteFileAtomic(path, func(w io.Writer) error { return dataset.WriteJSONL(w, recs) }); err != nil {
				o.Logger.Warn("could not cache the plan dataset", slog.String("error", err.Error()))
			}
		}
	}
	return recs, nil
}

// planCachePath is the cache file for these inputs ("" when there is no user cache folder,
// and for a database server):
// the key hashes the generator's version, the schema, the ontology and, for a database file,
// its size and modification time.
func planCachePath(db *database.DB, sch *schema.Schema, ont *ontology.Ontology, size int) string {
	dir, err := os.UserCacheDir()
	if err != nil || db.Dialect() != "sqlite" { // a server's data changes with no file to stat
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%d\n", datagen.PlanVersion, sch.Hash(), size)
	if js, err := json.Marshal(ont); err == nil {
		h.Write(js)
	}
	if st, err := os.Stat(db.Path); err == nil {
		fmt.Fprintf(h, "%d %d", st.Size(), st.ModTime().UnixNano())
	}
	return filepath.Join(dir, "sqlforge", "plans", db.Name+"-"+hex.EncodeToString(h.Sum(nil)[:8])+".jsonl")
}
