package link_test

import (
	"testing"

	"github.com/sqlforge/sqlforge/internal/plan"
)

func TestFill(t *testing.T) {
	f := linker(t, "northwind")
	names := f.c.Names()
	for _, c := range []struct{ skeleton, q, want string }{
		{"revenue by product in 2020..2024 top 5", "Top 3 customers by freight in 2023", "total_freight by customer in 2023 top 3"},
		{"revenue by category compare 2023-H1 2024-H1", "Orders by shipper, 2022 against 2023", "order_count by shipper compare 2022 2023"},
		{"revenue by category growth 2022 2023", "Revenue by country from 2023 to 2024", "revenue by customer_country growth 2023 2024"},
		{"revenue by customer per order_year top 1", "Which product sold the most units in each category?", "units_sold by product per category top 1"},
		{"order_count share of late_shipment", "What percentage of 2023 orders were shipped late?", "order_count in 2023 share of late_shipment"},
		{"revenue by customer having revenue > 10000 count", "How many products have sales above 20k?", "revenue by product having revenue > 20000 count"},
		{"revenue by order_month in 2023 running", "Cumulative freight by month in 2022", "total_freight by order_month in 2022 running"},
		{"revenue by category rank", "Rank shippers by number of orders", "order_count by shipper rank"},
		{"revenue by product.both top 3", "Top 5 suppliers by units sold", "units_sold by supplier.both top 5"},
		// skeletons the question does not fit
		{"revenue by category compare 2022 2023", "Revenue in 2023", ""},
		{"revenue by customer having revenue > 10000 count", "Revenue by category", ""},
		{"revenue by customer per order_year top 1", "Top 5 products by revenue", ""},
		{"revenue by category in 2023 share", "Total freight in 2022", ""},
		{"revenue by product top 5", "Average order value by product", ""}, // does not compile
	} {
		sk, err := plan.Parse(c.skeleton, names)
		if err != nil {
			t.Fatalf("skeleton %q: %v", c.skeleton, err)
		}
		got := ""
		if p := f.l.Fill(sk, f.l.Links(c.q)); p != nil {
			got = plan.Format(p)
		}
		if got != c.want {
			t.Errorf("Fill(%q, %q) = %q, want %q", c.skeleton, c.q, got, c.want)
		}
	}
}
