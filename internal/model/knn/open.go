package knn

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/model"
)

// Register makes knn:DATASET open through r.
func Register(r *model.Registry) { r.Register(model.SchemeKNN, Open) }

// Open is the model.Opener of knn:DATASET. DATASET is a records JSONL file or a directory
// written by `sqlforge gen`, whose train.jsonl is used. The database is the one the records
// name (Record.DB, default northwind), opened read-only with database.Open; use New to
// give another.
func Open(ctx context.Context, ref model.Ref, _ model.Env) (model.Backend, error) {
	recs, err := ReadRecords(ctx, ref.Name)
	if err != nil {
		return nil, err
	}
	dbRef := recs[0].DB
	db, err := database.Open(ctx, dbRef)
	if err != nil {
		return nil, fmt.Errorf("knn: %w", err)
	}
	b, err := New(recs, Options{DB: db.DB, Name: ref.String()})
	if err != nil {
		db.Close()
		return nil, err
	}
	b.closer = db
	return b, nil
}

// ReadRecords reads the training records of a knn dataset: a records JSONL file, or the
// train.jsonl of a directory.
func ReadRecords(ctx context.Context, path string) ([]dataset.Record, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "train.jsonl")
	}
	recs, _, err := dataset.ReadFile(ctx, path, dataset.ReadOptions{})
	if err != nil {
		return nil, fmt.Errorf("knn: read dataset: %w", err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("knn: dataset %s has no records", path)
	}
	return recs, nil
}
