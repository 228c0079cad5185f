package sampledb

import (
	"database/sql"
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	if got := strings.Join(Names(), ","); got != "chinook,northwind" {
		t.Errorf("Names() = %s", got)
	}
	if !Has("Northwind") || Has("nope") {
		t.Error("Has is wrong")
	}
	if _, err := Bytes("nope"); err == nil || !strings.Contains(err.Error(), "chinook, northwind") {
		t.Errorf("Bytes(nope) error = %v", err)
	}
}

// TestNorthwindContent checks the promises the embedded Northwind makes to the
// rest of sqlforge: sizes, date span, and the variety questions rely on.
func TestNorthwindContent(t *testing.T) {
	db := openEmbedded(t, "northwind")
	atLeast := []struct {
		name  string
		query string
		min   int
	}{
		{"orders", `SELECT count(*) FROM Orders`, 3000},
		{"order lines", `SELECT count(*) FROM order_details`, 8000},
		{"late shipments", `SELECT count(*) FROM Orders WHERE ShippedDate > RequiredDate`, 50},
		{"unshipped orders", `SELECT count(*) FROM Orders WHERE ShippedDate IS NULL`, 3},
		{"discounted lines", `SELECT count(*) FROM order_details WHERE Discount > 0`, 1000},
		{"historic prices", `SELECT count(*) FROM order_details od JOIN Products p USING (ProductID) WHERE od.UnitPrice < p.UnitPrice`, 100},
		{"customers with demographics", `SELECT count(DISTINCT CustomerID) FROM CustomerCustomerDemo`, 91},
		{"required in 14 days", `SELECT count(*) FROM Orders WHERE julianday(RequiredDate) - julianday(OrderDate) = 14`, 50},
		{"required in 42 days", `SELECT count(*) FROM Orders WHERE julianday(RequiredDate) - julianday(OrderDate) = 42`, 50},
	}
	for _, c := range atLeast {
		if n := count(t, db, c.query); n < c.min {
			t.Errorf("%s: %d, want at least %d", c.name, n, c.min)
		}
	}
	exact := []struct {
		name  string
		query string
		want  int
	}{
		{"customers", `SELECT count(*) FROM Customers`, 91},
		{"products", `SELECT count(*) FROM Products`, 77},
		{"orders before 2020 or after 2024", `SELECT count(*) FROM Orders WHERE OrderDate < '2020-01-01' OR OrderDate > '2024-12-31'`, 0},
		{"first order on 2020-01-01 or the first weekday", `SELECT min(OrderDate) <= '2020-01-03' FROM Orders`, 1},
		{"last order in the last week", `SELECT max(OrderDate) >= '2024-12-24' FROM Orders`, 1},
		{"dates not YYYY-MM-DD", `SELECT count(*) FROM Orders WHERE date(OrderDate) IS NOT OrderDate OR date(RequiredDate) IS NOT RequiredDate
			OR (ShippedDate IS NOT NULL AND date(ShippedDate) IS NOT ShippedDate)`, 0},
		{"unshipped orders older than 60 days", `SELECT count(*) FROM Orders WHERE ShippedDate IS NULL AND OrderDate < '2024-11-01'`, 0},
		{"shipped after the as-of date", `SELECT count(*) FROM Orders WHERE ShippedDate > '2024-12-31'`, 0},
		{"discount levels", `SELECT count(DISTINCT Discount) FROM order_details WHERE Discount IN (0, 0.05, 0.1, 0.15, 0.2, 0.25)`, 6},
		{"other discounts", `SELECT count(*) FROM order_details WHERE Discount NOT IN (0, 0.05, 0.1, 0.15, 0.2, 0.25)`, 0},
		{"regions without orders", `SELECT count(*) FROM Regions r WHERE NOT EXISTS (SELECT 1 FROM Orders o
			JOIN EmployeeTerritories et ON et.EmployeeID = o.EmployeeID JOIN Territories t ON t.TerritoryID = et.TerritoryID
			WHERE t.RegionID = r.RegionID)`, 0},
		{"shippers without orders", `SELECT count(*) FROM Shippers s WHERE NOT EXISTS (SELECT 1 FROM Orders o WHERE o.ShipVia = s.ShipperID)`, 0},
		{"categories without orders", `SELECT count(*) FROM Categories c WHERE NOT EXISTS (SELECT 1 FROM order_details od
			JOIN Products p ON p.ProductID = od.ProductID WHERE p.CategoryID = c.CategoryID)`, 0},
		{"employees without orders", `SELECT count(*) FROM Employees e WHERE NOT EXISTS (SELECT 1 FROM Orders o WHERE o.EmployeeID = e.EmployeeID)`, 0},
		{"orders without lines", `SELECT count(*) FROM Orders o WHERE NOT EXISTS (SELECT 1 FROM order_details od WHERE od.OrderID = o.OrderID)`, 0},
		{"view rows = table rows", `SELECT (SELECT count(*) FROM "Order Details") = (SELECT count(*) FROM order_details)`, 1},
		{"foreign key violations", `SELECT count(*) FROM pragma_foreign_key_check`, 0},
		{"ship country differs from customer", `SELECT count(*) FROM Orders o JOIN Customers c USING (CustomerID) WHERE o.ShipCountry IS NOT c.Country`, 0},
		{"classic stock kept (Chai)", `SELECT UnitsInStock * 1000 + ReorderLevel FROM Products WHERE ProductID = 1`, 39010},
	}
	for _, c := range exact {
		if n := count(t, db, c.query); n != c.want {
			t.Errorf("%s: %d, want %d", c.name, n, c.want)
		}
	}
	checkGrowth(t, db)
	checkLateShare(t, db)
}

// checkGrowth: revenue grows every year, and Q4 is the busiest quarter.
func checkGrowth(t *testing.T, db *sql.DB) {
	rows, err := db.Query(`SELECT strftime('%Y', o.OrderDate) AS y, sum(od.UnitPrice * od.Quantity * (1 - od.Discount))
		FROM Orders o JOIN order_details od USING (OrderID) GROUP BY y ORDER BY y`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	prev, years := 0.0, 0
	for rows.Next() {
		var y string
		var rev float64
		if err := rows.Scan(&y, &rev); err != nil {
			t.Fatal(err)
		}
		if rev <= prev {
			t.Errorf("revenue %s = %.0f, not above the year before (%.0f)", y, rev, prev)
		}
		prev = rev
		years++
	}
	if years != 5 {
		t.Errorf("orders span %d years, want 5", years)
	}
	q4 := count(t, db, `SELECT count(*) FROM Orders WHERE strftime('%m', OrderDate) >= '10'`)
	q1 := count(t, db, `SELECT count(*) FROM Orders WHERE strftime('%m', OrderDate) <= '03'`)
	if q4 <= q1 {
		t.Errorf("Q4 orders %d not above Q1 orders %d", q4, q1)
	}
}

// checkLateShare: between 2% and 12% of shipped orders are late (classic: 4.6%).
func checkLateShare(t *testing.T, db *sql.DB) {
	var share float64
	if err := db.QueryRow(`SELECT avg(ShippedDate > RequiredDate) FROM Orders WHERE ShippedDate IS NOT NULL`).Scan(&share); err != nil {
		t.Fatal(err)
	}
	if share < 0.02 || share > 0.12 {
		t.Errorf("late share %.3f, want 0.02..0.12", share)
	}
}

func TestChinookContent(t *testing.T) {
	db := openEmbedded(t, "chinook")
	for _, table := range sortedKeys(ChinookCounts) {
		if n := count(t, db, `SELECT count(*) FROM "`+table+`"`); n != ChinookCounts[table] {
			t.Errorf("%s: %d rows, want %d", table, n, ChinookCounts[table])
		}
	}
}
