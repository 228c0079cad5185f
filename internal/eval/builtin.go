package eval

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

//go:embed testdata/northwind_test.jsonl
var northwindTest []byte

// NorthwindItems returns the built-in Northwind test items (a dozen
// questions over the embedded database), used by bench eval when no dataset
// is given.
func NorthwindItems(ctx context.Context) ([]Item, error) {
	recs, _, err := dataset.ReadJSONL(ctx, bytes.NewReader(northwindTest), "northwind_test.jsonl", dataset.ReadOptions{})
	if err != nil {
		return nil, fmt.Errorf("read built-in items: %w", err)
	}
	items := make([]Item, len(recs))
	for i, r := range recs {
		items[i] = Item{Index: i, ID: r.ID, Question: r.Question, Gold: r.SQL, DB: r.DB, Hardness: r.Hardness}
		if items[i].Hardness == "" {
			items[i].Hardness, _ = sqlparse.Hardness(r.SQL)
		}
	}
	return items, nil
}
