package bqdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"cloud.google.com/go/bigquery"
	"google.golang.org/api/iterator"

	"github.com/sqlforge/sqlforge/internal/schema"
)

// Dialect is the dialect name of BigQuery databases (schema.Schema.Dialect,
// database.DB.Dialect, internal/dialect/dialects).
const Dialect = "bigquery"

func init() {
	schema.RegisterIntrospector(Dialect, func(ctx context.Context, db *sql.DB, opts schema.Options) (*schema.Schema, error) {
		d, err := DatasetOf(ctx, db)
		if err != nil {
			return nil, fmt.Errorf("read bigquery schema: %w", err)
		}
		return Introspect(ctx, d, opts)
	})
}

// KeysFrom, when set, supplies primary and foreign keys for a dataset whose tables
// carry no table constraints (datasets not made by bqload often have none):
// given the introspected schema, it returns a schema of the same tables with keys, or
// nil. Package database sets it to match the embedded sample databases, so a dataset
// loaded by `sqlforge db load-bigquery` gets the keys of its source.
var KeysFrom func(*schema.Schema) *schema.Schema

// Introspect reads the dataset's schema through the API into the model
// schema.Introspect gives for SQLite: tables and views (tables.list and tables.get),
// columns with GoogleSQL types (INT64, FLOAT64, STRING, BYTES, BOOL, DATE, ...) and
// REQUIRED as NOT NULL, primary and foreign keys from the tables' constraints (or
// KeysFrom), row counts (COUNT(*)) and sample values like SQLite's (the most
// frequent non-NULL values among the first opts.SampleRows rows; BYTES, arrays and
// records skipped).
func Introspect(ctx context.Context, d *Dataset, opts schema.Options) (*schema.Schema, error) {
	if opts.Samples == 0 {
		opts.Samples = 3
	}
	if opts.SampleRows == 0 {
		opts.SampleRows = 10_000
	}
	if opts.MaxSampleLen == 0 {
		opts.MaxSampleLen = 40
	}
	s := &schema.Schema{Dialect: Dialect}
	ds := d.Client.Dataset(d.Ref.Dataset)
	it := ds.Tables(ctx)
	var haveKeys bool
	for {
		tb, err := it.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read bigquery schema %s: list tables: %w", d.Ref.Dataset, err)
		}
		md, err := tb.Metadata(ctx)
		if err != nil {
			return nil, fmt.Errorf("read bigquery schema: table %s: %w", tb.TableID, err)
		}
		t := &schema.Table{Name: tb.TableID, Kind: "table"}
		switch md.Type {
		case bigquery.ViewTable, bigquery.MaterializedView:
			t.Kind, t.SQL = "view", md.ViewQuery
		}
		for _, f := range md.Schema {
			t.Columns = append(t.Columns, &schema.Column{Name: f.Name, Type: TypeName(f), NotNull: f.Required})
		}
		if tc := md.TableConstraints; tc != nil {
			if tc.PrimaryKey != nil && len(tc.PrimaryKey.Columns) > 0 {
				haveKeys = true
				t.PrimaryKey = append([]string(nil), tc.PrimaryKey.Columns...)
			}
			for _, fk := range tc.ForeignKeys {
				if fk == nil || fk.ReferencedTable == nil {
					continue
				}
				haveKeys = true
				k := schema.ForeignKey{RefTable: fk.ReferencedTable.TableID}
				for _, cr := range fk.ColumnReferences {
					k.Columns = append(k.Columns, cr.ReferencingColumn)
					k.RefColumns = append(k.RefColumns, cr.ReferencedColumn)
				}
				t.ForeignKeys = append(t.ForeignKeys, k)
			}
		}
		s.Tables = append(s.Tables, t)
	}
	// The order schema.Introspect gives: tables, then views, each by case-folded name.
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
	if !haveKeys && KeysFrom != nil {
		if k := KeysFrom(s); k != nil {
			copyKeys(s, k)
		}
	}
	for _, t := range s.Tables {
		for i, c := range t.Columns {
			for p, name := range t.PrimaryKey {
				if strings.EqualFold(name, c.Name) {
					t.Columns[i].PK = p + 1
				}
			}
		}
		if t.Kind == "table" {
			n, err := d.count(ctx, t.Name)
			if err != nil {
				return nil, fmt.Errorf("count rows of %s: %w", t.Name, err)
			}
			t.RowCount = n
		}
		if opts.Samples > 0 {
			for _, c := range t.Columns {
				var err error
				if c.Samples, err = d.samples(ctx, t.Name, c, opts); err != nil {
					return nil, fmt.Errorf("read samples of %s.%s: %w", t.Name, c.Name, err)
				}
			}
		}
	}
	return s, nil
}

// copyKeys gives s's tables the keys of the same-named tables of k.
func copyKeys(s, k *schema.Schema) {
	for _, t := range s.Tables {
		kt := k.Table(t.Name)
		if kt == nil {
			continue
		}
		t.PrimaryKey = append([]string(nil), kt.PrimaryKey...)
		t.ForeignKeys = append([]schema.ForeignKey(nil), kt.ForeignKeys...)
	}
}

// TypeName is the GoogleSQL name of a field's type: INT64, FLOAT64, NUMERIC,
// BIGNUMERIC, BOOL, STRING, BYTES, DATE, DATETIME, TIME, TIMESTAMP, GEOGRAPHY,
// JSON, STRUCT, with ARRAY<...> for repeated fields.
func TypeName(f *bigquery.FieldSchema) string {
	t := string(f.Type)
	switch f.Type {
	case bigquery.IntegerFieldType:
		t = "INT64"
	case bigquery.FloatFieldType:
		t = "FLOAT64"
	case bigquery.BooleanFieldType:
		t = "BOOL"
	case bigquery.BigNumericFieldType:
		t = "BIGNUMERIC"
	case bigquery.RecordFieldType:
		t = "STRUCT"
	}
	if f.Repeated {
		t = "ARRAY<" + t + ">"
	}
	return t
}

func (d *Dataset) count(ctx context.Context, table string) (int64, error) {
	r, err := d.Query(ctx, "SELECT COUNT(*) FROM "+QuoteIdent(table), nil, QueryOptions{})
	if err != nil {
		return 0, err
	}
	row, err := r.Next()
	if err != nil {
		return 0, err
	}
	n, ok := row[0].(int64)
	if !ok {
		return 0, fmt.Errorf("COUNT(*) gave %T", row[0])
	}
	return n, nil
}

// samples reads up to opts.Samples of c's most frequent values.
func (d *Dataset) samples(ctx context.Context, table string, c *schema.Column, opts schema.Options) ([]any, error) {
	switch {
	case strings.HasPrefix(c.Type, "ARRAY"), c.Type == "STRUCT", c.Type == "BYTES", c.Type == "JSON", c.Type == "GEOGRAPHY":
		return nil, nil // not orderable or not useful
	}
	col := QuoteIdent(c.Name)
	// A CTE, not a derived table: the emulator mistranslates a LIMIT inside FROM (...) followed by WHERE.
	q := fmt.Sprintf("WITH s AS (SELECT %s AS v FROM %s LIMIT %d) SELECT v FROM s WHERE v IS NOT NULL GROUP BY v ORDER BY COUNT(*) DESC, v LIMIT %d",
		col, QuoteIdent(table), opts.SampleRows, opts.Samples)
	r, err := d.Query(ctx, q, nil, QueryOptions{})
	if err != nil {
		return nil, err
	}
	var out []any
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch v := row[0].(type) {
		case int64, float64:
			out = append(out, v)
		case bool:
			out = append(out, fmt.Sprint(v))
		case string:
			out = append(out, truncate(v, opts.MaxSampleLen))
		default:
			out = append(out, truncate(fmt.Sprint(v), opts.MaxSampleLen))
		}
	}
}

// truncate makes s valid UTF-8 and cuts it to n characters, marking the cut (as
// package schema does).
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
