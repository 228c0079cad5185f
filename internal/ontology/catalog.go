package ontology

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"github.com/sqlforge/sqlforge/internal/schema"
)

// catalog is what validation needs to know of a live database: its tables and columns.
type catalog struct {
	tables map[string]*catalogTable // lower-cased name → table
}

type catalogTable struct {
	name    string
	columns map[string]string // lower-cased name → spelling
}

// readCatalog lists the tables and views of a database and their columns: SQLite's, or
// PostgreSQL's on the search path when the ontology was rendered for postgres.
func readCatalog(ctx context.Context, db *sql.DB, dialect string) (*catalog, error) {
	switch dialect {
	case "postgres":
		return readPostgresCatalog(ctx, db)
	case "bigquery":
		return readSchemaCatalog(ctx, db, dialect)
	}
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`)
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read schema: %w", err)
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	c := &catalog{tables: map[string]*catalogTable{}}
	for _, n := range names {
		t := &catalogTable{name: n, columns: map[string]string{}}
		cols, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, n)
		if err != nil {
			return nil, fmt.Errorf("read columns of %s: %w", n, err)
		}
		for cols.Next() {
			var col string
			if err := cols.Scan(&col); err != nil {
				cols.Close()
				return nil, fmt.Errorf("read columns of %s: %w", n, err)
			}
			t.columns[strings.ToLower(col)] = col
		}
		cols.Close()
		c.tables[strings.ToLower(n)] = t
	}
	return c, nil
}

func (c *catalog) table(name string) *catalogTable { return c.tables[strings.ToLower(name)] }

func (t *catalogTable) has(column string) bool {
	_, ok := t.columns[strings.ToLower(column)]
	return ok
}

// readPostgresCatalog reads the tables and columns of the schemas on PostgreSQL's search path.
func readPostgresCatalog(ctx context.Context, db *sql.DB) (*catalog, error) {
	rows, err := db.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = ANY (current_schemas(false)) ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	defer rows.Close()
	c := &catalog{tables: map[string]*catalogTable{}}
	for rows.Next() {
		var tn, col string
		if err := rows.Scan(&tn, &col); err != nil {
			return nil, fmt.Errorf("read schema: %w", err)
		}
		t := c.table(tn)
		if t == nil {
			t = &catalogTable{name: tn, columns: map[string]string{}}
			c.tables[strings.ToLower(tn)] = t
		}
		t.columns[strings.ToLower(col)] = col
	}
	return c, rows.Err()
}

// readSchemaCatalog reads the tables and columns of an engine whose schema reader another
// package registered (schema.RegisterIntrospector: BigQuery's, through its API).
func readSchemaCatalog(ctx context.Context, db *sql.DB, dialect string) (*catalog, error) {
	s, ok, err := schema.IntrospectRegistered(ctx, db, dialect, schema.Options{Samples: -1})
	if !ok {
		err = fmt.Errorf("no schema reader for %s", dialect)
	}
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	c := &catalog{tables: map[string]*catalogTable{}}
	for _, st := range s.Tables {
		t := &catalogTable{name: st.Name, columns: map[string]string{}}
		for _, col := range st.Columns {
			t.columns[strings.ToLower(col.Name)] = col.Name
		}
		c.tables[strings.ToLower(st.Name)] = t
	}
	return c, nil
}

// prepare renders query for the ontology's dialect and compiles it without running it; it
// returns the engine's message on failure.
func (v *validator) prepare(query string) error {
	q, err := v.o.Statement(query)
	if err != nil {
		return err
	}
	st, err := v.db.PrepareContext(v.ctx, q)
	if err != nil {
		return err
	}
	return st.Close()
}

var sqliteNoise = regexp.MustCompile(`^(SQL logic error|sqlite error|SQLITE_ERROR):\s*|\s*\(\d+\)$`)

// sqlMessage strips the driver's decoration from a database error.
func sqlMessage(err error) string {
	return sqliteNoise.ReplaceAllString(err.Error(), "")
}
