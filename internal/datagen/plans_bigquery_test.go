package datagen_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"cloud.google.com/go/bigquery"
	"google.golang.org/api/iterator"

	"github.com/sqlforge/sqlforge/internal/bqload/bqtest"
	"github.com/sqlforge/sqlforge/internal/datagen"
	bqdialect "github.com/sqlforge/sqlforge/internal/dialect/bigquery"
)

// TestGeneratePlansBigQuery loads the embedded Northwind into goccy/bigquery-emulator,
// renders the shipped ontology for BigQuery (it must validate there), generates plan pairs
// on the emulator and runs every gold query again through the client library directly,
// outside sqlforge's driver: each must run and return the rows the record says. Skipped
// without SQLFORGE_TEST_BIGQUERY_URL.
func TestGeneratePlansBigQuery(t *testing.T) {
	d := bqtest.Loaded(t, "northwind", "datagen_northwind")
	bqtest.Slow(t)
	ctx := context.Background()
	db, ont := serverNorthwind(t, d.Ref.String(), "bigquery")
	recs, st, err := datagen.GeneratePlans(ctx, db.DB, ont, datagen.Options{Seed: 42, Size: 200, Dialect: bqdialect.New(), DB: db.Name})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 180 || st.Rejected[datagen.RejectError] > 0 {
		t.Fatalf("%d records, stats %+v", len(recs), st)
	}
	ran := map[string]bool{}
	for i, r := range recs {
		if ran[r.SQL] { // the phrasings of one query share its SQL
			continue
		}
		ran[r.SQL] = true
		if strings.Contains(r.SQL, `"Orders"`) || strings.Contains(r.SQL, "strftime") {
			t.Errorf("record %d is not BigQuery SQL: %s", i, r.SQL)
		}
		q := d.Client.Query(r.SQL)
		q.DefaultProjectID, q.DefaultDatasetID = d.Ref.Project, d.Ref.Dataset
		it, err := q.Read(ctx)
		if err != nil {
			t.Fatalf("record %d: %v\n%s", i, err, r.SQL)
		}
		n := 0
		for {
			var row []bigquery.Value
			err := it.Next(&row)
			if errors.Is(err, iterator.Done) {
				break
			}
			if err != nil {
				t.Fatalf("record %d: %v\n%s", i, err, r.SQL)
			}
			n++
		}
		if n == 0 || n != r.Rows {
			t.Fatalf("record %d: %d rows (record says %d)\n%s", i, n, r.Rows, r.SQL)
		}
	}
	t.Logf("%d pairs (%d distinct queries), shapes %v, rejected %v", len(recs), len(ran), st.Shape, st.Rejected)
}
