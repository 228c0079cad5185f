package datagen_test

import (
	"context"
	"testing"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/ontology"
)

// serverNorthwind opens the Northwind copy at ref on a database server, checks its dialect,
// and returns the shipped ontology rendered for it, which must validate there.
func serverNorthwind(t *testing.T, ref, dialect string) (*database.DB, *ontology.Ontology) {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if db.Dialect() != dialect {
		t.Fatalf("dialect %s, want %s", db.Dialect(), dialect)
	}
	loaded, err := ontology.LoadRef("northwind")
	if err != nil {
		t.Fatal(err)
	}
	ont, err := loaded.For(db.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	if errs := ontology.Problems(ontology.Validate(ctx, db.DB, ont)).Errors(); len(errs) > 0 {
		t.Fatalf("the ontology does not validate on %s:\n%v", dialect, errs)
	}
	return db, ont
}
