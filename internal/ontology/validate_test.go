package ontology

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestShippedAndSeedOntologiesPass checks that both seed files and both shipped
// ontologies validate on their databases with no errors.
func TestShippedAndSeedOntologiesPass(t *testing.T) {
	tests := []struct {
		ref, db      string
		format       string
		minConcepts  int
		wantWarnings int
	}{
		{"northwind", "northwind", FormatYAML, 30, 0},
		{"chinook", "chinook", FormatYAML, 15, 0},
		{"../../data/seed000/analytic_graph.json", "northwind", FormatAnalyticGraph, 17, 4},
		{"../../data/seed000/analytic_graph_v1.json", "northwind", FormatAnalyticGraphV1, 17, 0},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			o, err := LoadRef(tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			if o.Format != tt.format {
				t.Errorf("format %q, want %q", o.Format, tt.format)
			}
			if n := len(o.Metrics) + len(o.Dimensions) + len(o.Entities); n < tt.minConcepts {
				t.Errorf("%d concepts, want at least %d", n, tt.minConcepts)
			}
			ps := Validate(context.Background(), openDB(t, tt.db), o)
			if errs := errorsOf(ps); len(errs) > 0 {
				t.Errorf("errors:\n%v", errs)
			}
			if w := warningsOf(ps); len(w) != tt.wantWarnings {
				t.Errorf("%d warnings, want %d:\n%v", len(w), tt.wantWarnings, w)
			}
		})
	}
}

// TestBrokenCopies edits the shipped northwind ontology one fault at a time and checks the
// exact problem line reported for each.
func TestBrokenCopies(t *testing.T) {
	const path = "ontologies/northwind.yaml"
	orig := string(readRepo(t, path))
	db := openDB(t, "northwind")
	tests := []struct {
		name, old, new string
		// want is the expected problem; %d stands for the line of lineAt (after lineAfter).
		want, lineAfter, lineAt string
		load                    bool // the fault is found by Load rather than Validate
	}{
		{name: "yaml syntax", old: "  - name: Units Sold\n", new: "  - name: Units Sold\n    synonyms: [quantity sold\n",
			lineAt: "description: Quantity of product units sold", want: path + ":%d: ',' or ']' must be specified", load: true},
		{name: "unknown field", old: "    grain: order\n    time_dependent: true\n", new: "    grian: order\n    time_dependent: true\n",
			lineAt: "grian: order", want: path + `:%d: metric "Late Shipment Rate": field grian: unknown field`, load: true},
		{name: "bad version", old: "version: 1\n", new: "version: 2\n",
			lineAt: "version: 2", want: path + ":%d: field version: unsupported version 2: want 1", load: true},
		{name: "unknown table", old: "    tables: [Suppliers]\n    grain: supplier\n    time_dependent: false\n    unit: count",
			new:    "    tables: [Supplierz]\n    grain: supplier\n    time_dependent: false\n    unit: count",
			lineAt: "- name: Supplier Count", want: path + `:%d: metric "Supplier Count": field tables: no such table: Supplierz`},
		{name: "unknown column", old: `formula: "SUM(Orders.Freight)"`, new: `formula: "SUM(Orders.Freightt)"`,
			lineAt: "- name: Total Freight", want: path + `:%d: metric "Total Freight": field formula: no such column: Orders.Freightt`},
		{name: "formula does not prepare", old: `formula: "AVG(Orders.Freight)"`, new: `formula: "AVGG(Orders.Freight)"`,
			lineAt: "- name: Average Freight per Order", want: path + `:%d: metric "Average Freight per Order": field formula: no such function: AVGG`},
		{name: "join to missing table", old: "{left: Products, right: Suppliers,", new: "{left: Products, right: Vendors,",
			lineAt: "{left: Products, right: Vendors,", want: path + `:%d: join Products-Vendors: field right: no such table: Vendors`},
		{name: "dimension column missing", old: "column: Customers.City,", new: "column: Customers.Town,",
			lineAt: "column: Customers.Town", want: path + `:%d: dimension "customer_city": field column: no such column: Customers.Town`},
		{name: "unknown dimension", old: "dimensions: [employee_title, employee_country]", new: "dimensions: [employee_title, employee_age]",
			lineAt: "- name: Headcount", want: path + `:%d: metric "Headcount": field dimensions: unknown dimension "employee_age"`},
		{name: "tables not joined", old: "  - {left: CustomerCustomerDemo, right: CustomerDemographics,", new: "  # - {left: CustomerCustomerDemo, right: CustomerDemographics,",
			lineAt: "- name: Customer Segment", want: path + `:%d: entity "Customer Segment": field tables: join path: no join connects CustomerDemographics to CustomerCustomerDemo`},
		{name: "segment condition column", old: `condition: "Orders.ShippedDate > Orders.RequiredDate"`, new: `condition: "Orders.ShippedDate > Orders.RequiredDat"`,
			lineAt: "- {name: late_shipment,", want: path + `:%d: segment "late_shipment": field condition: no such column: Orders.RequiredDat`},
		{name: "segment reads a table it does not list", old: `condition: "Products.UnitsInStock = 0", tables: [Products]`, new: `condition: "Products.UnitsInStock = 0", tables: [Orders]`,
			lineAt: "- {name: out_of_stock,", want: path + `:%d: segment "out_of_stock": field condition: reads Products.UnitsInStock, which is not in tables`},
		{name: "segment named like a dimension", old: "- {name: shipped, condition:", new: "- {name: shipper, condition:",
			lineAt: "- {name: shipper, condition:", want: path + `:%d: segment "shipper": field name: a dimension or metric has the same name`},
		{name: "label column missing", old: "labels: [Employees.FirstName, Employees.LastName]", new: "labels: [Employees.First, Employees.LastName]",
			lineAt: "{name: employee, column:", want: path + `:%d: dimension "employee": field labels: no such column: Employees.First`},
		{name: "bad grain", old: "grain: month, kind: time", new: "grain: week, kind: time",
			lineAt: "{name: calendar_month,", want: path + `:%d: dimension "calendar_month": field grain: "week" is not year, quarter, month, year_quarter or year_month`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(orig, tt.old) {
				t.Fatalf("%q not in %s", tt.old, path)
			}
			text := strings.Replace(orig, tt.old, tt.new, 1)
			want := fmt.Sprintf(tt.want, lineOf(t, text, tt.lineAfter, tt.lineAt))
			o, err := LoadBytes(path, []byte(text))
			if tt.load {
				if err == nil {
					t.Fatalf("Load succeeded, want %s", want)
				}
				if got := err.Error(); got != want {
					t.Errorf("got  %s\nwant %s", got, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			errs := errorsOf(Validate(context.Background(), db, o))
			if len(errs) != 1 || errs[0].String() != want {
				t.Errorf("got  %v\nwant %s", errs, want)
			}
		})
	}
}

// TestBrokenSeedCopies checks that faults in the seed's JSON forms are found and located.
func TestBrokenSeedCopies(t *testing.T) {
	db := openDB(t, "northwind")
	tests := []struct {
		file, old, new, lineAt, want string
		load                         bool
	}{
		{"analytic_graph.json", `"Late Shipment Rate": {`, `"Late Shipment Rate": {"owner": "ops",`, `"Late Shipment Rate": {`,
			`:%d: metric "Late Shipment Rate": field owner: unknown field`, true},
		{"analytic_graph.json", `AVG(julianday(Orders.ShippedDate)`, `AVG(julianday(Orders.ShipDate)`, `"Order Processing Speed": {`,
			`:%d: metric "Order Processing Speed": field formula: no such column: Orders.ShipDate`, false},
		{"analytic_graph_v1.json", `"condition": "Territories.RegionID = Regions.RegionID"`, `"condition": "Territories.RegionID = Regions.RegionNo"`,
			`"left": "Territories"`, `:%d: join Territories-Regions: field on: no such column: Regions.RegionNo`, false},
		{"analytic_graph_v1.json", `"dimension": "Regions.RegionDescription"`, `"dimension": "Regions.Name"`,
			`"name": "Regional Freight Distribution"`, `:%d: dimension "region": field column: no such column: Regions.Name`, false},
	}
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.want, func(t *testing.T) {
			path := "data/seed000/" + tt.file
			orig := string(readRepo(t, path))
			if !strings.Contains(orig, tt.old) {
				t.Fatalf("%q not in %s", tt.old, path)
			}
			text := strings.Replace(orig, tt.old, tt.new, 1)
			want := path + fmt.Sprintf(tt.want, lineOf(t, text, "", tt.lineAt))
			o, err := LoadBytes(path, []byte(text))
			if tt.load {
				if err == nil || err.Error() != want {
					t.Errorf("got  %v\nwant %s", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			errs := errorsOf(Validate(context.Background(), db, o))
			if len(errs) != 1 || errs[0].String() != want {
				t.Errorf("got  %v\nwant %s", errs, want)
			}
		})
	}
}

// TestMetricQueryGroupBy: the validation query groups by the dimension expressions, and by
// position on BigQuery, whose analyzer (as the emulator builds it) does not match them.
func TestMetricQueryGroupBy(t *testing.T) {
	o, err := LoadRef("northwind")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ dialect, want string }{
		{"sqlite", " GROUP BY strftime('%Y-%m', Orders.OrderDate), Customers.Country"},
		{"bigquery", " GROUP BY 1, 2"},
	} {
		r, err := o.For(tt.dialect)
		if err != nil {
			t.Fatal(err)
		}
		q, err := r.MetricQuery(r.Metric("Total Freight"), "order_month", "customer_country")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(q, tt.want) {
			t.Errorf("%s: %s\nwant it to end with %q", tt.dialect, q, tt.want)
		}
	}
}
