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
		// Before FROM, Salary could still be a column of a FROM subquery
		// (SELECT value FROM (SELECT ... AS value)): checked at the end.
		{"SELECT Salary FROM Employees", ""},
		{"SELECT Salary FROM Employees WHERE Salary > 1", "SELECT Salary FROM Employees WHERE S"},
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
		// Names stay strict with CTEs, windows and derived tables around.
		{"SELECT Orders.OrderDat FROM Orders", "SELECT Orders.OrderDat"},
		{"SELECT Order.OrderID FROM Orders", "SELECT Order"},
		{"SELECT Ordrs.OrderID FROM Orders", ""},
		{"WITH t AS (SELECT Orders.OrderDat FROM Orders) SELECT * FROM t", "WITH t AS (SELECT Orders.OrderDat"},
		{"WITH t AS (SELECT OrderID FROM Order) SELECT * FROM t", "WITH t AS (SELECT OrderID FROM Order"},
		{"WITH t AS (SELECT 1 AS v) SELECT * FROM u", "WITH t AS (SELECT 1 AS v) SELECT * FROM "},
		{"WITH t AS (SELECT 1 AS v) SELECT t.w FROM t", ""},
		{"WITH t AS (SELECT 1 AS v) SELECT v FROM t WHERE w > 1", "WITH t AS (SELECT 1 AS v) SELECT v FROM t WHERE "},
		{"SELECT value FROM (SELECT 1 AS v) AS per_group", ""},
		{"SELECT FROM Orders", "SELECT FROM"},
		{"WITH x AS SELECT 1", "WITH x AS "},
		{"WITH select AS (SELECT 1) SELECT 1", "WITH select"},
		{"WITH x (SELECT 1) SELECT 1", "WITH x "},
		{"WITH x AS (SELECT 1) WITH y AS (SELECT 1) SELECT 1", "WITH x AS (SELECT 1) "},
		{"SELECT 1 WITH x AS (SELECT 1)", "SELECT 1 W"},
		{"SELECT NOW() FROM Orders", "SELECT NOW"},
		{"SELECT ROW_NUMBER() OVER (ORDER BY NOW()) FROM Orders", "SELECT ROW_NUMBER() OVER (ORDER BY NOW"},
		{"SELECT OrderID OVER () FROM Orders", "SELECT OrderID O"},
		{"SELECT RANK() OVER ORDER BY OrderID FROM Orders", "SELECT RANK() OVER "},
		{"SELECT RANK() OVER (WHERE 1) FROM Orders", "SELECT RANK() OVER ("},
		{"SELECT RANK() OVER (ORDER BY Orders.OrderDat) FROM Orders", "SELECT RANK() OVER (ORDER BY Orders.OrderDat"},
		// Incomplete: in a common table, between common tables, in OVER.
		{"WITH t AS (SELECT 1", ""},
		{"WITH t AS (SELECT 1)", ""},
		{"WITH t AS (SELECT 1),", ""},
		{"WITH t AS", ""},
		{"SELECT RANK() OVER", ""},
		{"SELECT RANK() OVER (", ""},
		{"SELECT RANK() OVER (ORDER BY OrderID", ""},
		{"SELECT RANK() OVER (PARTITION BY", ""},
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

// modelQueries are queries a fine-tuned model writes for Northwind
// questions: CTEs, window functions and derived tables.
var modelQueries = []string{
	`WITH per_period AS (SELECT strftime('%Y-%m', Orders.OrderDate) AS month, SUM(order_details.UnitPrice * order_details.Quantity * (1 - order_details.Discount)) AS value FROM Orders JOIN order_details ON Orders.OrderID = order_details.OrderID GROUP BY month) SELECT month, value FROM per_period ORDER BY value ASC, month LIMIT 1`,
	`WITH yearly AS (SELECT CAST(strftime('%Y', Orders.OrderDate) AS INTEGER) AS year, SUM(Orders.Freight) AS value FROM Orders GROUP BY year) SELECT year, value, LAG(value) OVER (ORDER BY year) AS previous, value - LAG(value) OVER (ORDER BY year) AS change FROM yearly ORDER BY year`,
	`WITH y1 AS (SELECT COUNT(DISTINCT CASE WHEN Orders.ShippedDate IS NULL THEN Orders.OrderID END) AS value FROM Orders WHERE CAST(strftime('%Y', Orders.OrderDate) AS INTEGER) = 2023), y2 AS (SELECT COUNT(*) AS value FROM Orders) SELECT y1.value, y2.value FROM y1, y2`,
	`SELECT Categories.CategoryName, SUM(Products.UnitsOnOrder) AS value, ROW_NUMBER() OVER (ORDER BY SUM(Products.UnitsOnOrder) DESC, Categories.CategoryName) AS rnk FROM Products JOIN Categories ON Products.CategoryID = Categories.CategoryID GROUP BY Categories.CategoryName ORDER BY rnk`,
	`WITH ranked AS (SELECT CAST(strftime('%Y', Orders.OrderDate) AS INTEGER) AS year, Categories.CategoryName AS label, SUM(order_details.Quantity) AS value, DENSE_RANK() OVER (PARTITION BY CAST(strftime('%Y', Orders.OrderDate) AS INTEGER) ORDER BY SUM(order_details.Quantity) DESC) AS rnk FROM Orders JOIN order_details ON Orders.OrderID = order_details.OrderID JOIN Products ON order_details.ProductID = Products.ProductID JOIN Categories ON Products.CategoryID = Categories.CategoryID GROUP BY year, label) SELECT year, label, value FROM ranked WHERE rnk <= 4 ORDER BY year, rnk, label`,
	`SELECT Products.ProductName, ROUND(100.0 * SUM(Products.UnitsInStock) / SUM(SUM(Products.UnitsInStock)) OVER (), 2) AS share_pct FROM Products GROUP BY Products.ProductName ORDER BY share_pct DESC, Products.ProductName`,
	`SELECT CASE WHEN value >= 18 THEN 'high' WHEN value >= 8.4 THEN 'medium' ELSE 'low' END AS band, COUNT(*) AS n FROM (SELECT Categories.CategoryName, SUM(Products.UnitsOnOrder) AS value FROM Products JOIN Categories ON Products.CategoryID = Categories.CategoryID GROUP BY Categories.CategoryName) AS per_group GROUP BY band ORDER BY band`,
	`SELECT Employees.LastName, COUNT(DISTINCT CASE WHEN Orders.ShippedDate IS NULL THEN Orders.OrderID END) AS value, ROW_NUMBER() OVER (ORDER BY COUNT(DISTINCT CASE WHEN Orders.ShippedDate IS NULL THEN Orders.OrderID END) DESC, Employees.LastName) AS rnk FROM Orders JOIN Employees ON Orders.EmployeeID = Employees.EmployeeID GROUP BY Employees.LastName ORDER BY rnk`,
	`SELECT ProductID FROM Products INTERSECT SELECT ProductID FROM order_details`,
	`SELECT ProductID FROM Products EXCEPT SELECT ProductID FROM order_details ORDER BY ProductID`,
	`SELECT CompanyName FROM Suppliers s WHERE NOT EXISTS (SELECT 1 FROM Products p WHERE p.SupplierID = s.SupplierID)`,
}

func TestRecognizerAcceptsModelQueries(t *testing.T) {
	n := northwind(t)
	for _, q := range modelQueries {
		// accepts feeds one character at a time: every prefix is accepted.
		if complete, acc := accepts(n, q); !complete {
			t.Errorf("rejected %q: accepted up to %q", q, acc)
		}
		r := NewRecognizer(n)
		for _, piece := range strings.SplitAfter(q, " ") {
			var ok bool
			if r, ok = r.Feed(piece); !ok {
				t.Errorf("rejected piece %q of %q", piece, q)
				break
			}
		}
		// Cut inside parentheses (a common table, an OVER clause), after
		// OVER, or before the main SELECT of a WITH, it is no whole query.
		main := 0
		if strings.HasPrefix(q, "WITH") {
			main = strings.Index(q, ") SELECT") + 2
		}
		for i := 1; i < len(q); i++ {
			p := q[:i]
			if i < main || strings.Count(p, "(") > strings.Count(p, ")") || strings.HasSuffix(p, " OVER") {
				if r, _ := NewRecognizer(n).Feed(p); r.Complete() {
					t.Errorf("%q is complete", p)
				}
			}
		}
	}
}
