package datagen

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/sqlforge/sqlforge/internal/dialect/sqlite"
	"github.com/sqlforge/sqlforge/internal/plan"
	"github.com/sqlforge/sqlforge/internal/plan/compile"
)

// TestGeneratePlans: every record carries a plan whose compiled SQL is the record's SQL, its
// text and JSON forms agree, every plan feature appears, and the SQL runs with rows.
func TestGeneratePlans(t *testing.T) {
	db, ont := northwind(t)
	ctx := context.Background()
	recs, st, err := GeneratePlans(ctx, db.DB, ont, Options{Seed: 7, Size: 600})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 550 {
		t.Fatalf("%d records, want about 600 (stats %+v)", len(recs), st)
	}
	c := compile.New(ont, sqlite.New())
	if err := c.SetLatest(ctx, db.DB); err != nil {
		t.Fatal(err)
	}
	for _, f := range planFeatures {
		if st.Shape[f.name] == 0 {
			t.Errorf("feature %s never appears (shapes %v)", f.name, st.Shape)
		}
	}
	for i, r := range recs {
		p, err := plan.Parse(r.PlanText, c.Names())
		if err != nil {
			t.Fatalf("record %d: plan %q: %v", i, r.PlanText, err)
		}
		var q plan.Plan
		if err := json.Unmarshal(r.Plan, &q); err != nil || !reflect.DeepEqual(*p, q) {
			t.Fatalf("record %d: JSON plan %s differs from text %q (%v)", i, r.Plan, r.PlanText, err)
		}
		sql, err := c.Compile(p)
		if err != nil || sql != r.SQL {
			t.Fatalf("record %d: compiled %q (%v), record has %q", i, sql, err, r.SQL)
		}
		if r.Rows == 0 || r.Question == "" || r.Source != "plan" {
			t.Fatalf("record %d: %+v", i, r)
		}
	}
	t.Logf("shapes %v rejected %v", st.Shape, st.Rejected)
	for _, r := range recs[:40] {
		t.Logf("%-60s | %s", r.Question, r.PlanText)
	}
}
