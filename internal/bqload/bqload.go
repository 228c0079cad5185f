// Package bqload copies a SQLite database (such as the embedded Northwind) into a
// BigQuery dataset, so that the same questions can be generated, verified and evaluated
// on BigQuery (goccy/bigquery-emulator locally, or the real service).
//
// It creates the dataset when missing, then each table with the column types of Type
// (the choices of internal/pgload: integers INT64, REAL and NUMERIC FLOAT64, text and
// dates STRING 'YYYY-MM-DD', BLOB BYTES), NOT NULL and primary-key columns REQUIRED, and
// primary and foreign keys as table constraints (BigQuery and the emulator record them,
// NOT ENFORCED; without them sqlforge takes the keys of a matching embedded source, see
// bqdb.KeysFrom). Rows go in through the streaming insert API (tabledata.insertAll)
// in batches. Views are not copied: their SQL is SQLite's.
//
// BigQuery has no multi-table transaction: a failure can leave some tables loaded; load
// again with Replace.
package bqload

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"cloud.google.com/go/bigquery"
	"google.golang.org/api/googleapi"

	"github.com/sqlforge/sqlforge/internal/bqdb"
	"github.com/sqlforge/sqlforge/internal/pgload"
	"github.com/sqlforge/sqlforge/internal/schema"
)

// Options tune Load.
type Options struct {
	// Replace deletes tables of the same names first; without it an existing table
	// makes Load fail (ErrExists).
	Replace bool
	// BatchRows is the number of rows a streaming insert request carries (500 when 0).
	BatchRows int
}

// ErrExists is wrapped by Load's error when a table exists and Replace is off.
var ErrExists = errors.New("table already exists")

// Table is one copied table.
type Table struct {
	Name string `json:"name"`
	// Rows is the number of rows copied.
	Rows int64 `json:"rows"`
	// Columns are the BigQuery column definitions, in order, as "name TYPE".
	Columns []string `json:"columns"`
}

// Result tells what Load copied.
type Result struct {
	Project string  `json:"project"`
	Dataset string  `json:"dataset"`
	Tables  []Table `json:"tables"`
	// SkippedViews are the source's views, which are not copied.
	SkippedViews []string `json:"skipped_views,omitempty"`
}

// Type maps a SQLite declared column type to the BigQuery type bqload creates, through
// pgload.PGType so that both loaders make the same choices: INT64, FLOAT64, STRING
// (dates included, kept as stored) or BYTES.
func Type(decl string) bigquery.FieldType {
	switch pgload.PGType(decl) {
	case pgload.TypeBigint:
		return bigquery.IntegerFieldType
	case pgload.TypeText:
		return bigquery.StringFieldType
	case pgload.TypeBytea:
		return bigquery.BytesFieldType
	}
	return bigquery.FloatFieldType
}

// typeName is Type's GoogleSQL name.
func typeName(decl string) string {
	return bqdb.TypeName(&bigquery.FieldSchema{Type: Type(decl)})
}

// Load copies every table of the SQLite database src into d's dataset.
func Load(ctx context.Context, src *sql.DB, d *bqdb.Dataset, opts Options) (*Result, error) {
	if opts.BatchRows <= 0 {
		opts.BatchRows = 500
	}
	sch, err := schema.IntrospectWith(ctx, src, schema.Options{Samples: -1})
	if err != nil {
		return nil, fmt.Errorf("load into bigquery: read sqlite schema: %w", err)
	}
	ds := d.Client.Dataset(d.Ref.Dataset)
	// Create only a missing dataset: the emulator answers 500, not 409, for one that exists.
	if _, err := ds.Metadata(ctx); err != nil {
		if !isStatus(err, http.StatusNotFound) {
			return nil, fmt.Errorf("load into bigquery: dataset %s: %w", d.Ref.Dataset, err)
		}
		if err := ds.Create(ctx, &bigquery.DatasetMetadata{}); err != nil && !isStatus(err, http.StatusConflict) {
			return nil, fmt.Errorf("load into bigquery: create dataset %s: %w", d.Ref.Dataset, err)
		}
	}
	res := &Result{Project: d.Ref.Project, Dataset: d.Ref.Dataset}
	for _, t := range sch.Tables {
		if t.Kind != "table" {
			res.SkippedViews = append(res.SkippedViews, t.Name)
			continue
		}
		cols, err := createTable(ctx, ds, sch, t, opts)
		if err != nil {
			return nil, fmt.Errorf("load into bigquery: %w", err)
		}
		n, err := copyRows(ctx, src, ds.Table(t.Name), t, opts.BatchRows)
		if err != nil {
			return nil, fmt.Errorf("load into bigquery: copy table %s: %w", t.Name, err)
		}
		res.Tables = append(res.Tables, Table{Name: t.Name, Rows: n, Columns: cols})
	}
	return res, nil
}

// createTable creates t in ds and returns its column definitions.
func createTable(ctx context.Context, ds *bigquery.Dataset, sch *schema.Schema, t *schema.Table, opts Options) ([]string, error) {
	tb := ds.Table(t.Name)
	if _, err := tb.Metadata(ctx); err == nil {
		if !opts.Replace {
			return nil, fmt.Errorf("create table %s: %w", t.Name, ErrExists)
		}
		if err := tb.Delete(ctx); err != nil {
			return nil, fmt.Errorf("delete table %s: %w", t.Name, err)
		}
	} else if !isStatus(err, http.StatusNotFound) {
		return nil, fmt.Errorf("table %s: %w", t.Name, err)
	}
	var fields bigquery.Schema
	var cols []string
	for _, c := range t.Columns {
		fields = append(fields, &bigquery.FieldSchema{Name: c.Name, Type: Type(c.Type), Required: c.NotNull || c.PK > 0})
		cols = append(cols, c.Name+" "+typeName(c.Type))
	}
	md := &bigquery.TableMetadata{Schema: fields, TableConstraints: constraints(sch, t)}
	if err := tb.Create(ctx, md); err != nil {
		return nil, fmt.Errorf("create table %s: %w", t.Name, err)
	}
	return cols, nil
}

// constraints are t's primary key and its foreign keys to other tables' primary keys,
// NOT ENFORCED as BigQuery's constraints always are.
func constraints(sch *schema.Schema, t *schema.Table) *bigquery.TableConstraints {
	tc := &bigquery.TableConstraints{}
	if len(t.PrimaryKey) > 0 {
		tc.PrimaryKey = &bigquery.PrimaryKey{Columns: append([]string(nil), t.PrimaryKey...)}
	}
	for i, fk := range t.ForeignKeys {
		ref := sch.Table(fk.RefTable)
		if ref == nil || ref.Kind != "table" || len(ref.PrimaryKey) != len(fk.Columns) {
			continue
		}
		refCols := fk.RefColumns
		if len(refCols) == 0 {
			refCols = ref.PrimaryKey
		}
		k := &bigquery.ForeignKey{Name: fmt.Sprintf("%s_fk%d", t.Name, i+1),
			ReferencedTable: &bigquery.Table{TableID: ref.Name}}
		for j, c := range fk.Columns {
			k.ColumnReferences = append(k.ColumnReferences, &bigquery.ColumnReference{ReferencingColumn: c, ReferencedColumn: refCols[j]})
		}
		tc.ForeignKeys = append(tc.ForeignKeys, k)
	}
	if tc.PrimaryKey == nil && len(tc.ForeignKeys) == 0 {
		return nil
	}
	return tc
}

// copyRows streams t's rows from SQLite into tb, batch rows a request. Each column is
// read as +"col", an expression, so that modernc.org/sqlite hands back the stored text
// of DATE columns instead of a time.Time.
func copyRows(ctx context.Context, src *sql.DB, tb *bigquery.Table, t *schema.Table, batch int) (int64, error) {
	sel := make([]string, len(t.Columns))
	types := make([]string, len(t.Columns))
	var fields bigquery.Schema
	for i, c := range t.Columns {
		sel[i] = "+" + sqliteQuote(c.Name)
		types[i] = pgload.PGType(c.Type)
		fields = append(fields, &bigquery.FieldSchema{Name: c.Name, Type: Type(c.Type)})
	}
	rows, err := src.QueryContext(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+sqliteQuote(t.Name))
	if err != nil {
		return 0, fmt.Errorf("read sqlite rows: %w", err)
	}
	defer rows.Close()
	ins := tb.Inserter()
	var pending []*bigquery.ValuesSaver
	var n int64
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		if err := putRetrying(ctx, ins, pending); err != nil {
			return fmt.Errorf("insert rows %d-%d: %w", n-int64(len(pending))+1, n, err)
		}
		pending = pending[:0]
		return nil
	}
	for rows.Next() {
		raw := make([]any, len(types))
		ptrs := make([]any, len(raw))
		for i := range raw {
			ptrs[i] = &raw[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, fmt.Errorf("row %d: %w", n+1, err)
		}
		vals := make([]bigquery.Value, len(raw))
		for i, v := range raw {
			c, err := pgload.Convert(v, types[i])
			if err != nil {
				return n, fmt.Errorf("row %d, column %s: %w", n+1, t.Columns[i].Name, err)
			}
			vals[i] = c
		}
		n++
		// The insert ID makes a retried request idempotent on the real service.
		pending = append(pending, &bigquery.ValuesSaver{Schema: fields, InsertID: fmt.Sprintf("%s-%d", t.Name, n), Row: vals})
		if len(pending) >= batch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

// putRetrying inserts rows, retrying a few times while a just-created table is not
// yet visible to the streaming API (the real service answers 404 for a short while).
func putRetrying(ctx context.Context, ins *bigquery.Inserter, rows []*bigquery.ValuesSaver) error {
	var err error
	for wait := 500 * time.Millisecond; wait <= 8*time.Second; wait *= 2 {
		if err = ins.Put(ctx, rows); err == nil || !isStatus(err, http.StatusNotFound) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
	return err
}

// isStatus reports whether err is an API error with the HTTP status code.
func isStatus(err error, code int) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == code
}

// sqliteQuote double-quotes a SQLite identifier.
func sqliteQuote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }
