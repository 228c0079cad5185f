package ontology

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/schema"
)

// userDB writes a small database as a user might have one: customers and their orders, a
// foreign key, a date column stored as text, and no ontology.
func userDB(t *testing.T) *sql.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shop.db")
	w, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{
		`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT)`,
		`CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id),
			created_at TEXT, amount REAL, status TEXT)`,
	}
	countries := []string{"France", "Germany", "Spain"}
	for i := 1; i <= 12; i++ {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO customers VALUES (%d, 'Customer %d', '%s')`, i, i, countries[i%3]))
	}
	statuses := []string{"open", "shipped", "cancelled"}
	for i := 1; i <= 60; i++ {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO orders VALUES (%d, %d, '202%d-%02d-%02d', %d.5, '%s')`,
			i, i%12+1, 3+i%2, i%12+1, i%28+1, 10*i, statuses[i%3]))
	}
	for _, s := range stmts {
		if _, err := w.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	w.Close()
	db, err := database.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db.DB
}

func TestFromSchema(t *testing.T) {
	type metricWant struct {
		id, timeColumn, unit string
		dims                 []string // each must be listed
		notDims              []string // none may be listed (finer tables, other time columns)
	}
	tests := []struct {
		name    string
		db      func(t *testing.T) *sql.DB
		metrics []metricWant
		dims    map[string]string // dimension name → "column id grain"
	}{
		{"chinook", func(t *testing.T) *sql.DB { return openDB(t, "chinook") },
			[]metricWant{
				{"invoice_count", "Invoice.InvoiceDate", "count", []string{"customer", "billing_country", "invoice_year", "invoice_month"}, []string{"track", "genre", "hire_year"}},
				{"invoice_line_count", "Invoice.InvoiceDate", "count", []string{"genre", "artist", "customer", "invoice_quarter"}, nil},
				{"track_count", "", "count", []string{"genre", "album", "artist", "media_type"}, []string{"customer", "invoice_year", "playlist"}},
				{"invoice_total", "Invoice.InvoiceDate", "currency", []string{"customer_country"}, []string{"genre"}},
				{"total_quantity", "Invoice.InvoiceDate", "units", []string{"genre"}, nil},
				{"customer_count", "", "count", []string{"customer_country", "employee"}, []string{"invoice_year"}},
			},
			map[string]string{
				"genre":        "Genre.Name Genre.GenreId ",
				"customer":     "Customer.LastName Customer.CustomerId ",
				"invoice_year": "Invoice.InvoiceDate  year",
			}},
		{"northwind", func(t *testing.T) *sql.DB { return openDB(t, "northwind") },
			[]metricWant{
				{"order_count", "Orders.OrderDate", "count", []string{"customer", "employee", "shipper", "order_year", "ship_country"}, []string{"product", "hire_year"}},
				{"order_detail_count", "Orders.OrderDate", "count", []string{"product", "category", "supplier", "customer", "order_month"}, nil},
				{"total_freight", "Orders.OrderDate", "currency", []string{"customer_country"}, []string{"category"}},
				{"employee_count", "Employees.HireDate", "count", []string{"hire_year"}, []string{"territory", "region"}},
			},
			map[string]string{
				"category":    "Categories.CategoryName Categories.CategoryID ",
				"customer":    "Customers.CompanyName Customers.CustomerID ",
				"region":      "Regions.RegionDescription Regions.RegionID ",
				"order_month": "Orders.OrderDate  year_month",
			}},
		{"user file", userDB,
			[]metricWant{
				{"order_count", "orders.created_at", "count", []string{"customer", "customer_country", "order_status", "created_year", "created_quarter", "created_month"}, nil},
				{"customer_count", "", "count", []string{"customer", "customer_country"}, []string{"order_status", "created_year"}},
				{"total_amount", "orders.created_at", "currency", []string{"customer"}, nil},
				{"average_amount", "orders.created_at", "currency", []string{"created_month"}, nil},
			},
			map[string]string{
				"customer":     "customers.name customers.id ",
				"order_status": "orders.status  ",
				"created_year": "orders.created_at  year",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := tt.db(t)
			s, err := schema.Introspect(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			o, err := FromSchema(ctx, db, s)
			if err != nil {
				t.Fatal(err)
			}
			if ps := Validate(ctx, db, o); len(ps) > 0 {
				t.Fatalf("derived ontology has problems:\n%v", Problems(ps))
			}
			for _, w := range tt.metrics {
				m := o.MetricByID(w.id)
				if m == nil {
					t.Errorf("no metric %s", w.id)
					continue
				}
				if m.TimeColumn != w.timeColumn || m.Unit != w.unit {
					t.Errorf("%s: time column %q unit %q, want %q %q", w.id, m.TimeColumn, m.Unit, w.timeColumn, w.unit)
				}
				for _, d := range w.dims {
					if !slices.Contains(m.Dimensions, d) || !slices.Contains(m.Filters, d) {
						t.Errorf("%s: dimensions %v, want %s among them", w.id, m.Dimensions, d)
					}
				}
				for _, d := range w.notDims {
					if slices.Contains(m.Dimensions, d) {
						t.Errorf("%s: dimensions %v, want no %s", w.id, m.Dimensions, d)
					}
				}
			}
			for name, want := range tt.dims {
				d := o.Dimension(name)
				if d == nil {
					t.Errorf("no dimension %s", name)
					continue
				}
				if got := d.Column + " " + d.ID + " " + d.Grain; got != want {
					t.Errorf("dimension %s: %q, want %q", name, got, want)
				}
			}
			// The YAML written for users to edit loads back to the same vocabulary.
			var b bytes.Buffer
			if err := WriteYAML(&b, o, "derived"); err != nil {
				t.Fatal(err)
			}
			back, err := LoadBytes("derived.yaml", b.Bytes())
			if err != nil {
				t.Fatalf("load the written YAML: %v", err)
			}
			if ps := Validate(ctx, db, back); len(ps) > 0 {
				t.Fatalf("written ontology has problems:\n%v", Problems(ps))
			}
			if len(back.Metrics) != len(o.Metrics) || len(back.Dimensions) != len(o.Dimensions) || len(back.Joins) != len(o.Joins) {
				t.Errorf("written ontology has %d metrics, %d dimensions, %d joins, want %d, %d, %d",
					len(back.Metrics), len(back.Dimensions), len(back.Joins), len(o.Metrics), len(o.Dimensions), len(o.Joins))
			}
		})
	}
}

func TestDeriveNames(t *testing.T) {
	tests := []struct{ in, words, singular, plural string }{
		{"InvoiceLine", "invoice line", "invoice line", "invoice lines"},
		{"order_details", "order details", "order detail", "order details"},
		{"Categories", "categories", "category", "categories"},
		{"customerID", "customer id", "customer id", "customer ids"},
		{"HTTPStatus", "http status", "http status", "http statuses"},
		{"Addresses", "addresses", "address", "addresses"},
		{"boxes", "boxes", "box", "boxes"},
		{"People", "people", "person", "people"},
		{"Days", "days", "day", "days"},
		{"MediaType", "media type", "media type", "media types"},
	}
	for _, tt := range tests {
		ws := words(tt.in)
		sing := lastTo(ws, singular)
		if got := strings.Join(ws, " "); got != tt.words {
			t.Errorf("words(%q) = %q, want %q", tt.in, got, tt.words)
		}
		if got := strings.Join(sing, " "); got != tt.singular {
			t.Errorf("singular of %q = %q, want %q", tt.in, got, tt.singular)
		}
		if got := strings.Join(lastTo(sing, plural), " "); got != tt.plural {
			t.Errorf("plural of %q = %q, want %q", tt.in, got, tt.plural)
		}
	}
}
