package link_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/plan/link"
)

// mentions renders a question's mentions as "kind:id[=value][+by]" in order.
func mentions(ls *link.Links) string {
	var out []string
	for _, m := range ls.Mentions {
		s := m.Kind + ":" + m.ID
		if m.Kind == link.KindGrain {
			s = m.Kind + ":" + m.Grain
		}
		if m.Value != "" {
			s += "=" + m.Value
		}
		if m.Negated {
			s = "!" + s
		}
		if m.By {
			s += "+by"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestLinks(t *testing.T) {
	f := linker(t, "northwind")
	for _, c := range []struct{ q, want string }{
		// longest match: the metric beats the segment inside it
		{"late shipment rate by shipper", "metric:late_shipment_rate dimension:shipper+by"},
		{"late shipments by shipper", "segment:late_shipment dimension:shipper+by"},
		{"how many orders", "metric:order_count"},
		{"number of customers", "metric:customer_count"},
		{"net sales and AOV", "metric:revenue metric:average_order_value"},
		{"shipping cost", "metric:total_freight"},
		// values and their dimensions
		{"customers in Germany", "dimension:customer value:customer_country=Germany"},
		{"orders shipped to Germany", "metric:order_count value:ship_country=Germany"},
		{"suppliers in Germany", "dimension:supplier value:supplier_country=Germany"},
		{"sales in the United States", "metric:revenue value:customer_country=USA"},
		{"sales in Britain", "metric:revenue value:customer_country=UK"},
		{"orders via speedy express", "metric:order_count value:shipper=Speedy Express"},
		{"revenue excluding Beverages", "metric:revenue !value:category=Beverages"},
		{"revenue for Davolio", "metric:revenue value:employee=Davolio"},
		{"revenue in Swedn", "metric:revenue value:customer_country=Sweden"},
		// breakdown words and grains
		{"which product", "dimension:product+by"},
		{"for each shipper", "dimension:shipper+by"},
		{"monthly revenue", "grain:year_month+by metric:revenue"},
		{"revenue by month of the year", "metric:revenue grain:month+by"},
		{"orders per quarter", "metric:order_count grain:year_quarter+by"},
		{"discontinued products", "segment:discontinued_product"},
	} {
		if got := mentions(f.l.Links(c.q)); got != c.want {
			t.Errorf("%q: mentions %s, want %s", c.q, got, c.want)
		}
	}
}

func TestLinkStructure(t *testing.T) {
	f := linker(t, "northwind")
	for _, c := range []struct{ q, want string }{
		{"top five products", "limit=5 desc=true"},
		{"the 3 worst shippers", "limit=3 desc=false"},
		{"revenue over 10k", "having=revenue>10000"},
		{"customers with at least 5 orders", "having=order_count>=5"},
		{"revenue below 2.5 million", "having=revenue<2.5e+06"},
		{"revenue in the past three years", "time=last 3 years"},
		{"revenue from 2021 through 2023", "time=2021..2023"},
		{"revenue in the second half of 2022", "time=2022-H2"},
		{"revenue in 2023 versus 2022", "compare=2022,2023,false"},
		{"growth in revenue in 2024", "compare=2023,2024,true"},
		{"share of revenue by category", "share"},
		{"cumulative orders by month", "running"},
	} {
		ls := f.l.Links(c.q)
		var got []string
		if ls.Limit > 0 {
			got = append(got, fmt.Sprintf("limit=%d desc=%v", ls.Limit, ls.Desc))
		}
		if h := ls.Having; h != nil {
			got = append(got, fmt.Sprintf("having=%s%s%g", h.Measure, h.Op, h.Value))
		}
		if w := ls.Time; w != nil {
			if w.Last > 0 {
				got = append(got, fmt.Sprintf("time=last %d %s", w.Last, w.Unit))
			} else if w.To != "" {
				got = append(got, "time="+w.From+".."+w.To)
			} else {
				got = append(got, "time="+w.From)
			}
		}
		if c := ls.Compare; c != nil {
			got = append(got, fmt.Sprintf("compare=%s,%s,%v", c.Base, c.Current, c.Growth))
		}
		if ls.Share {
			got = append(got, "share")
		}
		if ls.Running {
			got = append(got, "running")
		}
		if s := strings.Join(got, " "); s != c.want {
			t.Errorf("%q: %s, want %s", c.q, s, c.want)
		}
	}
}
