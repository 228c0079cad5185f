package plan

import "testing"

func TestCheckPrefix(t *testing.T) {
	v := Vocabulary{Metrics: []string{"revenue", "order_count"}, Dimensions: []string{"product", "category", "order_year"},
		Segments: []string{"late_shipment"}, Values: []string{"Beverages", "Dairy Products"}}
	for _, c := range []struct {
		text            string
		valid, complete bool
	}{
		{"", true, false},
		{"rev", true, false},
		{"revenue", true, true},
		{"revenue ", true, true},
		{"revenue b", true, false},
		{"revenue by", true, false},
		{"revenue by prod", true, false},
		{"revenue by prodx", false, false},
		{"revenue by product top", true, false},
		{"revenue by product top 5", true, true},
		{"revenue where cat", true, false},
		{"revenue where category = 'Bev", true, false},
		{"revenue where category = 'Tea", false, false},
		{"revenue where category = 'Beverages'", true, true},
		{"revenue where category = 'Seafood'", false, false},
		{"revenue where category = 'Seafood' and", false, false},
		{"revenue where category in ('Beverages','Dairy Products') top 3", true, true},
		{"revenue where late", true, false},
		{"revenue in 2024-Q", true, false},
		{"revenue in 2020.", true, false},
		{"revenue in 2020..20", true, false},
		{"revenue in 2020..2024", true, true},
		{"revenue,ord", true, false},
		{"revenue frob", false, false},
		{"revenue by product top 5 zz", false, false},
		{"colour", false, false},
	} {
		valid, complete := CheckPrefix(c.text, v)
		if valid != c.valid || complete != c.complete {
			t.Errorf("CheckPrefix(%q) = %v, %v; want %v, %v", c.text, valid, complete, c.valid, c.complete)
		}
	}
}
