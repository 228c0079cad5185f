package link_test

import (
	"testing"

	"github.com/sqlforge/sqlforge/internal/plan"
	"github.com/sqlforge/sqlforge/internal/plan/link"
)

// TestAgreement: a plan that respects every value, period, number and metric the question
// gives scores higher than one that slips on any of them.
func TestAgreement(t *testing.T) {
	l := linker(t, "northwind").l
	for _, c := range []struct{ q, good, bad string }{
		{"number of ship cities with sales before discount exceeding 74,000",
			"gross_sales by ship_city having gross_sales > 74000 count", "gross_sales by ship_city having gross_sales > 21 count"},
		{"What was the % change in gross profit from H1 2022 to H1 2023?",
			"gross_profit growth 2022-H1 2023-H1", "gross_profit growth 2022-H1 2021-H1"},
		{"Average list price for suppliers in Canada",
			"average_list_price where supplier_country = 'Canada'", "average_list_price where supplier_country = 'Germany'"},
		{"On-time delivery rate by country in 2021",
			"on_time_delivery_rate by customer_country in 2021", "order_processing_speed by customer_country in 2021"},
		{"Top 3 products by revenue", "revenue by product top 3", "revenue by product top 10"},
	} {
		ls := l.Links(c.q)
		good, bad := link.Agreement(mustParse(t, c.good), ls), link.Agreement(mustParse(t, c.bad), ls)
		if good <= bad || good < 0.99 {
			t.Errorf("%q: agreement %.2f for %q, %.2f for %q", c.q, good, c.good, bad, c.bad)
		}
	}
}

func mustParse(t *testing.T, text string) *plan.Plan {
	t.Helper()
	p, err := plan.Parse(text, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
