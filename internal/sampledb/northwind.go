package sampledb

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultSeed is the seed of the embedded Northwind database.
const DefaultSeed uint64 = 1

// DefaultOrders is the number of orders of the embedded Northwind database
// (about 2.6 lines each, as in the classic data).
const DefaultOrders = 3500

// NorthwindClassicCounts are the row counts of the classic script; the build
// checks them so that a script that stops early is caught. Customers holds
// 91 real customers plus the two test rows that the build drops.
var NorthwindClassicCounts = map[string]int{
	"Orders": 830, "Order Details": 2155, "Customers": 93, "Products": 77,
	"Employees": 9, "Shippers": 3, "Suppliers": 29, "Categories": 8,
	"Territories": 53, "EmployeeTerritories": 49, "Regions": 4,
}

// NorthwindOptions tune the generated part of Northwind. The zero value means
// the defaults of the embedded database.
type NorthwindOptions struct {
	// Seed drives every random choice: the same seed gives the same content.
	Seed uint64
	// Orders is the number of orders to generate (DefaultOrders when 0).
	Orders int
	// From and To bound the order dates, inclusive (2020-01-01 and 2024-12-31
	// when zero). To is also the "as of" date: orders that would ship after it
	// have no ShippedDate.
	From, To time.Time
}

func (o NorthwindOptions) withDefaults() (NorthwindOptions, error) {
	if o.Orders == 0 {
		o.Orders = DefaultOrders
	}
	if o.From.IsZero() {
		o.From = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.To.IsZero() {
		o.To = time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	if o.Orders < 0 || o.Orders > 1_000_000 {
		return o, fmt.Errorf("orders must be between 1 and 1000000, got %d", o.Orders)
	}
	if !o.From.Before(o.To) {
		return o, fmt.Errorf("order dates: from %s is not before to %s", o.From.Format(dateLayout), o.To.Format(dateLayout))
	}
	return o, nil
}

const dateLayout = "2006-01-02"

// BuildNorthwind builds the Northwind database at outPath (written atomically)
// from the classic script: the script runs as a whole into an in-memory
// database, the reference tables are copied into the new schema, and orders
// and order lines are generated from the classic data's distributions (see
// docs/databases.md).
func BuildNorthwind(ctx context.Context, script, outPath string, opts NorthwindOptions) error {
	opts, err := opts.withDefaults()
	if err != nil {
		return err
	}
	classic, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return fmt.Errorf("open in-memory database: %w", err)
	}
	defer classic.Close()
	conn, err := classic.Conn(ctx) // one connection: each :memory: connection is its own database
	if err != nil {
		return fmt.Errorf("open in-memory database: %w", err)
	}
	defer conn.Close()
	if err := execScript(ctx, conn, "northwind", script); err != nil {
		return err
	}
	if err := checkCounts(ctx, conn, "northwind", NorthwindClassicCounts); err != nil {
		return err
	}
	m, err := readModel(ctx, conn)
	if err != nil {
		return err
	}
	return buildFile(ctx, outPath, func(tmp string) error {
		if err := createSchema(ctx, tmp); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS out", "file:"+tmp); err != nil {
			return fmt.Errorf("attach %s: %w", tmp, err)
		}
		defer conn.ExecContext(context.Background(), "DETACH DATABASE out")
		shift := opts.From.Year() - m.firstYear
		ref := strings.ReplaceAll(copyReference, ":shift", strconv.Itoa(shift))
		if err := execScript(ctx, conn, "copy reference tables", ref); err != nil {
			return err
		}
		if err := writeDemographics(ctx, conn, opts.Seed); err != nil {
			return err
		}
		orders := generateOrders(m, opts)
		if err := writeOrders(ctx, conn, orders); err != nil {
			return err
		}
		return checkForeignKeys(ctx, conn)
	})
}

func createSchema(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	if err := execScript(ctx, db, "northwind schema", northwindSchema); err != nil {
		return err
	}
	return db.Close()
}

// checkForeignKeys fails if any row of the built database breaks a foreign key.
func checkForeignKeys(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, "PRAGMA out.foreign_key_check")
	if err != nil {
		return fmt.Errorf("check foreign keys: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return fmt.Errorf("check foreign keys: %w", err)
		}
		return fmt.Errorf("built database breaks a foreign key: %s row %d -> %s", table, rowid.Int64, parent)
	}
	return rows.Err()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
