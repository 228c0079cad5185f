package sampledb

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// model holds the distributions read from the classic Northwind orders; the
// generator draws from them.
type model struct {
	firstYear int // year of the first classic order (1996)

	customers weighted[string] // by number of classic orders (0 = never orders)
	employees weighted[int64]  // by number of classic orders
	shippers  weighted[int64]  // by number of classic orders
	products  weighted[product]
	discounts weighted[float64] // the levels 0, 0.05 .. 0.25
	reqDays   weighted[int]     // required date - order date: 14, 28, 42

	linesPerOrder []int     // one value per classic order
	quantities    []int     // one value per classic order line
	leadDays      []int     // shipped date - order date, one per shipped classic order
	freightRatios []float64 // freight / order subtotal, one per classic order
}

type product struct {
	id    int64
	price float64
}

// weighted draws items with probability proportional to their weight.
type weighted[T any] struct {
	items []T
	cum   []float64
}

func (w *weighted[T]) add(item T, weight float64) {
	total := 0.0
	if n := len(w.cum); n > 0 {
		total = w.cum[n-1]
	}
	w.items = append(w.items, item)
	w.cum = append(w.cum, total+weight)
}

// index draws the index of an item.
func (w *weighted[T]) index(r *rand.Rand) int {
	u := r.Float64() * w.cum[len(w.cum)-1]
	// The first item whose cumulative weight exceeds u; zero-weight items never qualify.
	return sort.Search(len(w.cum), func(i int) bool { return w.cum[i] > u })
}

func (w *weighted[T]) draw(r *rand.Rand) T { return w.items[w.index(r)] }

// readModel reads the distributions from the classic database on conn.
func readModel(ctx context.Context, conn *sql.Conn) (*model, error) {
	m := &model{}
	if err := conn.QueryRowContext(ctx, `SELECT CAST(strftime('%Y', min(OrderDate)) AS INTEGER) FROM Orders`).Scan(&m.firstYear); err != nil {
		return nil, fmt.Errorf("read first order year: %w", err)
	}
	steps := []struct {
		what  string
		query string
		scan  func(*sql.Rows) error
	}{
		{"customers", `SELECT c.CustomerID, count(o.OrderID) FROM Customers c LEFT JOIN Orders o ON o.CustomerID = c.CustomerID
			WHERE c.Country IS NOT NULL GROUP BY c.CustomerID ORDER BY c.CustomerID`,
			func(rs *sql.Rows) error {
				var id string
				var n float64
				err := rs.Scan(&id, &n)
				m.customers.add(id, n)
				return err
			}},
		{"employees", `SELECT EmployeeID, count(*) FROM Orders GROUP BY EmployeeID ORDER BY EmployeeID`,
			func(rs *sql.Rows) error {
				var id int64
				var n float64
				err := rs.Scan(&id, &n)
				m.employees.add(id, n)
				return err
			}},
		{"shippers", `SELECT ShipVia, count(*) FROM Orders GROUP BY ShipVia ORDER BY ShipVia`,
			func(rs *sql.Rows) error {
				var id int64
				var n float64
				err := rs.Scan(&id, &n)
				m.shippers.add(id, n)
				return err
			}},
		// Every product gets at least weight 1, so all categories appear.
		{"products", `SELECT p.ProductID, p.UnitPrice, count(od.OrderID) + 1 FROM Products p
			LEFT JOIN "Order Details" od ON od.ProductID = p.ProductID GROUP BY p.ProductID ORDER BY p.ProductID`,
			func(rs *sql.Rows) error {
				var p product
				var n float64
				err := rs.Scan(&p.id, &p.price, &n)
				m.products.add(p, n)
				return err
			}},
		// Odd classic discounts (0.01 .. 0.06) fold into the nearest level.
		{"discounts", `SELECT round(Discount * 20) / 20 AS d, count(*) FROM "Order Details" GROUP BY d ORDER BY d`,
			func(rs *sql.Rows) error { var d, n float64; err := rs.Scan(&d, &n); m.discounts.add(d, n); return err }},
		{"required dates", `SELECT CAST(round(julianday(RequiredDate) - julianday(OrderDate)) AS INTEGER) AS d, count(*) FROM Orders GROUP BY d ORDER BY d`,
			func(rs *sql.Rows) error {
				var d int
				var n float64
				err := rs.Scan(&d, &n)
				m.reqDays.add(d, n)
				return err
			}},
		{"lines per order", `SELECT count(*) FROM "Order Details" GROUP BY OrderID ORDER BY OrderID`,
			func(rs *sql.Rows) error {
				var n int
				err := rs.Scan(&n)
				m.linesPerOrder = append(m.linesPerOrder, n)
				return err
			}},
		{"quantities", `SELECT Quantity FROM "Order Details" ORDER BY OrderID, ProductID`,
			func(rs *sql.Rows) error {
				var n int
				err := rs.Scan(&n)
				m.quantities = append(m.quantities, n)
				return err
			}},
		{"lead times", `SELECT CAST(round(julianday(ShippedDate) - julianday(OrderDate)) AS INTEGER) FROM Orders
			WHERE ShippedDate IS NOT NULL ORDER BY OrderID`,
			func(rs *sql.Rows) error {
				var n int
				err := rs.Scan(&n)
				m.leadDays = append(m.leadDays, n)
				return err
			}},
		{"freight", `SELECT o.Freight / s.sub FROM Orders o JOIN (SELECT OrderID, sum(UnitPrice * Quantity * (1 - Discount)) AS sub
			FROM "Order Details" GROUP BY OrderID) s ON s.OrderID = o.OrderID WHERE s.sub > 0 ORDER BY o.OrderID`,
			func(rs *sql.Rows) error {
				var f float64
				err := rs.Scan(&f)
				m.freightRatios = append(m.freightRatios, f)
				return err
			}},
	}
	for _, s := range steps {
		if err := queryEach(ctx, conn, s.query, s.scan); err != nil {
			return nil, fmt.Errorf("read classic %s: %w", s.what, err)
		}
	}
	return m, nil
}

func queryEach(ctx context.Context, conn *sql.Conn, query string, scan func(*sql.Rows) error) error {
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("no rows")
	}
	return nil
}

// round2 rounds to cents.
func round2(x float64) float64 { return math.Round(x*100) / 100 }
