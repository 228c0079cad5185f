// Package bqtest gives tests a BigQuery dataset holding an embedded sample database,
// on the server SQLFORGE_TEST_BIGQUERY_URL names (goccy/bigquery-emulator, started by
// .ci/bqemulator.sh); tests skip without it.
package bqtest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/bqdb"
	"github.com/sqlforge/sqlforge/internal/bqload"
	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/schema"
)

// EnvURL is the environment variable naming the test server:
// bigquery://127.0.0.1:PORT/PROJECT/DATASET.
const EnvURL = "SQLFORGE_TEST_BIGQUERY_URL"

// URL returns the test server's reference, or skips t when EnvURL is unset.
func URL(t testing.TB) bqdb.Ref {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		t.Skipf("%s is not set: no BigQuery emulator (eval \"$(.ci/bqemulator.sh)\" starts one; see docs/bigquery.md)", EnvURL)
	}
	r, err := bqdb.ParseURL(u)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	return r
}

// Loaded returns a dataset of the test server holding the embedded database db
// ("northwind" or "chinook"), named dataset: loaded by bqload when any table is
// missing or has a different row count, reused otherwise (the emulator keeps it
// until it stops), so that each test package loads at most once. Use a dataset name
// of the package's own: packages run in parallel.
func Loaded(t testing.TB, db, dataset string) *bqdb.Dataset {
	t.Helper()
	r := URL(t)
	r.Dataset = dataset
	ctx := context.Background()
	src, err := database.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	c, err := bqdb.NewClient(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	d := &bqdb.Dataset{Client: c, Ref: r}
	t.Cleanup(func() { d.Close() })
	if ok, why := holds(ctx, d, src); !ok {
		t.Logf("loading %s into %s (%s)", db, r, why)
		if _, err := bqload.Load(ctx, src.DB, d, bqload.Options{Replace: true}); err != nil {
			t.Fatalf("load %s into %s: %v", db, r, err)
		}
	}
	return d
}

// holds reports whether d has every table of src with src's row count.
func holds(ctx context.Context, d *bqdb.Dataset, src *database.DB) (bool, string) {
	want, err := schema.IntrospectWith(ctx, src.DB, schema.Options{Samples: -1})
	if err != nil {
		return false, err.Error()
	}
	for _, t := range want.Tables {
		if t.Kind != "table" {
			continue
		}
		r, err := d.Query(ctx, "SELECT COUNT(*) FROM "+bqdb.QuoteIdent(t.Name), nil, bqdb.QueryOptions{})
		if err != nil {
			return false, firstLine(err.Error())
		}
		row, err := r.Next()
		if err != nil {
			return false, err.Error()
		}
		if row[0] != t.RowCount {
			return false, fmt.Sprintf("%s has %v rows, want %d", t.Name, row[0], t.RowCount)
		}
	}
	return true, ""
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// Empty returns a dataset of the test server called dataset, created when missing.
func Empty(t testing.TB, dataset string) *bqdb.Dataset {
	t.Helper()
	r := URL(t)
	r.Dataset = dataset
	ctx := context.Background()
	c, err := bqdb.NewClient(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	d := &bqdb.Dataset{Client: c, Ref: r}
	t.Cleanup(func() { d.Close() })
	if err := d.Ping(ctx); err != nil {
		if err := c.Dataset(dataset).Create(ctx, nil); err != nil {
			t.Fatalf("create dataset %s: %v", dataset, err)
		}
	}
	return d
}

// EnvSlow, set to 1, runs the tests that generate on the full embedded Northwind: on
// goccy/bigquery-emulator a join of Orders and order_details takes about a minute and the
// ontology's correlated freight formulas several (docs/bigquery.md), so they are off by default.
const EnvSlow = "SQLFORGE_TEST_BIGQUERY_SLOW"

// Slow skips t unless EnvSlow is 1.
func Slow(t testing.TB) {
	t.Helper()
	if os.Getenv(EnvSlow) != "1" {
		t.Skipf("%s is not 1: generating on the full Northwind takes far too long on the emulator (docs/bigquery.md)", EnvSlow)
	}
}
