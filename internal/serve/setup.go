package serve

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/datagen"
	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/model"
	modelbackend "github.com/sqlforge/sqlforge/internal/model/backend"
	"github.com/sqlforge/sqlforge/internal/model/knn"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/prompt"
	"github.com/sqlforge/sqlforge/internal/schema"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// SetupOptions say what Setup opens.
type SetupOptions struct {
	// DB is the database reference (database.Open): "" is the embedded Northwind.
	DB string
	// Model is the model reference; "" (or "plan:knn") is plan:knn over query plans
	// generated from the database's shipped ontology (cached on disk); "knn" is the raw-SQL
	// knn over a dataset generated in memory at start.
	Model string
	// Ontology is the ontology reference (ontology.LoadRef: a shipped name or a file); ""
	// is the shipped ontology of an embedded database, else one derived from the schema
	// (ontology.FromSchema).
	Ontology string
	// GenSize is the number of pairs generated for the in-memory knn (default 1500).
	GenSize int
	// Prompt chooses the prompt's parts (default: linked tables, and for a model other
	// than knn 3 shots from the dataset when there is one; for a local model the question
	// alone, as it was trained).
	Prompt *prompt.Options
	// Service is copied into the service's configuration (Backend, Executor, Builder and
	// SchemaHash are filled in by Setup).
	Service ServiceConfig
	// Logger receives progress (default: slog.Default()).
	Logger *slog.Logger
}

// Setup opens the database, the schema, the ontology (given, shipped for the database, or
// derived from its schema), the model and the service. close releases them.
func Setup(ctx context.Context, o SetupOptions) (svc *Service, close func(), err error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	db, err := database.Open(ctx, o.DB)
	if err != nil {
		return nil, nil, err
	}
	closers := []func(){func() { db.Close() }}
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	defer func() {
		if err != nil {
			closeAll()
		}
	}()
	sch, err := schema.IntrospectDialect(ctx, db.DB, db.Dialect())
	if err != nil {
		return nil, nil, fmt.Errorf("read schema: %w", err)
	}
	ont, err := openOntology(ctx, o, db, sch)
	if err != nil {
		return nil, nil, err
	}
	if ont != nil {
		if ont, err = ont.For(db.Dialect()); err != nil { // its formulas in the database's SQL
			return nil, nil, err
		}
	}
	exec, err := executor(ctx, o.DB, db)
	if err != nil {
		return nil, nil, err
	}
	closers = append(closers, func() { exec.Close() })
	if ref := strings.TrimSpace(o.Model); isPlanRef(ref) {
		p, perr := setupPlanner(ctx, o, db, sch, ont, exec, ref)
		if perr != nil {
			return nil, nil, perr
		}
		cfg := o.Service
		cfg.Planner, cfg.Executor, cfg.SchemaHash = p, exec, sch.Hash()
		cfg.Ontology, cfg.Schema = ont, sch
		if cfg.Logger == nil {
			cfg.Logger = o.Logger
		}
		if svc, err = NewService(cfg); err != nil {
			return nil, nil, err
		}
		return svc, closeAll, nil
	}
	backend, examples, err := setupBackend(ctx, o, db, ont)
	if err != nil {
		return nil, nil, err
	}
	cfg := o.Service
	cfg.Backend, cfg.Executor, cfg.SchemaHash = backend, exec, sch.Hash()
	cfg.Ontology, cfg.Schema = ont, sch
	cfg.Builder = promptBuilder(backend, sch, ont, examples, o.Prompt)
	if cfg.Logger == nil {
		cfg.Logger = o.Logger
	}
	svc, err = NewService(cfg)
	if err != nil {
		return nil, nil, err
	}
	return svc, closeAll, nil
}

// setupBackend opens the model that answers: knn over generated data (plain "knn"), knn over a
// records file, or any other backend reference; it returns the knn records too, the prompt's
// examples.
func setupBackend(ctx context.Context, o SetupOptions, db *database.DB, ont *ontology.Ontology) (model.Backend, []dataset.Record, error) {
	var backend model.Backend
	var examples []dataset.Record
	switch ref := strings.TrimSpace(o.Model); {
	case ref == model.SchemeKNN:
		if db.Dialect() != "sqlite" {
			return nil, nil, fmt.Errorf("the default knn model generates SQLite templates; on %s use plan:knn (the default) or knn:DATASET", db.Dialect())
		}
		if ont == nil {
			return nil, nil, fmt.Errorf("the default knn model needs an ontology to generate its dataset; give --model knn:DATASET")
		}
		size := o.GenSize
		if size <= 0 {
			size = 1500
		}
		recs, _, gerr := datagen.Generate(ctx, db.DB, ont, datagen.Options{Seed: 42, Size: size, DB: db.Name})
		if gerr != nil {
			return nil, nil, fmt.Errorf("generate the knn dataset: %w", gerr)
		}
		o.Logger.Info("generated knn dataset", slog.Int("records", len(recs)))
		kb, kerr := knn.New(recs, knn.Options{DB: db.DB, Name: fmt.Sprintf("knn:generated(%s,%d)", db.Name, len(recs))})
		if kerr != nil {
			return nil, nil, kerr
		}
		backend, examples = kb, recs
	default:
		r, perr := model.ParseRef(ref)
		if perr != nil {
			return nil, nil, perr
		}
		if r.Scheme == model.SchemeKNN {
			recs, rerr := knn.ReadRecords(ctx, r.Name)
			if rerr != nil {
				return nil, nil, rerr
			}
			kb, kerr := knn.New(recs, knn.Options{DB: db.DB, Name: r.String()})
			if kerr != nil {
				return nil, nil, kerr
			}
			backend, examples = kb, recs
			break
		}
		b, oerr := modelbackend.Open(ctx, r, model.OSEnv())
		if oerr != nil {
			return nil, nil, oerr
		}
		backend = b
	}
	return backend, examples, nil
}

// promptBuilder renders the prompts of backend: the schema, the ontology's concepts and the
// nearest examples for a chat model, the question alone for knn and local models, unless
// override gives the options.
func promptBuilder(backend model.Backend, sch *schema.Schema, ont *ontology.Ontology, examples []dataset.Record, override *prompt.Options) *prompt.Builder {
	popts := prompt.Options{LinkTables: true, Shots: 3}
	promptOnt := ont
	if _, isKNN := backend.(*knn.Backend); isKNN {
		// knn reads only the question and the earlier turns: no examples (they would read
		// as earlier turns), and no table linking or concept matching, which cost ~100 ms
		// of CPU per question (prompt compiles a regexp per phrase) for a context knn ignores.
		popts = prompt.Options{}
		promptOnt = nil
	}
	if _, isLocal := backend.(*localmodel.Backend); isLocal {
		// A local model is asked exactly as it was trained (localmodel.Messages): the question
		// alone — it learnt the database's tables and concepts in fine-tuning, and a
		// schema, concepts or examples would neither match its training nor fit its context.
		popts = prompt.Options{NoSchema: true}
		promptOnt = nil
	}
	if override != nil {
		popts = *override
	}
	var ix *prompt.Index
	if len(examples) > 0 {
		ex := make([]prompt.Example, len(examples))
		for i, r := range examples {
			ex[i] = prompt.Example{Question: r.Question, SQL: r.SQL, Reasoning: r.Reasoning}
		}
		ix = prompt.NewIndex(ex)
	}
	return &prompt.Builder{Schema: sch, Ontology: promptOnt, Examples: ix, Options: popts}
}

// openOntology returns the ontology named by o.Ontology, else the one shipped for an embedded
// database, else one derived from the schema (nil, with a warning, when that fails).
func openOntology(ctx context.Context, o SetupOptions, db *database.DB, sch *schema.Schema) (*ontology.Ontology, error) {
	if ref := strings.TrimSpace(o.Ontology); ref != "" {
		ont, err := ontology.LoadRef(ref)
		if err != nil {
			return nil, err
		}
		o.Logger.Info("loaded ontology", slog.String("path", ont.Path))
		return ont, nil
	}
	if db.Embedded {
		ont, err := ontology.LoadRef(db.Name)
		if err == nil {
			return ont, nil
		}
		o.Logger.Warn("no shipped ontology for database", slog.String("db", db.Name), slog.String("error", err.Error()))
	}
	ont, err := ontology.FromSchema(ctx, db.DB, sch)
	if err != nil {
		o.Logger.Warn("could not derive an ontology from the schema", slog.String("db", db.Name), slog.String("error", err.Error()))
		return nil, nil
	}
	ont.Name = db.Name
	o.Logger.Info("derived the ontology from the schema (sqlforge ontology infer writes it to edit)", slog.String("db", db.Name),
		slog.Int("metrics", len(ont.Metrics)), slog.Int("dimensions", len(ont.Dimensions)), slog.Int("joins", len(ont.Joins)))
	return ont, nil
}

// executor is the read-only executor of db: SQLite over its connections, or an executor
// of its own for a server (a PostgreSQL pool for postgres://, a BigQuery client for
// bigquery://).
func executor(ctx context.Context, ref string, db *database.DB) (sqlexec.Executor, error) {
	if db.Dialect() != "sqlite" {
		return sqlexec.Open(ctx, ref)
	}
	return sqlexec.NewSQLite(db.DB), nil
}
