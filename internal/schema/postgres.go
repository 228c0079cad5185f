package schema

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgresQuerier runs queries on a PostgreSQL server; *pgx.Conn, *pgxpool.Pool and
// pgx.Tx all are.
type PostgresQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// IntrospectPostgres reads the schema of one PostgreSQL schema (namespace), "public"
// when pgSchema is empty, into the same model Introspect gives for SQLite: tables and
// views with their columns from information_schema, primary and foreign keys from
// pg_catalog (NOT VALID foreign keys included), row counts of tables, and sample values.
// Column types are PostgreSQL's names ("bigint", "double precision", "character
// varying(40)"); a view's SQL is its pg_get_viewdef text, a table's is empty since
// PostgreSQL keeps no CREATE statement.
func IntrospectPostgres(ctx context.Context, db PostgresQuerier, pgSchema string, opts Options) (*Schema, error) {
	opts = opts.withDefaults()
	if pgSchema == "" {
		pgSchema = "public"
	}
	s := &Schema{Dialect: "postgres"}
	rows, err := db.Query(ctx, `SELECT table_name, CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END,
			CASE table_type WHEN 'VIEW' THEN coalesce(pg_get_viewdef(format('%I.%I', table_schema, table_name)::regclass), '') ELSE '' END
		FROM information_schema.tables
		WHERE table_schema = $1 AND table_type IN ('BASE TABLE', 'VIEW')`, pgSchema)
	if err != nil {
		return nil, fmt.Errorf("read postgres schema %s: %w", pgSchema, err)
	}
	for rows.Next() {
		t := &Table{}
		if err := rows.Scan(&t.Name, &t.Kind, &t.SQL); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read postgres schema %s: %w", pgSchema, err)
		}
		s.Tables = append(s.Tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read postgres schema %s: %w", pgSchema, err)
	}
	// The order Introspect gives: tables, then views, each by case-folded name.
	sort.SliceStable(s.Tables, func(i, j int) bool {
		a, b := s.Tables[i], s.Tables[j]
		if (a.Kind == "view") != (b.Kind == "view") {
			return b.Kind == "view"
		}
		if la, lb := strings.ToLower(a.Name), strings.ToLower(b.Name); la != lb {
			return la < lb
		}
		return a.Name < b.Name
	})
	for _, t := range s.Tables {
		if err := readPGColumns(ctx, db, pgSchema, t); err != nil {
			return nil, fmt.Errorf("read columns of %s: %w", t.Name, err)
		}
		if err := readPGForeignKeys(ctx, db, pgSchema, t); err != nil {
			return nil, fmt.Errorf("read foreign keys of %s: %w", t.Name, err)
		}
		qualified := pgQuote(pgSchema) + "." + pgQuote(t.Name)
		if t.Kind == "table" {
			if err := db.QueryRow(ctx, "SELECT count(*) FROM "+qualified).Scan(&t.RowCount); err != nil {
				return nil, fmt.Errorf("count rows of %s: %w", t.Name, err)
			}
		}
		if opts.Samples > 0 {
			for _, c := range t.Columns {
				if c.Samples, err = readPGSamples(ctx, db, qualified, c, opts); err != nil {
					return nil, fmt.Errorf("read samples of %s.%s: %w", t.Name, c.Name, err)
				}
			}
		}
	}
	return s, nil
}

// readPGColumns reads t's columns in order and its primary key.
func readPGColumns(ctx context.Context, db PostgresQuerier, pgSchema string, t *Table) error {
	rows, err := db.Query(ctx, `SELECT column_name,
			CASE WHEN character_maximum_length IS NOT NULL THEN data_type || '(' || character_maximum_length || ')'
			     WHEN data_type = 'numeric' AND numeric_precision IS NOT NULL THEN 'numeric(' || numeric_precision || ',' || numeric_scale || ')'
			     WHEN data_type IN ('USER-DEFINED', 'ARRAY') THEN udt_name
			     ELSE data_type END,
			is_nullable = 'NO', column_default
		FROM information_schema.columns
		WHERE table_schema = $1 AND table_name = $2
		ORDER BY ordinal_position`, pgSchema, t.Name)
	if err != nil {
		return err
	}
	for rows.Next() {
		c := &Column{}
		if err := rows.Scan(&c.Name, &c.Type, &c.NotNull, &c.Default); err != nil {
			rows.Close()
			return err
		}
		t.Columns = append(t.Columns, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if t.Kind != "table" {
		return nil
	}
	rows, err = db.Query(ctx, `SELECT a.attname
		FROM pg_index i
		CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
		WHERE i.indisprimary AND i.indrelid = format('%I.%I', $1::text, $2::text)::regclass
		ORDER BY k.ord`, pgSchema, t.Name)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		t.PrimaryKey = append(t.PrimaryKey, name)
		if c := t.exactColumn(name); c != nil {
			c.PK = len(t.PrimaryKey)
		}
	}
	return rows.Err()
}

// readPGForeignKeys reads t's foreign keys in the order they were created.
func readPGForeignKeys(ctx context.Context, db PostgresQuerier, pgSchema string, t *Table) error {
	if t.Kind != "table" {
		return nil
	}
	rows, err := db.Query(ctx, `SELECT c.oid::bigint, rt.relname, a.attname, ra.attname
		FROM pg_constraint c
		JOIN pg_class rt ON rt.oid = c.confrelid
		CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(col, refcol, ord)
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
		JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.refcol
		WHERE c.contype = 'f' AND c.conrelid = format('%I.%I', $1::text, $2::text)::regclass
		ORDER BY c.oid, k.ord`, pgSchema, t.Name)
	if err != nil {
		return err
	}
	defer rows.Close()
	byOID := map[int64]int{}
	for rows.Next() {
		var oid int64
		var ref, col, refCol string
		if err := rows.Scan(&oid, &ref, &col, &refCol); err != nil {
			return err
		}
		i, ok := byOID[oid]
		if !ok {
			i = len(t.ForeignKeys)
			byOID[oid] = i
			t.ForeignKeys = append(t.ForeignKeys, ForeignKey{RefTable: ref})
		}
		t.ForeignKeys[i].Columns = append(t.ForeignKeys[i].Columns, col)
		t.ForeignKeys[i].RefColumns = append(t.ForeignKeys[i].RefColumns, refCol)
	}
	return rows.Err()
}

// readPGSamples reads the most frequent distinct non-NULL values of a column among the
// first SampleRows rows (none for bytea), as int64, float64 or text like Introspect.
func readPGSamples(ctx context.Context, db PostgresQuerier, qualified string, c *Column, opts Options) ([]any, error) {
	kind := pgSampleKind(c.Type)
	if kind == "skip" {
		return nil, nil
	}
	q := fmt.Sprintf(`SELECT v::text FROM (SELECT %s AS v FROM %s LIMIT %d) s
		WHERE v IS NOT NULL GROUP BY v ORDER BY count(*) DESC, v LIMIT %d`,
		pgQuote(c.Name), qualified, opts.SampleRows, opts.Samples)
	rows, err := db.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []any
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		switch kind {
		case "int":
			if i, err := strconv.ParseInt(v, 10, 64); err == nil {
				out = append(out, i)
				continue
			}
		case "float":
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				out = append(out, f)
				continue
			}
		}
		out = append(out, truncate(v, opts.MaxSampleLen))
	}
	return out, rows.Err()
}

// pgSampleKind says how samples of a column of PostgreSQL type typ are kept.
func pgSampleKind(typ string) string {
	switch {
	case typ == "bytea", strings.HasPrefix(typ, "json"), typ == "xml", typ == "tsvector":
		return "skip" // no useful or no orderable samples
	case typ == "smallint", typ == "integer", typ == "bigint":
		return "int"
	case typ == "real", typ == "double precision", strings.HasPrefix(typ, "numeric"):
		return "float"
	}
	return "text"
}

// exactColumn returns the column whose name is exactly name (PostgreSQL names are
// case-sensitive once quoted), or nil.
func (t *Table) exactColumn(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// pgQuote always double-quotes an identifier, keeping its case.
func pgQuote(ident string) string { return pgx.Identifier{ident}.Sanitize() }

// IntrospectDialect reads the schema of db, a database/sql handle of the given dialect:
// Introspect for "sqlite" (or ""); for "postgres" (a pgx stdlib connection),
// IntrospectPostgres of the first schema on the search path (current_schema()); for a
// dialect another package registered (RegisterIntrospector, e.g. "bigquery"), that reader.
func IntrospectDialect(ctx context.Context, db *sql.DB, dialect string) (*Schema, error) {
	if f := introspectors[dialect]; f != nil {
		return f(ctx, db, Options{})
	}
	if dialect != "postgres" {
		return Introspect(ctx, db)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("read postgres schema: %w", err)
	}
	defer conn.Close()
	var s *Schema
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		pc := sc.Conn()
		var ns string
		if err := pc.QueryRow(ctx, "SELECT current_schema()").Scan(&ns); err != nil {
			return err
		}
		var err error
		s, err = IntrospectPostgres(ctx, pc, ns, Options{})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read postgres schema: %w", err)
	}
	return s, nil
}

// introspectors read the schema of a *sql.DB of another engine, by dialect name
// (RegisterIntrospector).
var introspectors = map[string]func(context.Context, *sql.DB, Options) (*Schema, error){}

// RegisterIntrospector makes IntrospectDialect read databases of dialect with f: for
// engines whose packages import this one (BigQuery: internal/bqdb registers itself
// in its init).
func RegisterIntrospector(dialect string, f func(context.Context, *sql.DB, Options) (*Schema, error)) {
	introspectors[dialect] = f
}

// IntrospectDialectWith is IntrospectDialect with options: SQLite and registered readers
// honour them; PostgreSQL reads with its defaults.
func IntrospectDialectWith(ctx context.Context, db *sql.DB, dialect string, opts Options) (*Schema, error) {
	if s, ok, err := IntrospectRegistered(ctx, db, dialect, opts); ok {
		return s, err
	}
	if dialect == "postgres" {
		return IntrospectDialect(ctx, db, dialect)
	}
	return IntrospectWith(ctx, db, opts)
}

// IntrospectRegistered reads db with the reader registered for dialect, with opts; ok
// is false when none is registered.
func IntrospectRegistered(ctx context.Context, db *sql.DB, dialect string, opts Options) (s *Schema, ok bool, err error) {
	f := introspectors[dialect]
	if f == nil {
		return nil, false, nil
	}
	s, err = f(ctx, db, opts)
	return s, true, err
}
