package link

import "testing"

func TestNegatedCondition(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"Orders.ShippedDate IS NOT NULL", "Orders.ShippedDate IS NULL", true},
		{"Orders.ShippedDate IS NULL", "Orders.ShippedDate  is not null", true},
		{"Orders.ShippedDate > Orders.RequiredDate", "Orders.ShippedDate <= Orders.RequiredDate", true},
		{"CAST(Products.Discontinued AS INTEGER) = 1", "CAST(Products.Discontinued AS INTEGER) = 0", true},
		{"order_details.Discount > 0", "order_details.Discount = 0", true},
		{"Products.UnitsInStock = 0", "Products.UnitsInStock < Products.ReorderLevel", false},
		{"Orders.ShippedDate > Orders.RequiredDate", "Orders.ShippedDate IS NULL", false},
	} {
		if got := negatedCondition(c.a, c.b); got != c.want {
			t.Errorf("negatedCondition(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestSegmentNegated(t *testing.T) {
	for _, c := range []struct {
		q    string
		at   int // token index of the segment word
		want bool
	}{
		{"orders that haven't shipped yet", 4, true},
		{"orders not yet shipped", 3, true},
		{"orders never shipped", 2, true},
		{"orders shipped late", 1, false},
		{"orders that have shipped", 3, false},
	} {
		toks := tokenize(c.q)
		if got := segmentNegated(toks, make([]bool, len(toks)), c.at); got != c.want {
			t.Errorf("%q at %d (%q): got %v, want %v", c.q, c.at, toks[c.at].text, got, c.want)
		}
	}
}
