package ontology

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadSeedQuirks(t *testing.T) {
	o, err := Load("../../data/seed000/analytic_graph.json")
	if err != nil {
		t.Fatal(err)
	}
	m := o.Metric("Regional Freight Distribution")
	if m.Formula != "SUM(Orders.Freight)" || !cmp.Equal(m.Dimensions, []string{"region"}) {
		t.Errorf("GROUP BY not split: formula %q dimensions %v", m.Formula, m.Dimensions)
	}
	if d := o.Dimension("region"); d == nil || d.Column != "Regions.RegionDescription" {
		t.Errorf("region dimension = %+v", d)
	}
	if !o.Metric("Year-over-Year Growth").Descriptive {
		t.Error("Year-over-Year Growth not descriptive")
	}
	if got := o.Entity("Business Account").SampleValues["CompanyName"]; got != "Trailhead Sporting Co." {
		t.Errorf("sample value %q", got)
	}
	if got := o.Metric("Late Shipment Rate").TimeColumn; got != "Orders.OrderDate" {
		t.Errorf("time column %q", got)
	}
	v1, err := Load("../../data/seed000/analytic_graph_v1.json")
	if err != nil {
		t.Fatal(err)
	}
	if m := v1.Metric("Year-over-Year Growth"); m.Descriptive || !strings.HasPrefix(m.CTE, "sales_by_year AS") {
		t.Errorf("v1 YoY: descriptive %v cte %q", m.Descriptive, m.CTE)
	}
	if got := v1.Entity("Merchandise").SampleValues["UnitPrice"]; got != "28" {
		t.Errorf("v1 sample value %q", got)
	}
}

func TestLoadFormatErrors(t *testing.T) {
	tests := []struct{ name, path, text, want string }{
		{"empty", "x.yaml", "", "x.yaml:1: want one YAML document holding a mapping"},
		{"scalar", "x.yaml", "hello\n", "x.yaml:1: want a mapping at the top level"},
		{"no version", "x.yaml", "name: x\nmetrics: []\n", "x.yaml:1: field version: missing: want version: 1"},
		{"unknown format", "x.yaml", "foo: 1\n", "x.yaml:1: not an ontology: want version: 1 (sqlforge YAML), business_concepts (analytic_graph.json) or metrics (analytic_graph_v1.json)"},
		{"bad type", "x.yaml", "version: 1\nname: x\nmetrics:\n  - name: A\n    time_dependent: maybe\n",
			`x.yaml:5: metric "A": field time_dependent: want bool, got string`},
		{"unknown top-level", "x.yaml", "version: 1\nnmae: x\n", "x.yaml:2: field nmae: unknown field"},
		{"dict concept type", "g.json", `{"business_concepts": {"A": {"type": "kpi"}}}`, `g.json:1: concept "A": field type: unknown type "kpi": want metric or entity`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadBytes(tt.path, []byte(tt.text))
			if err == nil {
				t.Fatalf("no error, want %s", tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestJoinPath(t *testing.T) {
	o, err := LoadRef("northwind")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		tables []string
		want   string
	}{
		{[]string{"Orders"}, "Orders"},
		{[]string{"orders", "Orders"}, "orders"},
		{[]string{"Orders", "order_details"}, "Orders JOIN order_details ON Orders.OrderID = order_details.OrderID"},
		{[]string{"order_details", "Categories"}, "order_details JOIN Products ON order_details.ProductID = Products.ProductID JOIN Categories ON Products.CategoryID = Categories.CategoryID"},
		{[]string{"Categories", "Orders"}, "Categories JOIN Products ON Products.CategoryID = Categories.CategoryID JOIN order_details ON order_details.ProductID = Products.ProductID JOIN Orders ON Orders.OrderID = order_details.OrderID"},
		{[]string{"Orders", "Regions"}, "Orders JOIN Employees ON Orders.EmployeeID = Employees.EmployeeID JOIN EmployeeTerritories ON Employees.EmployeeID = EmployeeTerritories.EmployeeID JOIN Territories ON EmployeeTerritories.TerritoryID = Territories.TerritoryID JOIN Regions ON Territories.RegionID = Regions.RegionID"},
	}
	for _, tt := range tests {
		got, err := o.FromClause(tt.tables)
		if err != nil {
			t.Errorf("%v: %v", tt.tables, err)
			continue
		}
		if got != tt.want {
			t.Errorf("FromClause(%v)\ngot  %s\nwant %s", tt.tables, got, tt.want)
		}
	}
	if _, err := o.JoinPath([]string{"Orders", "Nowhere"}); err == nil || err.Error() != "join path: no join connects Orders to Nowhere" {
		t.Errorf("unconnected: %v", err)
	}
	if _, err := o.JoinPath(nil); err == nil {
		t.Error("no tables: no error")
	}
	// A LEFT join keeps its type when walked from its left side only.
	g := &Ontology{Joins: []Join{{Left: "A", Right: "B", On: "A.x = B.x", Type: "LEFT"}}}
	for tables, want := range map[[2]string]string{{"A", "B"}: "A LEFT JOIN B ON A.x = B.x", {"B", "A"}: "B JOIN A ON A.x = B.x"} {
		if got, _ := g.FromClause(tables[:]); got != want {
			t.Errorf("FromClause(%v) = %s, want %s", tables, got, want)
		}
	}
	if got := QuoteIdent("Order Details"); got != `"Order Details"` {
		t.Errorf("QuoteIdent = %s", got)
	}
}

func TestQualifiedRefs(t *testing.T) {
	got := QualifiedRefs(`SUM(Orders.Freight) + COUNT(DISTINCT "Order Details".ProductID) + 1.5 + LENGTH('a.b') + od2.X + Orders.Freight`)
	want := []ColumnRef{{"Orders", "Freight"}, {"Order Details", "ProductID"}, {"od2", "X"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("QualifiedRefs (-want +got):\n%s", diff)
	}
	local := LocalRelations("(SELECT x FROM order_details od2 WHERE 1)", "sales_by_year AS (SELECT 1 FROM Orders)")
	if !local["od2"] || !local["sales_by_year"] || local["where"] {
		t.Errorf("LocalRelations = %v", local)
	}
}
