// Package pgload copies a SQLite database (such as the embedded Northwind) into a
// PostgreSQL schema, so that the same questions can be evaluated on both engines.
//
// Table and column names are kept as they are, case included, and always double-quoted,
// so queries must quote CamelCase names the way the postgres dialect does ("Orders",
// "OrderDate"). Column types follow PGType; primary keys are copied, foreign keys are
// added NOT VALID (recorded for introspection, not checked against the copied rows).
// Rows go through COPY. Views are not copied: their SQL is SQLite's.
//
// The whole load runs in one transaction: a failure leaves the target schema as it was.
package pgload

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/sqlforge/sqlforge/internal/schema"
)

// Beginner starts a transaction; *pgx.Conn and *pgxpool.Pool both are.
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Options tune Load.
type Options struct {
	// Schema is the PostgreSQL schema to load into, created when missing ("public" when empty).
	Schema string
	// Replace drops tables of the same names in Schema first; without it an existing
	// table makes Load fail.
	Replace bool
}

// Table is one copied table.
type Table struct {
	// Name is the table's name, the same in both databases.
	Name string `json:"name"`
	// Rows is the number of rows copied.
	Rows int64 `json:"rows"`
	// Columns are the PostgreSQL column definitions, in order, as "name type".
	Columns []string `json:"columns"`
}

// Result tells what Load copied.
type Result struct {
	Schema string  `json:"schema"`
	Tables []Table `json:"tables"`
	// SkippedViews are the source's views, which are not copied.
	SkippedViews []string `json:"skipped_views,omitempty"`
}

// Load copies every table of the SQLite database src into the PostgreSQL schema
// opts.Schema through pg, in one transaction.
func Load(ctx context.Context, src *sql.DB, pg Beginner, opts Options) (*Result, error) {
	if opts.Schema == "" {
		opts.Schema = "public"
	}
	sch, err := schema.IntrospectWith(ctx, src, schema.Options{Samples: -1})
	if err != nil {
		return nil, fmt.Errorf("load into postgres: read sqlite schema: %w", err)
	}
	tx, err := pg.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("load into postgres: begin: %w", err)
	}
	defer func() { _ = tx.Rollback(context.Background()) }()

	res := &Result{Schema: opts.Schema}
	if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+quote(opts.Schema)); err != nil {
		return nil, fmt.Errorf("load into postgres: create schema %s: %w", opts.Schema, err)
	}
	var tables []*schema.Table
	for _, t := range sch.Tables {
		if t.Kind != "table" {
			res.SkippedViews = append(res.SkippedViews, t.Name)
			continue
		}
		tables = append(tables, t)
	}
	for _, t := range tables {
		cols, err := createTable(ctx, tx, opts, t)
		if err != nil {
			return nil, fmt.Errorf("load into postgres: %w", err)
		}
		n, err := copyRows(ctx, src, tx, opts.Schema, t)
		if err != nil {
			return nil, fmt.Errorf("load into postgres: copy table %s: %w", t.Name, err)
		}
		res.Tables = append(res.Tables, Table{Name: t.Name, Rows: n, Columns: cols})
	}
	for _, t := range tables {
		if err := addForeignKeys(ctx, tx, opts.Schema, sch, t); err != nil {
			return nil, fmt.Errorf("load into postgres: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("load into postgres: commit: %w", err)
	}
	return res, nil
}

// createTable creates t in the target schema and returns its column definitions.
func createTable(ctx context.Context, tx pgx.Tx, opts Options, t *schema.Table) ([]string, error) {
	name := quote(opts.Schema) + "." + quote(t.Name)
	if opts.Replace {
		if _, err := tx.Exec(ctx, "DROP TABLE IF EXISTS "+name+" CASCADE"); err != nil {
			return nil, fmt.Errorf("drop table %s: %w", t.Name, err)
		}
	}
	var defs, cols []string
	for _, c := range t.Columns {
		def := quote(c.Name) + " " + PGType(c.Type)
		if c.NotNull || c.PK > 0 {
			def += " NOT NULL"
		}
		defs = append(defs, def)
		cols = append(cols, c.Name+" "+PGType(c.Type))
	}
	if len(t.PrimaryKey) > 0 {
		defs = append(defs, "PRIMARY KEY ("+quoteList(t.PrimaryKey)+")")
	}
	ddl := "CREATE TABLE " + name + " (\n  " + strings.Join(defs, ",\n  ") + "\n)"
	if _, err := tx.Exec(ctx, ddl); err != nil {
		return nil, fmt.Errorf("create table %s: %w", t.Name, err)
	}
	return cols, nil
}

// copyRows streams t's rows from SQLite into PostgreSQL with COPY. Each column is read
// as +"col", an expression, so that modernc.org/sqlite hands back the stored text of
// DATE columns instead of a time.Time.
func copyRows(ctx context.Context, src *sql.DB, tx pgx.Tx, schemaName string, t *schema.Table) (int64, error) {
	sel := make([]string, len(t.Columns))
	names := make([]string, len(t.Columns))
	types := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		sel[i] = "+" + quote(c.Name)
		names[i] = c.Name
		types[i] = PGType(c.Type)
	}
	rows, err := src.QueryContext(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+quote(t.Name))
	if err != nil {
		return 0, fmt.Errorf("read sqlite rows: %w", err)
	}
	defer rows.Close()
	rs := &rowSource{rows: rows, types: types, names: names}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{schemaName, t.Name}, names, rs)
	if rs.err != nil {
		return n, rs.err // the server only echoes it back, wrapped as a COPY failure
	}
	if err != nil {
		return n, err
	}
	return n, rows.Err()
}

// rowSource adapts SQLite rows to pgx.CopyFromSource, converting each value to its
// column's PostgreSQL type.
type rowSource struct {
	rows  *sql.Rows
	types []string
	names []string
	row   int
	vals  []any
	err   error
}

func (s *rowSource) Next() bool {
	if s.err != nil || !s.rows.Next() {
		return false
	}
	s.row++
	raw := make([]any, len(s.types))
	ptrs := make([]any, len(raw))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	if err := s.rows.Scan(ptrs...); err != nil {
		s.err = fmt.Errorf("row %d: %w", s.row, err)
		return false
	}
	s.vals = make([]any, len(raw))
	for i, v := range raw {
		c, err := convert(v, s.types[i])
		if err != nil {
			s.err = fmt.Errorf("row %d, column %s: %w", s.row, s.names[i], err)
			return false
		}
		s.vals[i] = c
	}
	return true
}

func (s *rowSource) Values() ([]any, error) { return s.vals, nil }

func (s *rowSource) Err() error { return s.err }

// addForeignKeys adds t's foreign keys NOT VALID when they reference their table's
// primary key (PostgreSQL requires a unique target); others are left out.
func addForeignKeys(ctx context.Context, tx pgx.Tx, schemaName string, sch *schema.Schema, t *schema.Table) error {
	for i, fk := range t.ForeignKeys {
		ref := sch.Table(fk.RefTable)
		if ref == nil || ref.Kind != "table" {
			continue
		}
		if refCols := fk.RefColumns; len(refCols) > 0 && !sameNames(ref.PrimaryKey, refCols) {
			continue
		}
		if len(ref.PrimaryKey) != len(fk.Columns) {
			continue
		}
		stmt := fmt.Sprintf("ALTER TABLE %s.%s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s.%s (%s) NOT VALID",
			quote(schemaName), quote(t.Name), quote(fmt.Sprintf("%s_fk%d", t.Name, i+1)), quoteList(fk.Columns),
			quote(schemaName), quote(ref.Name), quoteList(ref.PrimaryKey))
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("add foreign key of %s: %w", t.Name, err)
		}
	}
	return nil
}

func sameNames(a, b []string) bool {
	if len(a) == 0 || len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

// quote always double-quotes an identifier, keeping its case.
func quote(ident string) string { return pgx.Identifier{ident}.Sanitize() }

func quoteList(idents []string) string {
	q := make([]string, len(idents))
	for i, s := range idents {
		q[i] = quote(s)
	}
	return strings.Join(q, ", ")
}

// URLSchema is the schema a connection URL names with search_path (its first entry), where
// `--db postgres://...?search_path=S` reads the tables; "public" when it names none.
func URLSchema(runtimeParams map[string]string) string {
	first, _, _ := strings.Cut(runtimeParams["search_path"], ",")
	if s := strings.Trim(strings.TrimSpace(first), `"`); s != "" {
		return s
	}
	return "public"
}
