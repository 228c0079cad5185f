// Package schema describes a database's structure — tables and views,
// columns, keys, row counts and a few sample values — in a dialect-neutral
// model, and renders it for prompts and people: as CREATE TABLE statements
// (the sql-create-context style), as one compact line per table, and as JSON.
//
// Introspect reads the model from a SQLite database.
package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Schema is a database's structure.
type Schema struct {
	// Dialect is the SQL dialect the schema was read from ("sqlite").
	Dialect string `json:"dialect"`
	// Tables lists the tables (sorted by name, case-insensitive), then the views.
	Tables []*Table `json:"tables"`
}

// Table is a table or a view.
type Table struct {
	Name string `json:"name"`
	// Kind is "table" or "view".
	Kind    string    `json:"kind"`
	Columns []*Column `json:"columns"`
	// PrimaryKey lists the primary-key columns in key order (empty for views).
	PrimaryKey  []string     `json:"primary_key,omitempty"`
	ForeignKeys []ForeignKey `json:"foreign_keys,omitempty"`
	// RowCount is the number of rows of a table; views are not counted (0).
	RowCount int64 `json:"row_count"`
	// SQL is the statement that created the table or view, as stored.
	SQL string `json:"sql,omitempty"`
}

// Column is a column of a table or view.
type Column struct {
	Name string `json:"name"`
	// Type is the declared type, as written (may be empty in SQLite).
	Type    string `json:"type"`
	NotNull bool   `json:"not_null,omitempty"`
	// PK is the column's 1-based position in the primary key, 0 if not part of it.
	PK int `json:"pk,omitempty"`
	// Default is the default value's SQL text, nil if none.
	Default *string `json:"default,omitempty"`
	// Samples are a few distinct values, the most frequent first (ties by
	// value): int64, float64 or string (long text truncated, BLOBs skipped).
	Samples []any `json:"samples,omitempty"`
}

// ForeignKey says that Columns of a table reference RefColumns of RefTable.
type ForeignKey struct {
	Columns    []string `json:"columns"`
	RefTable   string   `json:"ref_table"`
	RefColumns []string `json:"ref_columns"`
}

// Table returns the table or view called name (case-insensitive), or nil.
func (s *Schema) Table(name string) *Table {
	for _, t := range s.Tables {
		if strings.EqualFold(t.Name, name) {
			return t
		}
	}
	return nil
}

// Column returns the column called name (case-insensitive), or nil.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

// ForeignKeyOf returns the foreign key that column is part of, or nil.
func (t *Table) ForeignKeyOf(column string) *ForeignKey {
	for i, fk := range t.ForeignKeys {
		for _, c := range fk.Columns {
			if strings.EqualFold(c, column) {
				return &t.ForeignKeys[i]
			}
		}
	}
	return nil
}

// Select returns a schema holding only the named tables (case-insensitive),
// in the schema's order; an unknown name is an error.
func (s *Schema) Select(names []string) (*Schema, error) {
	keep := make(map[*Table]bool)
	for _, n := range names {
		t := s.Table(strings.TrimSpace(n))
		if t == nil {
			return nil, fmt.Errorf("unknown table %q", n)
		}
		keep[t] = true
	}
	out := &Schema{Dialect: s.Dialect}
	for _, t := range s.Tables {
		if keep[t] {
			out.Tables = append(out.Tables, t)
		}
	}
	return out, nil
}

// Hash is a stable hash (hex SHA-256) of the structure: tables, kinds,
// columns with their types, nullability and keys, and foreign keys. Row
// counts, samples and stored SQL text do not change it.
func (s *Schema) Hash() string {
	h := sha256.New()
	for _, t := range s.Tables {
		fmt.Fprintf(h, "%s %q\n", t.Kind, t.Name)
		for _, c := range t.Columns {
			fmt.Fprintf(h, " col %q %q %t %d\n", c.Name, c.Type, c.NotNull, c.PK)
		}
		for _, fk := range t.ForeignKeys {
			fmt.Fprintf(h, " fk %q -> %q %q\n", fk.Columns, fk.RefTable, fk.RefColumns)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
