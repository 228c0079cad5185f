package sqlexec_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/bqload/bqtest"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// TestBigQuery runs the executor on the embedded Chinook loaded into the emulator
// (SQLFORGE_TEST_BIGQUERY_URL; skipped without it): value kinds, the row cap, the
// statement guard (trusted or not, nothing but one SELECT reaches the server), error
// classes and Check.
func TestBigQuery(t *testing.T) {
	d := bqtest.Loaded(t, "chinook", "sqlexec_chinook")
	ex := sqlexec.NewBigQuery(d)
	defer ex.Close()
	ctx := context.Background()
	if ex.Dialect() != sqlexec.DialectBigQuery {
		t.Errorf("dialect %s", ex.Dialect())
	}
	res, err := ex.Query(ctx, "SELECT TrackId, Name, UnitPrice, CAST(TrackId AS NUMERIC) AS n, TrackId > 1 AS b, DATE '2023-05-07' AS d, CAST(NULL AS STRING) AS z FROM Track ORDER BY TrackId LIMIT 2", sqlexec.Options{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 2 || len(res.Columns) != 7 || res.Columns[1] != "Name" {
		t.Fatalf("result %+v", res)
	}
	r := res.Rows[0]
	want := []sqlexec.Value{sqlexec.IntValue(1), sqlexec.TextValue("For Those About To Rock (We Salute You)"), sqlexec.RealValue(0.99),
		sqlexec.IntValue(1), sqlexec.IntValue(0), sqlexec.TextValue("2023-05-07"), sqlexec.NullValue()}
	for i := range want {
		if r[i] != want[i] {
			t.Errorf("column %s = %#v, want %#v", res.Columns[i], r[i], want[i])
		}
	}
	res, err = ex.Query(ctx, "SELECT TrackId FROM Track", sqlexec.Options{MaxRows: 10})
	if err != nil {
		t.Fatalf("row cap: %v", err)
	}
	if len(res.Rows) != 10 || !res.Truncated || res.TruncatedBy != sqlexec.TruncatedByRows {
		t.Errorf("row cap: %d rows, truncated %v", len(res.Rows), res.Truncated)
	}
	res, err = ex.Query(ctx, "SELECT TrackId FROM Track WHERE TrackId < 0", sqlexec.Options{})
	if err != nil || len(res.Rows) != 0 || len(res.Columns) != 1 {
		t.Errorf("empty result: %v %+v", err, res)
	}
	for _, c := range []struct {
		sql, class string
		trusted    bool
	}{
		{"DELETE FROM Track WHERE TRUE", sqlexec.ClassRefused, false},
		{"DELETE FROM Track WHERE TRUE", sqlexec.ClassRefused, true},
		{"DROP TABLE Track", sqlexec.ClassRefused, true},
		{"SELECT 1; DELETE FROM Track WHERE TRUE", sqlexec.ClassRefused, true},
		{"SELECT * FROM NoSuchTable", sqlexec.ClassUnknownTable, false},
		{"SELECT NoSuchColumn FROM Track", sqlexec.ClassUnknownColumn, false},
		{"SELECT FROM WHERE", sqlexec.ClassSyntax, false},
	} {
		_, err := ex.Query(ctx, c.sql, sqlexec.Options{Trusted: c.trusted})
		if got := sqlexec.ErrorClass(err); got != c.class {
			t.Errorf("%s (trusted %v): class %q (%v), want %q", c.sql, c.trusted, got, err, c.class)
		}
	}
	if n := count(t, ex, "SELECT COUNT(*) FROM Track"); n != 3503 {
		t.Errorf("Track has %d rows after the refused statements, want 3503", n)
	}
	if err := ex.Check(ctx, "SELECT Name FROM Track"); err != nil {
		t.Errorf("check: %v", err)
	}
	if err := ex.Check(ctx, "SELECT Nope FROM Track"); sqlexec.ErrorClass(err) != sqlexec.ClassUnknownColumn {
		t.Errorf("check unknown column: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ex.Query(cctx, "SELECT 1", sqlexec.Options{}); !errors.Is(err, context.Canceled) && sqlexec.ErrorClass(err) != sqlexec.ClassCanceled {
		t.Errorf("canceled context: %v", err)
	}
}

func count(t *testing.T, ex sqlexec.Executor, q string) int64 {
	t.Helper()
	res, err := ex.Query(context.Background(), q, sqlexec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Rows[0][0].Int
}

// TestBigQueryWindowRanks checks what sqlforge's go-zetasqlite patch fixed in the emulator
// (tools/bqemulator/patches), with BigQuery's semantics: RANK and DENSE_RANK over FLOAT64
// values that share an integer part, a NULL among them (last when descending; it used to
// crash the server), and ranks within partitions.
func TestBigQueryWindowRanks(t *testing.T) {
	d := bqtest.Loaded(t, "chinook", "sqlexec_chinook")
	ex := sqlexec.NewBigQuery(d)
	defer ex.Close()
	const q = `WITH v AS (SELECT 'a' AS g, 12.7 AS x UNION ALL SELECT 'a', 12.2 UNION ALL SELECT 'a', 12.7
		UNION ALL SELECT 'a', CAST(NULL AS FLOAT64) UNION ALL SELECT 'b', 3.5 UNION ALL SELECT 'b', 3.25)
		SELECT g, x, RANK() OVER (PARTITION BY g ORDER BY x DESC) AS r, DENSE_RANK() OVER (PARTITION BY g ORDER BY x DESC) AS dr,
		RANK() OVER (ORDER BY x) AS up FROM v ORDER BY g, r, x`
	res, err := ex.Query(context.Background(), q, sqlexec.Options{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]sqlexec.Value{
		{sqlexec.TextValue("a"), sqlexec.RealValue(12.7), sqlexec.IntValue(1), sqlexec.IntValue(1), sqlexec.IntValue(5)},
		{sqlexec.TextValue("a"), sqlexec.RealValue(12.7), sqlexec.IntValue(1), sqlexec.IntValue(1), sqlexec.IntValue(5)},
		{sqlexec.TextValue("a"), sqlexec.RealValue(12.2), sqlexec.IntValue(3), sqlexec.IntValue(2), sqlexec.IntValue(4)},
		{sqlexec.TextValue("a"), sqlexec.NullValue(), sqlexec.IntValue(4), sqlexec.IntValue(3), sqlexec.IntValue(1)},
		{sqlexec.TextValue("b"), sqlexec.RealValue(3.5), sqlexec.IntValue(1), sqlexec.IntValue(1), sqlexec.IntValue(3)},
		{sqlexec.TextValue("b"), sqlexec.RealValue(3.25), sqlexec.IntValue(2), sqlexec.IntValue(2), sqlexec.IntValue(2)},
	}
	if len(res.Rows) != len(want) {
		t.Fatalf("%d rows, want %d: %v", len(res.Rows), len(want), res.Rows)
	}
	for i, row := range want {
		for j, v := range row {
			if res.Rows[i][j] != v {
				t.Errorf("row %d %s = %#v, want %#v", i, res.Columns[j], res.Rows[i][j], v)
			}
		}
	}
}
