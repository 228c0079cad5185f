package plan

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testNames knows a small vocabulary.
type testNames struct{}

func (testNames) HasMetric(id string) bool {
	return id == "revenue" || id == "order_count" || id == "total_freight"
}
func (testNames) HasDimension(id string) bool {
	return id == "product" || id == "category" || id == "order_year" || id == "customer" || id == "shipper" || id == "order_month"
}
func (testNames) HasSegment(id string) bool { return id == "late_shipment" || id == "discontinued" }
func (testNames) Suggest(kind, id string) string {
	if kind == "metric" && strings.HasPrefix(id, "rev") {
		return "revenue"
	}
	return ""
}

// canonical texts: each must parse and format back byte for byte.
var canonical = []string{
	"revenue",
	"revenue by product top 5",
	"order_count by shipper in 2020..2024 top 1",
	"total_freight in 2022",
	"revenue,order_count by category where category = 'Beverages' in 2024-Q3",
	"revenue by customer where category in ('Beverages','Seafood') and late_shipment having revenue > 10000 count",
	"revenue by product.both where category != 'It''s' and discontinued order label asc limit 10",
	"revenue by customer per order_year top 1 ties",
	"revenue by order_month in last 6 months running",
	"revenue by product rank bottom 3",
	"revenue growth 2022 2023",
	"revenue by category compare 2023-H1 2024-H1",
	"order_count share of late_shipment",
	"revenue by category in 2021-03..2021-05 share ratio",
	"revenue,order_count by product.id order order_count desc",
	"revenue in 2023-01-05..2023-03-01 limit 3",
	"revenue by order_year having revenue <= -2.5e+21 order asc",
	"order_count in last 2 years",
	"list product where category = 'Seafood' and discontinued",
	"list customer,shipper where category in ('Beverages','Seafood') order label desc limit 5",
	"list product.both limit 3",
	"list customer where late_shipment count",
}

func TestTextRoundTrip(t *testing.T) {
	for _, text := range canonical {
		p, err := Parse(text, testNames{})
		if err != nil {
			t.Errorf("Parse(%q): %v", text, err)
			continue
		}
		if got := Format(p); got != text {
			t.Errorf("Format(Parse(%q)) = %q", text, got)
		}
		data, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		q, err := ParseJSON(data, testNames{})
		if err != nil {
			t.Errorf("ParseJSON(%s): %v", data, err)
			continue
		}
		if !reflect.DeepEqual(p, q) {
			t.Errorf("JSON round trip of %q: got %+v, want %+v", text, q, p)
		}
		if got := Format(q); got != text {
			t.Errorf("text → JSON → text: %q, want %q", got, text)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		text string
		pos  int
		want string
	}{
		{"revnue by product", 0, `unknown metric "revnue" (did you mean revenue?)`},
		{"revenue by prodct", 11, `unknown dimension "prodct"`},
		{"revenue where late", 14, `unknown segment "late"`},
		{"revenue where colour = 'red'", 14, `unknown dimension "colour"`},
		{"revenue in 2024-Q5", 11, "expected a period"},
		{"revenue in 2024-13", 11, "month"},
		{"revenue top 5 by product", 14, "out of order"},
		{"revenue top 0", 12, "whole number"},
		{"revenue where category = 'x", 25, "unterminated"},
		{"revenue frobnicate", 8, "expected a clause"},
		{"", 0, "expected a metric"},
		{"revenue in 2024..2022", 21, "does not go forward"},
		{"revenue having revenue > 5", 26, "having needs a breakdown"},
		{"revenue order by desc", 14, `found the keyword "by"`},
		{"list product in 2023", 20, "a list takes only"},
		{"list product top 5", 18, "ordered by its labels only"},
		{"list", 4, "expected a dimension"},
	} {
		_, err := Parse(c.text, testNames{})
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a SyntaxError", c.text, err)
			continue
		}
		if se.Pos != c.pos || !strings.Contains(se.Msg, c.want) {
			t.Errorf("Parse(%q): got pos %d %q, want pos %d containing %q", c.text, se.Pos, se.Msg, c.pos, c.want)
		}
	}
}

func TestParseJSONErrors(t *testing.T) {
	for _, c := range []struct{ in, path, want string }{
		{`{"measures":["revenue"],"group_by":[{"dim":"colour"}]}`, "group_by[0].dim", "unknown dimension"},
		{`{"measures":["revenue"],"bogus":1}`, "$", "unknown field"},
		{`{"measures":[]}`, "$", "no measure"},
		{`{"measures":["revenue"],"share":{"segments":["nope"]}}`, "share.segments[0]", "unknown segment"},
		{`{"measures":["revenue"]} {}`, "$", "trailing"},
	} {
		_, err := ParseJSON([]byte(c.in), testNames{})
		var se *SyntaxError
		if !errors.As(err, &se) || se.Path != c.path || !strings.Contains(se.Msg, c.want) {
			t.Errorf("ParseJSON(%s) = %v, want path %s containing %q", c.in, err, c.path, c.want)
		}
	}
}

func TestWindowRange(t *testing.T) {
	latest := time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		w        Window
		from, to string
	}{
		{Window{From: "2022"}, "2022-01-01", "2023-01-01"},
		{Window{From: "2020", To: "2024"}, "2020-01-01", "2025-01-01"},
		{Window{From: "2024-Q3"}, "2024-07-01", "2024-10-01"},
		{Window{From: "2022-H2"}, "2022-07-01", "2023-01-01"},
		{Window{From: "2023-02"}, "2023-02-01", "2023-03-01"},
		{Window{From: "2023-01-05", To: "2023-03-01"}, "2023-01-05", "2023-03-02"},
		{Window{Last: 5, Unit: "years"}, "2020-01-01", "2025-01-01"},
		{Window{Last: 6, Unit: "months"}, "2023-12-01", "2024-06-01"},
		{Window{Last: 2, Unit: "quarters"}, "2024-01-01", "2024-07-01"},
	} {
		f, to, err := c.w.Range(latest)
		if err != nil || DayString(f) != c.from || DayString(to) != c.to {
			t.Errorf("%+v: got %s..%s (%v), want %s..%s", c.w, DayString(f), DayString(to), err, c.from, c.to)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, c := range canonical {
		f.Add(c)
	}
	f.Add("revenue where category in ('a'")
	f.Add("x in last 3 weeks")
	f.Fuzz(func(t *testing.T, text string) {
		p, err := Parse(text, nil)
		if err != nil {
			return
		}
		out := Format(p)
		q, err := Parse(out, nil)
		if err != nil {
			t.Fatalf("Parse(Format(Parse(%q))) = %v (formatted %q)", text, err, out)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip of %q via %q: %+v != %+v", text, out, q, p)
		}
		if Format(q) != out {
			t.Fatalf("format not stable: %q then %q", out, Format(q))
		}
		data, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		r, err := ParseJSON(data, nil)
		if err != nil {
			t.Fatalf("ParseJSON(%s): %v", data, err)
		}
		if !reflect.DeepEqual(p, r) {
			t.Fatalf("JSON round trip of %q: %+v != %+v", text, r, p)
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	f.Add(`{"measures":["revenue"],"group_by":[{"dim":"product"}],"order":{"desc":true},"limit":5}`)
	f.Add(`{"measures":["a"],"time":{"last":3,"unit":"months"}}`)
	f.Fuzz(func(t *testing.T, in string) {
		p, err := ParseJSON([]byte(in), nil)
		if err != nil {
			return
		}
		text := Format(p)
		q, err := Parse(text, nil)
		if err != nil {
			t.Fatalf("Parse(Format(%s)) = %v (text %q)", in, err, text)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("JSON → text → plan of %s via %q: %+v != %+v", in, text, q, p)
		}
	})
}
