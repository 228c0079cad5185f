package datagen

import (
	"context"
	"io"
	"path/filepath"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/dataset"
)

// AugmentYearsFile writes train.jsonl's records plus their year-swapped copies
// (AugmentYears, verified on the embedded Northwind) beside it, as
// train_augmented.jsonl, and returns that path.
func AugmentYearsFile(ctx context.Context, trainPath string, per int) (string, error) {
	recs, _, err := dataset.ReadFile(ctx, trainPath, dataset.ReadOptions{})
	if err != nil {
		return "", err
	}
	db, err := database.Open(ctx, "northwind")
	if err != nil {
		return "", err
	}
	defer db.Close()
	extra, err := AugmentYears(ctx, db.DB, recs, []int{2020, 2021, 2022, 2023, 2024}, per, 1)
	if err != nil {
		return "", err
	}
	path := filepath.Join(filepath.Dir(trainPath), "train_augmented.jsonl")
	all := append(recs, extra...)
	if _, err := dataset.WriteFileAtomic(path, func(w io.Writer) error { return dataset.WriteJSONL(w, all) }); err != nil {
		return "", err
	}
	return path, nil
}
