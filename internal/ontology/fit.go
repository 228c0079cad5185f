package ontology

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sqlforge/sqlforge/internal/schema"
	"github.com/sqlforge/sqlforge/ontologies"
)

// ForDatabase picks the ontology of a database nobody named one for: the shipped ontology of
// the same name (an embedded database), else the first shipped ontology that validates against
// the database with no errors (a copy of Northwind in PostgreSQL), else one derived from the
// schema (FromSchema, SQLite only). Its formulas are rendered for dialect.
func ForDatabase(ctx context.Context, db *sql.DB, name, dialect string) (*Ontology, error) {
	if ontologies.Has(name) {
		o, err := LoadRef(name)
		if err != nil {
			return nil, err
		}
		return o.For(dialect)
	}
	for _, n := range ontologies.Names() {
		o, err := LoadRef(n)
		if err == nil {
			o, err = o.For(dialect)
		}
		if err == nil && len(Problems(Validate(ctx, db, o)).Errors()) == 0 {
			return o, nil
		}
	}
	sch, err := schema.IntrospectDialect(ctx, db, dialect)
	if err != nil {
		return nil, fmt.Errorf("derive an ontology for %s: %w", name, err)
	}
	o, err := FromSchema(ctx, db, sch)
	if err != nil {
		return nil, fmt.Errorf("no shipped ontology fits %s and %w; name one with --ontology", name, err)
	}
	o.Name = name
	return o, nil
}
