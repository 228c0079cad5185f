package database

import (
	"context"
	"strings"
	"sync"

	"github.com/sqlforge/sqlforge/internal/bqdb"
	"github.com/sqlforge/sqlforge/internal/sampledb"
	"github.com/sqlforge/sqlforge/internal/schema"
)

// IsBigQueryURL reports whether ref is a bigquery:// reference
// (bigquery://HOST:PORT/PROJECT/DATASET).
func IsBigQueryURL(ref string) bool { return bqdb.IsURL(ref) }

// openBigQuery opens the BigQuery dataset ref names through bqdb's read-only
// database/sql driver (one SELECT or WITH statement a query) and checks that the
// dataset exists. Name is the reference as bqdb writes it.
func openBigQuery(ctx context.Context, ref string) (*DB, error) {
	r, err := bqdb.ParseURL(ref)
	if err != nil {
		return nil, err
	}
	db, err := bqdb.Open(ctx, ref)
	if err != nil {
		return nil, err
	}
	return &DB{DB: db, Name: r.String(), dialect: bqdb.Dialect}, nil
}

func init() { bqdb.KeysFrom = embeddedKeys }

var (
	embeddedOnce    sync.Once
	embeddedSchemas []*schema.Schema
)

// embeddedKeys returns the schema of the embedded sample database whose tables the
// BigQuery schema s holds, every one with the same columns (what `sqlforge db
// load-bigquery` copies), or nil: its primary and foreign keys stand for the
// constraints a dataset may lack (one not loaded by bqload).
func embeddedKeys(s *schema.Schema) *schema.Schema {
	embeddedOnce.Do(func() {
		for _, name := range sampledb.Names() {
			path, err := cachedCopy(name)
			if err != nil {
				continue
			}
			db, err := openFile(context.Background(), path)
			if err != nil {
				continue
			}
			sch, err := schema.IntrospectWith(context.Background(), db, schema.Options{Samples: -1})
			db.Close()
			if err == nil {
				embeddedSchemas = append(embeddedSchemas, sch)
			}
		}
	})
	for _, e := range embeddedSchemas {
		if holds(s, e) {
			return e
		}
	}
	return nil
}

// holds reports whether every table of e is in s with the same column names.
func holds(s, e *schema.Schema) bool {
	n := 0
	for _, et := range e.Tables {
		if et.Kind != "table" {
			continue
		}
		n++
		st := s.Table(et.Name)
		if st == nil || len(st.Columns) != len(et.Columns) {
			return false
		}
		for i, c := range et.Columns {
			if !strings.EqualFold(c.Name, st.Columns[i].Name) {
				return false
			}
		}
	}
	return n > 0
}
