package bqload_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"cloud.google.com/go/bigquery"

	"github.com/sqlforge/sqlforge/internal/bqdb"
	"github.com/sqlforge/sqlforge/internal/bqload"
	"github.com/sqlforge/sqlforge/internal/bqload/bqtest"
	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/schema"
)

func TestType(t *testing.T) {
	for decl, want := range map[string]bigquery.FieldType{
		"INTEGER": bigquery.IntegerFieldType, "int": bigquery.IntegerFieldType, "REAL": bigquery.FloatFieldType,
		"NUMERIC(10,2)": bigquery.FloatFieldType, "TEXT": bigquery.StringFieldType, "nvarchar(40)": bigquery.StringFieldType,
		"DATETIME": bigquery.StringFieldType, "DATE": bigquery.StringFieldType, "BLOB": bigquery.BytesFieldType, "": bigquery.StringFieldType,
	} {
		if got := bqload.Type(decl); got != want {
			t.Errorf("Type(%q) = %s, want %s", decl, got, want)
		}
	}
}

// TestLoadChinook loads the embedded Chinook into a fresh dataset of the emulator and
// reads it back through the API: every table with SQLite's row count, GoogleSQL types,
// keys (the tables' constraints, or the embedded source's), and a second load without
// Replace refused.
func TestLoadChinook(t *testing.T) {
	d := bqtest.Empty(t, "bqload_chinook")
	ctx := context.Background()
	src, err := database.Open(ctx, "chinook")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	res, err := bqload.Load(ctx, src.DB, d, bqload.Options{Replace: true, BatchRows: 700})
	if err != nil {
		t.Fatal(err)
	}
	want, err := schema.IntrospectWith(ctx, src.DB, schema.Options{Samples: -1})
	if err != nil {
		t.Fatal(err)
	}
	got, err := bqdb.Introspect(ctx, d, schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tables) != len(got.Tables) {
		t.Errorf("loaded %d tables, dataset has %d", len(res.Tables), len(got.Tables))
	}
	for _, wt := range want.Tables {
		gt := got.Table(wt.Name)
		if gt == nil {
			t.Errorf("table %s missing", wt.Name)
			continue
		}
		if gt.RowCount != wt.RowCount {
			t.Errorf("%s: %d rows, want %d", wt.Name, gt.RowCount, wt.RowCount)
		}
		if strings.Join(gt.PrimaryKey, ",") != strings.Join(wt.PrimaryKey, ",") || len(gt.ForeignKeys) != len(wt.ForeignKeys) {
			t.Errorf("%s: keys %v %v, want %v %v", wt.Name, gt.PrimaryKey, gt.ForeignKeys, wt.PrimaryKey, wt.ForeignKeys)
		}
	}
	tr := got.Table("Track")
	if tr == nil || tr.Column("Milliseconds").Type != "INT64" || tr.Column("UnitPrice").Type != "FLOAT64" || tr.Column("Name").Type != "STRING" {
		t.Errorf("Track columns: %+v", tr)
	}
	if c := tr.Column("Name"); c == nil || len(c.Samples) == 0 {
		t.Errorf("Track.Name has no samples")
	}
	if _, err := bqload.Load(ctx, src.DB, d, bqload.Options{}); !errors.Is(err, bqload.ErrExists) {
		t.Errorf("second load without Replace: %v, want ErrExists", err)
	}
}
