// Package dialects is the one switch that wires the SQL dialect packages by name, so that
// packages which choose a dialect at run time (from an ontology's dialect field or a
// database URL) need not import each engine.
package dialects

import (
	"github.com/sqlforge/sqlforge/internal/dialect"
	"github.com/sqlforge/sqlforge/internal/dialect/bigquery"
	"github.com/sqlforge/sqlforge/internal/dialect/postgres"
	"github.com/sqlforge/sqlforge/internal/dialect/sqlite"
)

// For returns the dialect called name: "sqlite" (also ""), "postgres" (also "postgresql"),
// "bigquery".
func For(name string) (dialect.Dialect, error) {
	switch name {
	case "", "sqlite":
		return sqlite.New(), nil
	case "postgres", "postgresql":
		return postgres.New(), nil
	case "bigquery":
		return bigquery.New(), nil
	}
	return nil, dialect.ErrUnknown{Name: name}
}
