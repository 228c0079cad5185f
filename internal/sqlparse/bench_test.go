package sqlparse

import "testing"

// benchQueries are typical generator outputs, from one table to a CTE with
// a window function.
var benchQueries = []string{
	"SELECT COUNT(*) FROM Orders WHERE strftime('%Y', OrderDate) = '2023'",
	"SELECT c.CategoryName, SUM(od.UnitPrice * od.Quantity * (1 - od.Discount)) AS revenue FROM order_details od JOIN Products p ON p.ProductID = od.ProductID JOIN Categories c ON c.CategoryID = p.CategoryID GROUP BY c.CategoryName ORDER BY revenue DESC LIMIT 5",
	"WITH m AS (SELECT strftime('%Y-%m', o.OrderDate) AS ym, SUM(od.UnitPrice*od.Quantity*(1-od.Discount)) AS rev FROM Orders o JOIN order_details od ON o.OrderID = od.OrderID GROUP BY ym) SELECT ym, rev, rev - LAG(rev) OVER (ORDER BY ym) FROM m ORDER BY ym",
	"SELECT CompanyName FROM Customers c WHERE NOT EXISTS (SELECT 1 FROM Orders o WHERE o.CustomerID = c.CustomerID AND o.OrderDate >= '2024-01-01')",
}

func BenchmarkHardness(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		if _, err := Hardness(benchQueries[i%len(benchQueries)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		Normalize(benchQueries[i%len(benchQueries)])
	}
}

func BenchmarkFormat(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		Format(benchQueries[i%len(benchQueries)])
	}
}

func BenchmarkTables(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		if _, err := Tables(benchQueries[i%len(benchQueries)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIsReadOnly(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		if err := IsReadOnly(benchQueries[i%len(benchQueries)]); err != nil {
			b.Fatal(err)
		}
	}
}
