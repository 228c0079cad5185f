package constrain

import (
	"bufio"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/sqlforge/sqlforge/internal/sampledb"
	"github.com/sqlforge/sqlforge/internal/schema"
)

// northwind reads the names of the embedded Northwind database.
func northwind(t *testing.T) Names {
	t.Helper()
	b, err := sampledb.Bytes("northwind")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "northwind.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := schema.Introspect(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return FromSchema(s)
}

// accepts feeds sql whole and reports whether it is a complete query, and
// the longest prefix the recognizer accepted.
func accepts(n Names, sql string) (complete bool, accepted string) {
	r := NewRecognizer(n)
	for i := 0; i < len(sql); i++ {
		var ok bool
		if r, ok = r.Feed(sql[i : i+1]); !ok {
			return false, sql[:i]
		}
	}
	return r.Complete(), sql
}

func TestRecognizerAcceptsNorthwindCorpus(t *testing.T) {
	n := northwind(t)
	f, err := os.Open("testdata/northwind_valid.sql")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	count := 0
	for sc.Scan() {
		q := sc.Text()
		count++
		if complete, acc := accepts(n, q); !complete {
			t.Errorf("rejected %q: accepted up to %q", q, acc)
		}
		// Any split into pieces (as tokens cut text) gives the same answer.
		r := NewRecognizer(n)
		for _, piece := range strings.SplitAfter(q, " ") {
			var ok bool
			if r, ok = r.Feed(piece); !ok {
				t.Errorf("rejected piece %q of %q", piece, q)
				break
			}
		}
	}
	if count < 30 {
		t.Fatalf("corpus has %d queries", count)
	}
	if complete, acc := accepts(n, "SELECT CompanyName\nFROM  Customers\n\tWHERE City = 'Berlin'"); !complete {
		t.Errorf("rejected a query over several lines: accepted up to %q", acc)
	}
}

func TestRecognizerRejects(t *testing.T) {
	n := northwind(t)
	for _, tc := range []struct {
		sql    string
		prefix string // what is accepted before the rejection; "" when the whole is a valid prefix but incomplete
	}{
		{"SELECT * FROM Clients", "SELECT * FROM Cl"},
		{"SELECT * FROM Customers JOIN Invoices ON 1", "SELECT * FROM Customers JOIN I"},
		{"SELECT * FROM Orders o JOIN Customer c ON 1", "SELECT * FROM Orders o JOIN Customer"},
		{"SELECT Salary FROM Employees", "SELECT Salary "}, // before FROM, Salary could still qualify: it needs '.'
		{"SELECT Title FROM Employees WHERE Salary > 1", "SELECT Title FROM Employees WHERE S"},
		{"SELECT c.Freight FROM Customers c", "SELECT c.Freight FROM Customers c"}, // c resolves only at the end
		{"SELECT o.Freight FROM Orders o WHERE o.Salary > 1", "SELECT o.Freight FROM Orders o WHERE o.S"},
		{"SELECT x.CompanyName FROM Customers c", ""},
		{"DELETE FROM Orders", ""},
		{"SELECT * FROM Orders; DROP TABLE Orders", "SELECT * FROM Orders; "},
		{"SELECT * FROM Orders -- comment", "SELECT * FROM Orders -"},
		{"SELECT * FROM Orders WHERE", ""},
		{"SELECT COUNT(* FROM Orders", "SELECT COUNT(* "},
		{"SELECT 'open", ""},
		{"SELECT * FROM Orders AS WHERE", "SELECT * FROM Orders AS WHERE"},
		{"SELECT * FROM (SELECT 1) JOIN Orders ON NOW() = 1", "SELECT * FROM (SELECT 1) JOIN Orders ON NOW"},
	} {
		complete, acc := accepts(n, tc.sql)
		if complete {
			t.Errorf("accepted %q as a complete query", tc.sql)
			continue
		}
		want := tc.prefix
		if want == "" {
			want = tc.sql
		}
		// The rejection happens at the first character that cannot be
		// part of any valid continuation.
		if !strings.HasPrefix(tc.sql, acc) || len(acc) > len(want) {
			t.Errorf("%q: accepted up to %q, want at most %q", tc.sql, acc, want)
		}
	}
}
