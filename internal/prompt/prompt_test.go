package prompt

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/schema"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

var trainExamples = []Example{
	{Question: "What was the total revenue in 2021?", SQL: "SELECT SUM(order_details.UnitPrice * order_details.Quantity) AS value FROM order_details JOIN Orders ON Orders.OrderID = order_details.OrderID WHERE CAST(strftime('%Y', Orders.OrderDate) AS INTEGER) = 2021",
		Reasoning: "Revenue is price times quantity summed over order lines; filter orders to 2021."},
	{Question: "List the products of the category Beverages.", SQL: "SELECT Products.ProductName FROM Products JOIN Categories ON Products.CategoryID = Categories.CategoryID WHERE Categories.CategoryName = 'Beverages'"},
	{Question: "How many orders did customers in Germany place?", SQL: "SELECT COUNT(*) FROM Orders JOIN Customers ON Orders.CustomerID = Customers.CustomerID WHERE Customers.Country = 'Germany'"},
	{Question: "Top 5 employees by number of orders.", SQL: "SELECT Employees.LastName, COUNT(*) AS value FROM Orders JOIN Employees ON Orders.EmployeeID = Employees.EmployeeID GROUP BY Employees.LastName ORDER BY value DESC LIMIT 5"},
}

func northwind(t *testing.T) (*schema.Schema, *ontology.Ontology) {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, "northwind")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := schema.Introspect(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	o, err := ontology.LoadRef("northwind")
	if err != nil {
		t.Fatal(err)
	}
	return s, o
}

func dump(msgs []Message) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString("=== " + string(m.Role) + "\n" + m.Content + "\n")
	}
	return b.String()
}

// TestGolden pins the rendered prompts of representative configurations.
func TestGolden(t *testing.T) {
	s, o := northwind(t)
	ix := NewIndex(trainExamples)
	cases := []struct {
		name     string
		opts     Options
		ont      *ontology.Ontology
		question string
		history  []Example
	}{
		{name: "all_tables", question: "What was the total revenue in 2022?"},
		{name: "linked_concepts_shots", opts: Options{LinkTables: true, Shots: 2}, ont: o, question: "What was the revenue of Beverages in 2022?"},
		{name: "reasoning", opts: Options{LinkTables: true, Shots: 1, Reasoning: true}, ont: o, question: "Total revenue in 2023"},
		{name: "follow_up", opts: Options{LinkTables: true}, ont: o, question: "only for Germany",
			history: []Example{{Question: "How many orders were placed in 2022?", SQL: "SELECT COUNT(*) FROM Orders WHERE strftime('%Y', OrderDate) = '2022'"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := &Builder{Schema: s, Ontology: c.ont, Examples: ix, Options: c.opts}
			got := dump(Messages(b.Build(c.question, c.history)))
			golden := filepath.Join("testdata", c.name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if d := cmp.Diff(got, string(want)); d != "" {
				t.Errorf("%s (-got +want):\n%s", c.name, d)
			}
		})
	}
}

func TestLinkTables(t *testing.T) {
	s, o := northwind(t)
	cases := []struct {
		question string
		want     []string
	}{
		{"How many products are there?", []string{"Products"}},
		{"Orders shipped to Germany by each shipper", []string{"Orders", "Shippers"}},
		{"What was the revenue in 2021?", []string{"Orders", "order_details"}},
	}
	for _, c := range cases {
		got := LinkTables(s, o, c.question)
		for _, w := range c.want {
			found := false
			for _, g := range got {
				found = found || strings.EqualFold(g, w)
			}
			if !found {
				t.Errorf("LinkTables(%q) = %v, want it to contain %s", c.question, got, w)
			}
		}
		if len(got) == len(s.Tables) {
			t.Errorf("LinkTables(%q) = all %d tables, want a subset", c.question, len(got))
		}
	}
	if got := LinkTables(s, o, "xyzzy"); len(got) != len(s.Tables) {
		t.Errorf("unlinked question: got %d tables, want all %d", len(got), len(s.Tables))
	}
}

func TestSearch(t *testing.T) {
	ix := NewIndex(trainExamples)
	cases := []struct {
		q    string
		want int
	}{
		{"total revenue in 2019", 0},
		{"products in category Condiments", 1},
		{"how many orders from customers in France", 2},
		{"top 3 employees by orders", 3},
	}
	for _, c := range cases {
		hits := ix.Search(c.q, 2)
		if len(hits) == 0 || hits[0].Pos != c.want {
			t.Errorf("Search(%q) = %+v, want example %d first", c.q, hits, c.want)
		}
	}
	if hits := ix.Search("zzz qqq", 3); len(hits) != 0 {
		t.Errorf("no shared term: got %d hits", len(hits))
	}
}

func TestTerms(t *testing.T) {
	got := Terms("Show the orders from 2021-03-01 in 2021 above 5.5 units")
	want := []string{"order", "from", "#date", "#year", "above", "#num", "unit"}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("Terms (-got +want):\n%s", d)
	}
}

func TestAssistant(t *testing.T) {
	ex := Example{SQL: "SELECT 1", Reasoning: "because"}
	if got := Assistant(ex, false); got != "SELECT 1" {
		t.Errorf("plain: got %q", got)
	}
	if got, want := Assistant(ex, true), "because\n\n###final_sql_query:\nSELECT 1"; got != want {
		t.Errorf("reasoning: got %q, want %q", got, want)
	}
}

func TestEvidence(t *testing.T) {
	o, err := ontology.LoadRef("northwind")
	if err != nil {
		t.Fatal(err)
	}
	ev := Evidence(o, "What was the gross profit by category in 2023?")
	if !strings.Contains(ev, "Gross Profit = SUM(") || !strings.Contains(ev, "category = Categories.CategoryName") {
		t.Errorf("evidence %q lacks the metric's formula or the dimension's column", ev)
	}
	if strings.Contains(ev, "tables ") {
		t.Errorf("evidence %q names an entity", ev)
	}
	for _, q := range []string{"Hello there?", ""} {
		if ev := Evidence(o, q); ev != "" {
			t.Errorf("%q: evidence %q, want none", q, ev)
		}
	}
	if ev := Evidence(nil, "gross profit"); ev != "" {
		t.Errorf("nil ontology: %q", ev)
	}
}
