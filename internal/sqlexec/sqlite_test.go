package sqlexec_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// datetimeDB writes a table whose columns are declared with the types that
// modernc.org/sqlite would parse into time.Time.
func datetimeDB(t *testing.T) (path string, stored []string) {
	t.Helper()
	stored = []string{
		"2021-03-04 00:00:00",
		"2021-03-04 00:00:00.000",
		"2021-03-04T10:20:30Z",
		"2021-03-04",
		"not a date",
	}
	path = filepath.Join(t.TempDir(), "dates.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE ev (id INTEGER, at DATETIME, d date, ts TIMESTAMP)"); err != nil {
		t.Fatal(err)
	}
	for k, v := range stored {
		if _, err := db.Exec("INSERT INTO ev VALUES (?, ?, ?, ?)", k, v, v, v); err != nil {
			t.Fatal(err)
		}
	}
	return path, stored
}

func TestSQLiteDatesComeBackAsStoredText(t *testing.T) {
	path, stored := datetimeDB(t)
	var want [][]sqlexec.Value
	for _, v := range stored {
		want = append(want, []sqlexec.Value{s(v), s(v), s(v)})
	}

	// The driver alone turns the first value into a time.Time: this is what
	// the executor has to undo.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var got any
	if err := raw.QueryRow("SELECT at FROM ev WHERE id = 0").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if _, isTime := got.(time.Time); !isTime {
		t.Logf("driver returned %T for a DATETIME column; the rewrite is no longer needed", got)
	}

	owned, err := sqlexec.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer owned.Close()
	for name, ex := range map[string]sqlexec.Executor{"owned": owned, "borrowed": sqlexec.NewSQLite(raw)} {
		res, err := ex.Query(context.Background(), "SELECT at, d, ts FROM ev ORDER BY id", sqlexec.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(res.Rows, want); diff != "" {
			t.Errorf("%s (-got +want):\n%s", name, diff)
		}
		if diff := cmp.Diff(res.Columns, []string{"at", "d", "ts"}); diff != "" {
			t.Errorf("%s columns (-got +want):\n%s", name, diff)
		}
	}
}

// TestSQLiteBorrowedDB checks that a caller's writable *sql.DB is used
// read-only by the executor and left writable for its owner.
func TestSQLiteBorrowedDB(t *testing.T) {
	path, _ := datetimeDB(t)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // the executor and the owner share one connection
	ex := sqlexec.NewSQLite(db)
	if _, err := ex.Query(context.Background(), "DELETE FROM ev", sqlexec.Options{}); err == nil {
		t.Error("DELETE through the executor was not refused")
	}
	if _, err := db.Exec("INSERT INTO ev (id) VALUES (99)"); err != nil {
		t.Errorf("owner cannot write after the executor used the connection: %v", err)
	}
	if err := ex.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(); err != nil {
		t.Errorf("Close closed a borrowed DB: %v", err)
	}
}

// TestSQLiteLatin1 reads a Northwind whose text is partly Latin-1 bytes.
func TestSQLiteLatin1(t *testing.T) {
	ex, err := sqlexec.OpenSQLite(context.Background(), filepath.Join("testdata", "northwind_latin1.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	res, err := ex.Query(context.Background(),
		"SELECT CompanyName, City FROM Customers WHERE CustomerID = 'ANTON'", sqlexec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]sqlexec.Value{{s("Antonio Moreno Taquer\xeda"), s("M\xe9xico D.F.")}}
	if diff := cmp.Diff(res.Rows, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	res, err = ex.Query(context.Background(),
		"SELECT OrderID, OrderDate, ShipName, ShipCity FROM Orders ORDER BY OrderID", sqlexec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 830 {
		t.Fatalf("got %d orders, want 830", len(res.Rows))
	}
	if got := res.Rows[0][1]; got.Kind != sqlexec.Text {
		t.Errorf("OrderDate (DATETIME) came back as %v %q, want text", got.Kind, got)
	}
}

// TestSQLiteReadOnly: an executor over a read-only DSN reads (dates as stored
// text too) and still cannot write, even for trusted SQL.
func TestSQLiteReadOnly(t *testing.T) {
	path, stored := datetimeDB(t)
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ex := sqlexec.NewSQLiteReadOnly(db)
	ctx := context.Background()
	res, err := ex.Query(ctx, "SELECT at FROM ev ORDER BY id", sqlexec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != len(stored) || res.Rows[0][0].Str != stored[0] {
		t.Errorf("got %v, want the stored text %q", res.Rows, stored)
	}
	if _, err := ex.Query(ctx, "DELETE FROM ev", sqlexec.Options{Trusted: true}); err == nil {
		t.Error("DELETE ran on a read-only executor")
	}
	if err := ex.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(); err != nil {
		t.Errorf("Close closed the caller's database: %v", err)
	}
}
