package sampledb

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// The shape of demand over time, which the classic data (22 months) is too
// short to show: orders grow by yearlyGrowth a year and follow seasonFactor
// by month (a year-end peak, a summer dip). Orders fall on weekdays only, as in
// the classic data.
const yearlyGrowth = 1.12

var seasonFactor = [12]float64{0.85, 0.85, 0.95, 1.0, 1.0, 0.95, 0.9, 0.9, 1.0, 1.05, 1.15, 1.3}

// Historic prices: about half the products had a price rise of 25% at a date
// in the first years; earlier order lines carry the old price (UnitPrice * 0.8,
// as the classic data's 1996-1997 lines do).
const (
	priceRiseShare = 0.5
	oldPriceFactor = 0.8
	maxFreight     = 1100.0 // a little above the classic maximum (1007.64)
	firstOrderID   = 10248  // the classic data's first OrderID
)

type order struct {
	id                int64
	customer          string
	employee, shipVia int64
	date, required    time.Time
	shipped           *time.Time
	freight           float64
	lines             []orderLine
}

type orderLine struct {
	product  int64
	price    float64
	quantity int
	discount float64
}

func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// generateOrders draws opts.Orders orders from the model, sorted by date, with
// OrderIDs increasing from firstOrderID.
func generateOrders(m *model, opts NorthwindOptions) []order {
	r := newRand(opts.Seed, 0x6f7264657273) // "orders"
	dates := orderDates(r, opts)
	rises := priceRises(r, m, opts)
	orders := make([]order, len(dates))
	for i, d := range dates {
		o := order{
			id:       firstOrderID + int64(i),
			customer: m.customers.draw(r),
			employee: m.employees.draw(r),
			shipVia:  m.shippers.draw(r),
			date:     d,
		}
		o.lines = drawLines(r, m, rises, d)
		sub := 0.0
		for _, l := range o.lines {
			sub += l.price * float64(l.quantity) * (1 - l.discount)
		}
		o.freight = drawFreight(r, m, sub)
		o.required = d.AddDate(0, 0, m.reqDays.draw(r))
		if s := d.AddDate(0, 0, m.leadDays[r.IntN(len(m.leadDays))]); !s.After(opts.To) {
			o.shipped = &s
		}
		orders[i] = o
	}
	return orders
}

// orderDates draws n weekdays in [From, To] weighted by growth and season.
func orderDates(r *rand.Rand, opts NorthwindOptions) []time.Time {
	var days weighted[time.Time]
	for d := opts.From; !d.After(opts.To); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		years := d.Sub(opts.From).Hours() / 24 / 365.25
		days.add(d, math.Pow(yearlyGrowth, years)*seasonFactor[d.Month()-1])
	}
	dates := make([]time.Time, opts.Orders)
	for i := range dates {
		dates[i] = days.draw(r)
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i].Before(dates[j]) })
	return dates
}

// priceRises draws, per product, the date of its price rise (zero if none).
func priceRises(r *rand.Rand, m *model, opts NorthwindOptions) map[int64]time.Time {
	start := opts.From.AddDate(0, 6, 0)
	span := int(opts.From.AddDate(3, 6, 0).Sub(start).Hours() / 24)
	if span < 1 {
		span = 1
	}
	rises := make(map[int64]time.Time)
	for _, p := range m.products.items {
		if r.Float64() < priceRiseShare {
			rises[p.id] = start.AddDate(0, 0, r.IntN(span))
		}
	}
	return rises
}

func drawLines(r *rand.Rand, m *model, rises map[int64]time.Time, d time.Time) []orderLine {
	n := m.linesPerOrder[r.IntN(len(m.linesPerOrder))]
	n = min(n, len(m.products.items))
	seen := make(map[int64]bool, n)
	lines := make([]orderLine, 0, n)
	for len(lines) < n {
		p := m.products.draw(r)
		if seen[p.id] {
			continue
		}
		seen[p.id] = true
		price := p.price
		if rise, ok := rises[p.id]; ok && d.Before(rise) {
			price = round2(price * oldPriceFactor)
		}
		lines = append(lines, orderLine{
			product:  p.id,
			price:    price,
			quantity: m.quantities[r.IntN(len(m.quantities))],
			discount: m.discounts.draw(r),
		})
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].product < lines[j].product })
	return lines
}

// drawFreight scales the order's subtotal by a classic freight/subtotal ratio,
// redrawing a few times when that gives more than maxFreight.
func drawFreight(r *rand.Rand, m *model, sub float64) float64 {
	f := 0.0
	for try := 0; try < 5; try++ {
		f = sub * m.freightRatios[r.IntN(len(m.freightRatios))]
		if f <= maxFreight {
			break
		}
	}
	return round2(min(max(f, 0.02), maxFreight))
}

// writeOrders inserts the orders and their lines into the attached database
// "out" and copies each customer's address into the Ship* columns.
func writeOrders(ctx context.Context, conn *sql.Conn, orders []order) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("write orders: %w", err)
	}
	defer tx.Rollback()
	insOrder, err := tx.PrepareContext(ctx, `INSERT INTO out.Orders (OrderID, CustomerID, EmployeeID, OrderDate, RequiredDate, ShippedDate, ShipVia, Freight)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("write orders: %w", err)
	}
	insLine, err := tx.PrepareContext(ctx, `INSERT INTO out.order_details (OrderID, ProductID, UnitPrice, Quantity, Discount) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("write order lines: %w", err)
	}
	for _, o := range orders {
		var shipped any
		if o.shipped != nil {
			shipped = o.shipped.Format(dateLayout)
		}
		if _, err := insOrder.ExecContext(ctx, o.id, o.customer, o.employee, o.date.Format(dateLayout),
			o.required.Format(dateLayout), shipped, o.shipVia, o.freight); err != nil {
			return fmt.Errorf("write order %d: %w", o.id, err)
		}
		for _, l := range o.lines {
			if _, err := insLine.ExecContext(ctx, o.id, l.product, l.price, l.quantity, l.discount); err != nil {
				return fmt.Errorf("write order %d line %d: %w", o.id, l.product, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE out.Orders SET ShipName = c.CompanyName, ShipAddress = c.Address, ShipCity = c.City,
		ShipRegion = c.Region, ShipPostalCode = c.PostalCode, ShipCountry = c.Country
		FROM out.Customers AS c WHERE c.CustomerID = Orders.CustomerID`); err != nil {
		return fmt.Errorf("write ship addresses: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("write orders: %w", err)
	}
	return nil
}

// writeDemographics fills CustomerDemographics with the types in demographics
// and gives every customer one type (and about one in six a second one).
func writeDemographics(ctx context.Context, conn *sql.Conn, seed uint64) error {
	for _, d := range demographics {
		if _, err := conn.ExecContext(ctx, `INSERT INTO out.CustomerDemographics VALUES (?, ?)`, d.id, d.desc); err != nil {
			return fmt.Errorf("write customer demographics: %w", err)
		}
	}
	var ids []string
	err := queryEach(ctx, conn, `SELECT CustomerID FROM out.Customers ORDER BY CustomerID`, func(rs *sql.Rows) error {
		var id string
		err := rs.Scan(&id)
		ids = append(ids, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("read customers: %w", err)
	}
	r := newRand(seed, 0x64656d6f) // "demo"
	for _, id := range ids {
		first := r.IntN(len(demographics))
		types := []int{first}
		if r.IntN(6) == 0 {
			types = append(types, (first+1+r.IntN(len(demographics)-1))%len(demographics))
		}
		for _, t := range types {
			if _, err := conn.ExecContext(ctx, `INSERT INTO out.CustomerCustomerDemo VALUES (?, ?)`, id, demographics[t].id); err != nil {
				return fmt.Errorf("write customer demographics: %w", err)
			}
		}
	}
	return nil
}
