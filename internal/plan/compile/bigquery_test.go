package compile_test

import (
	"context"
	"testing"

	"github.com/sqlforge/sqlforge/internal/bqload/bqtest"
	"github.com/sqlforge/sqlforge/internal/dialect/bigquery"
	"github.com/sqlforge/sqlforge/internal/match"
	"github.com/sqlforge/sqlforge/internal/plan"
	"github.com/sqlforge/sqlforge/internal/plan/compile"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// TestCompileFeaturesBigQuery runs every feature plan compiled for BigQuery on the
// emulator's copy of Northwind (SQLFORGE_TEST_BIGQUERY_URL; skipped without it) and its
// SQLite compilation on the embedded database: the results must match under Spider's rules
// (order where the plan orders). It guards the dialect.AliasGrouper forms (keys grouped by
// position, running totals and per-group ranks over time keys in an outer query) that the
// emulator's analyzer needs.
func TestCompileFeaturesBigQuery(t *testing.T) {
	d := bqtest.Loaded(t, "northwind", "compile_northwind")
	db, lite := open(t, "northwind")
	bq := compile.New(lite.Ont, bigquery.New())
	bq.Latest = lite.Latest
	le, be := sqlexec.NewSQLite(db.DB), sqlexec.NewBigQuery(d)
	ctx := context.Background()
	opts := sqlexec.Options{MaxRows: 10_000}
	for _, f := range features {
		t.Run(f.name, func(t *testing.T) {
			p, err := plan.Parse(f.text, bq.Names())
			if err != nil {
				t.Fatal(err)
			}
			gl, gq := mustCompile(t, lite, p), mustCompile(t, bq, p)
			want, err := le.Query(ctx, gl, opts)
			if err != nil {
				t.Fatalf("sqlite: %v\n%s", err, gl)
			}
			got, err := be.Query(ctx, gq, opts)
			if err != nil {
				t.Fatalf("bigquery: %v\n%s", err, gq)
			}
			if v := match.Compare(match.Spider, want, got, match.Info{GoldSQL: gl, Tolerance: 1e-9}); !v.Match {
				t.Errorf("results differ: %s\nsqlite:   %s\nbigquery: %s", v.Reason, gl, gq)
			}
		})
	}
}
