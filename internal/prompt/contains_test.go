package prompt

import "testing"

func TestContainsWholeWords(t *testing.T) {
	cases := []struct {
		question, phrase string
		want             bool
	}{
		{"total freight in 2022", "freight", true},
		{"list all orders by year", "order", true},    // plural s
		{"list all orderss", "order", false},          // not a word
		{"reorder level of products", "order", false}, // inside a word
		{"orders-per-customer", "order", true},        // punctuation bounds
		{"customer count", "customer count", true},    // multi-word phrase
		{"customers count", "customer count", false},  // plural only at the end
		{"revenue by country?", "country", true},      // end punctuation
		{"revenue by countryside", "country", false},  // prefix of a longer word
		{"café orders", "café", true},                 // non-ASCII letters
		{"cafés", "café", true},                       // non-ASCII then plural
		{"x", "x", false},                             // too short to count
		{"order order2 order", "order", true},         // later occurrence
		{"order2 xorder", "order", false},             // digits count as word characters
		{"straße ordersß", "orders", false},           // non-ASCII letter after
		{"", "order", false},
	}
	for _, c := range cases {
		if got := contains(c.question, c.phrase); got != c.want {
			t.Errorf("contains(%q, %q) = %v, want %v", c.question, c.phrase, got, c.want)
		}
	}
}
