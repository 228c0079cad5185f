package sqlexec_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sqlforge/sqlforge/internal/sqlexec"
	"github.com/sqlforge/sqlforge/internal/sqlexec/sqlexectest"
)

var (
	i = sqlexec.IntValue
	r = sqlexec.RealValue
	s = sqlexec.TextValue
	n = sqlexec.NullValue()
)

// TestQueryCanonical runs the same queries on every available dialect and
// expects the same canonical results from each.
func TestQueryCanonical(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		want *sqlexec.Result
	}{
		{
			name: "types and dates",
			sql:  "SELECT id, name, salary, bonus, hired, last_login FROM emp ORDER BY id",
			want: &sqlexec.Result{
				Columns: []string{"id", "name", "salary", "bonus", "hired", "last_login"},
				Rows: [][]sqlexec.Value{
					{i(1), s("Ann"), r(5000), i(100), s("2020-01-15"), s("2021-03-04 00:00:00")},
					{i(2), s("Bob"), r(4000.5), n, s("2019-07-01"), s("2021-03-05 12:30:00")},
					{i(3), s("Cid"), r(6000), i(200), s("2021-11-30"), n},
					{i(4), s("Dee"), r(3000), i(0), n, s("2020-12-31 23:59:59")},
					{i(5), s("Zoë"), r(6000), i(200), s("2018-02-28"), s("2022-01-01 08:00:00")},
				},
			},
		},
		{
			name: "aggregates",
			sql: `SELECT d.name AS dept, count(*) AS n, sum(e.bonus) AS bonus, avg(e.salary) AS pay
				FROM emp e JOIN dept d ON d.id = e.dept_id GROUP BY d.name ORDER BY d.name`,
			want: &sqlexec.Result{
				Columns: []string{"dept", "n", "bonus", "pay"},
				Rows: [][]sqlexec.Value{
					{s("R&D"), i(2), i(400), r(6000)},
					{s("Sales"), i(2), i(100), r(4500.25)},
				},
			},
		},
		{
			name: "null and real column",
			sql:  "SELECT name, budget FROM dept ORDER BY id",
			want: &sqlexec.Result{
				Columns: []string{"name", "budget"},
				Rows:    [][]sqlexec.Value{{s("Sales"), r(1000.5)}, {s("R&D"), n}, {s("Ops"), r(250)}},
			},
		},
		{
			name: "date comparison and empty result",
			sql:  "SELECT name FROM emp WHERE hired > '2030-01-01'",
			want: &sqlexec.Result{Columns: []string{"name"}, Rows: [][]sqlexec.Value{}},
		},
		{
			name: "max of a date column",
			sql:  "SELECT max(hired) AS last FROM emp",
			want: &sqlexec.Result{Columns: []string{"last"}, Rows: [][]sqlexec.Value{{s("2021-11-30")}}},
		},
		{
			name: "duplicate column names and a trailing semicolon",
			sql:  "SELECT e.id, d.id, e.hired FROM emp e JOIN dept d ON d.id = e.dept_id WHERE e.id = 1;",
			want: &sqlexec.Result{
				Columns: []string{"id", "id", "hired"},
				Rows:    [][]sqlexec.Value{{i(1), i(1), s("2020-01-15")}},
			},
		},
		{
			name: "order kept through the date rewrite",
			sql:  "SELECT hired FROM emp WHERE hired IS NOT NULL ORDER BY hired DESC LIMIT 3",
			want: &sqlexec.Result{
				Columns: []string{"hired"},
				Rows:    [][]sqlexec.Value{{s("2021-11-30")}, {s("2020-01-15")}, {s("2019-07-01")}},
			},
		},
	}
	for dialect, ex := range sqlexectest.Executors(t) {
		for _, tt := range tests {
			t.Run(dialect+"/"+tt.name, func(t *testing.T) {
				got, err := ex.Query(context.Background(), tt.sql, sqlexec.Options{Timeout: 10 * time.Second})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(got, tt.want); diff != "" {
					t.Errorf("Query(%q) (-got +want):\n%s", tt.sql, diff)
				}
			})
		}
	}
}

// TestTimeout runs a cartesian join that would take hours and expects a
// timeout error, then checks the executor still answers.
func TestTimeout(t *testing.T) {
	const cartesian = "SELECT count(*) FROM nums a, nums b, nums c, nums d, nums e"
	for dialect, ex := range sqlexectest.Executors(t) {
		t.Run(dialect, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := ex.Query(context.Background(), cartesian, sqlexec.Options{Timeout: 100 * time.Millisecond})
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("the timeout did not interrupt the query")
			}
			if got, want := sqlexec.ErrorClass(err), sqlexec.ClassTimeout; got != want {
				t.Fatalf("ErrorClass(%v) = %q, want %q", err, got, want)
			}
			got, err := ex.Query(context.Background(), "SELECT count(*) FROM nums", sqlexec.Options{})
			if err != nil {
				t.Fatalf("executor unusable after a timeout: %v", err)
			}
			if diff := cmp.Diff(got.Rows, [][]sqlexec.Value{{i(sqlexectest.NumsRows)}}); diff != "" {
				t.Errorf("after timeout (-got +want):\n%s", diff)
			}
		})
	}
}

func TestRowCap(t *testing.T) {
	tests := []struct {
		max           int
		wantRows      int
		wantTruncated bool
	}{
		{max: 5, wantRows: 5, wantTruncated: true},
		{max: 59, wantRows: 59, wantTruncated: true},
		{max: 60, wantRows: 60, wantTruncated: false},
		{max: 0, wantRows: 60, wantTruncated: false},
	}
	for dialect, ex := range sqlexectest.Executors(t) {
		for _, tt := range tests {
			got, err := ex.Query(context.Background(), "SELECT n FROM nums ORDER BY n", sqlexec.Options{MaxRows: tt.max})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Rows) != tt.wantRows || got.Truncated != tt.wantTruncated {
				t.Errorf("%s MaxRows %d: got %d rows, truncated %v; want %d, %v",
					dialect, tt.max, len(got.Rows), got.Truncated, tt.wantRows, tt.wantTruncated)
			}
			if len(got.Rows) > 0 && got.Rows[len(got.Rows)-1][0] != i(int64(tt.wantRows)) {
				t.Errorf("%s MaxRows %d: last row %v, want %d", dialect, tt.max, got.Rows[len(got.Rows)-1], tt.wantRows)
			}
		}
	}
}
