package bigquery_test

import (
	"context"
	"testing"

	"github.com/sqlforge/sqlforge/internal/bqdb"
	"github.com/sqlforge/sqlforge/internal/bqload/bqtest"
	"github.com/sqlforge/sqlforge/internal/dialect/bigquery"
	"github.com/sqlforge/sqlforge/internal/dialect/dialecttest"
)

// TestConformance runs the dialect conformance suite on goccy/bigquery-emulator
// (SQLFORGE_TEST_BIGQUERY_URL; skipped without it).
func TestConformance(t *testing.T) {
	d := bqtest.Empty(t, "dialect_conformance")
	db, err := bqdb.Open(context.Background(), d.Ref.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dialecttest.Run(t, db, bigquery.New())
}
