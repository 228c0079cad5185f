package serve

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/ontology"
)

func northwindOntology(t *testing.T) *ontology.Ontology {
	t.Helper()
	ont, err := ontology.LoadRef("northwind")
	if err != nil {
		t.Fatal(err)
	}
	return ont
}

// TestCatalog: GET /catalog lists the ontology's concepts with units, the database's tables,
// and example questions the plan model answers with confidence.
func TestCatalog(t *testing.T) {
	f := newFixture(t, Config{}, ServiceConfig{Planner: northwindKNN(t), Ontology: northwindOntology(t)})
	res, err := f.srv.Client().Get(f.srv.URL + "/catalog")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var c Catalog
	if err := json.NewDecoder(res.Body).Decode(&c); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /catalog: %d %v", res.StatusCode, err)
	}
	if c.Database != "northwind" || c.Currency != DefaultCurrency {
		t.Errorf("database %q, currency %q", c.Database, c.Currency)
	}
	var revenue *CatalogMetric
	for i := range c.Metrics {
		if c.Metrics[i].ID == "revenue" {
			revenue = &c.Metrics[i]
		}
	}
	if revenue == nil || revenue.Name != "Revenue" || revenue.Unit != "currency" || revenue.Description == "" {
		t.Errorf("revenue metric: %+v", revenue)
	}
	if len(c.Dimensions) == 0 || c.Dimensions[1].ID != "customer_country" || c.Dimensions[1].Name != "customer country" {
		t.Errorf("dimensions: %+v", c.Dimensions[:min(2, len(c.Dimensions))])
	}
	if len(c.Segments) == 0 || c.Segments[0].ID != "late_shipment" || c.Segments[0].Description == "" {
		t.Errorf("segments: %+v", c.Segments)
	}
	tables := map[string]CatalogTable{}
	for _, tb := range c.Tables {
		tables[tb.Name] = tb
	}
	if o := tables["Orders"]; o.Rows == 0 || len(o.Columns) == 0 || o.Description == "" {
		t.Errorf("table Orders: %+v", o)
	}
	if len(c.Examples) < 4 {
		t.Fatalf("examples %q: want at least 4", c.Examples)
	}
	for _, q := range c.Examples {
		ans, err := f.svc.Generate(context.Background(), GenerateRequest{Question: q})
		if err != nil || ans.SQL == "" || ans.Confidence < LowConfidence || len(ans.Missing) > 0 {
			t.Errorf("example %q: sql %q, confidence %v, missing %q, err %v", q, ans.SQL, ans.Confidence, ans.Missing, err)
		}
	}
}

// TestChinookExamples: the examples made from Chinook's ontology are answered too.
func TestChinookExamples(t *testing.T) {
	ctx := context.Background()
	k, err := buildKNN(ctx, "chinook")
	if err != nil {
		t.Fatal(err)
	}
	ont, err := ontology.LoadRef("chinook")
	if err != nil {
		t.Fatal(err)
	}
	c := newCatalog(ont, nil, "")
	if len(c.Examples) < 4 {
		t.Fatalf("examples %q: want at least 4", c.Examples)
	}
	for _, q := range c.Examples {
		ans, err := k.Answer(ctx, q)
		if err != nil || ans.SQL == "" || ans.Confidence < LowConfidence || len(ans.Missing) > 0 {
			t.Errorf("example %q: sql %q, confidence %v, missing %q, err %v", q, ans.SQL, ans.Confidence, ans.Missing, err)
		}
	}
}

// TestCatalogWithoutOntology: a SQL model over a database without an ontology still lists
// its tables, and no concepts or examples.
func TestCatalogWithoutOntology(t *testing.T) {
	f := newFixture(t, Config{}, ServiceConfig{})
	c := f.svc.Catalog()
	if len(c.Tables) == 0 || len(c.Metrics) != 0 || len(c.Examples) != 0 || c.Examples == nil {
		t.Errorf("catalog: %d tables, %d metrics, examples %#v", len(c.Tables), len(c.Metrics), c.Examples)
	}
}

func TestPlural(t *testing.T) {
	for in, want := range map[string]string{"product": "products", "category": "categories", "customer country": "customer countries",
		"employee": "employees", "ship via": "ship vias", "box": "boxes", "day": "days"} {
		if got := plural(in); got != want {
			t.Errorf("plural(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCatalogTakesTheKey: with API keys, GET /catalog (which names tables and columns)
// needs one, like POST /generate-sql.
func TestCatalogTakesTheKey(t *testing.T) {
	f := newFixture(t, Config{APIKeys: []string{"k1"}}, ServiceConfig{})
	for key, want := range map[string]int{"": http.StatusUnauthorized, "wrong": http.StatusUnauthorized, "k1": http.StatusOK} {
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/catalog", nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		res, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("key %q: status %d, want %d", key, res.StatusCode, want)
		}
	}
}

// TestMeasuresIn: a SQL model's answer names the metrics its SQL computes, the longest
// formula winning over one it contains.
func TestMeasuresIn(t *testing.T) {
	c := newCatalog(northwindOntology(t), nil, "")
	cases := []struct {
		sql  string
		want []string
	}{
		{"SELECT Categories.CategoryName, SUM(order_details.UnitPrice * order_details.Quantity * (1 - order_details.Discount)) AS value FROM Orders", []string{"revenue"}},
		{"select sum(Orders.Freight)   as value, COUNT(DISTINCT Orders.OrderID) AS n FROM Orders", []string{"total_freight", "order_count"}},
		{"SELECT 1", []string{}},
	}
	for _, tc := range cases {
		got := c.measuresIn(tc.sql)
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("measuresIn(%q) = %q, want %q", tc.sql, got, tc.want)
		}
	}
}
