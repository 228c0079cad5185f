package datagen

import (
	"context"
	"testing"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/ontology"
)

// northwind opens the embedded Northwind database and the shipped ontology.
func northwind(t testing.TB) (*database.DB, *ontology.Ontology) {
	t.Helper()
	db, err := database.Open(context.Background(), "northwind")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ont, err := ontology.LoadRef("northwind")
	if err != nil {
		t.Fatal(err)
	}
	return db, ont
}
