package pgload_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/bqload/bqtest"
	"github.com/sqlforge/sqlforge/internal/dialect/bigquery"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestCrossItemsBigQuery writes the 22 hand-written cross-engine questions through the
// BigQuery dialect into testdata/crossdialect.bigquery.golden (go test -update rewrites it).
// tools/bqsyntax checks that the file parses as GoogleSQL; TestCrossDialectVerdictsBigQuery
// runs the items on the emulator.
func TestCrossItemsBigQuery(t *testing.T) {
	var b strings.Builder
	for _, it := range crossItems {
		one := strings.Join(strings.Fields(it.sql(bigquery.New())), " ") // one statement a line
		b.WriteString("-- " + it.question + "\n" + one + "\n\n")
	}
	path := filepath.Join("testdata", "crossdialect.bigquery.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("%s differs from the dialect's output (go test -update rewrites it):\ngot:\n%s", path, got)
	}
}

// TestCrossDialectVerdictsBigQuery runs the 22 items on the embedded Northwind in SQLite
// and on its bqload copy in goccy/bigquery-emulator (SQLFORGE_TEST_BIGQUERY_URL; skipped
// without it), with the checks of TestCrossDialectVerdicts.
func TestCrossDialectVerdictsBigQuery(t *testing.T) {
	d := bqtest.Loaded(t, "northwind", "crossdialect_northwind")
	crossVerdicts(t, sqlexec.NewSQLite(northwind(t)), sqlexec.NewBigQuery(d), bigquery.New(), knownDiffs)
}
