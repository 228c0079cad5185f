package phrase

import (
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
)

func vocab(t *testing.T, ref string) *Vocab {
	t.Helper()
	o, err := ontology.LoadRef(ref)
	if err != nil {
		t.Fatal(err)
	}
	return NewVocab(o)
}

func mustParse(t *testing.T, text string) *plan.Plan {
	t.Helper()
	p, err := plan.Parse(text, nil)
	if err != nil {
		t.Fatalf("parse %q: %v", text, err)
	}
	if err := plan.Validate(p); err != nil {
		t.Fatalf("validate %q: %v", text, err)
	}
	return p
}

// sample gathers the questions of several seeds.
func sample(p *plan.Plan, v *Vocab, seeds, n int) []string {
	var all []string
	for s := range seeds {
		all = append(all, Questions(rand.New(rand.NewPCG(uint64(s), 7)), p, v, n)...)
	}
	return all
}

var badText = regexp.MustCompile(`\s{2}|\s[,?.]|,,|\?.|^\s|\s$|\bthe the\b|\ba a\b|[{}~]`)

func TestQuestions(t *testing.T) {
	v := vocab(t, "northwind")
	for _, c := range cases {
		t.Run(c.plan, func(t *testing.T) {
			p := mustParse(t, c.plan)
			qs := Questions(rand.New(rand.NewPCG(1, 2)), p, v, 60)
			distinct := map[string]bool{}
			for _, q := range sample(p, v, 4, 60) {
				distinct[q] = true
			}
			if len(qs) < 8 || len(distinct) < 8 {
				t.Errorf("%d questions for one seed, %d over seeds; want >= 8", len(qs), len(distinct))
			}
			var res []*regexp.Regexp
			for _, m := range c.must {
				res = append(res, regexp.MustCompile(`(?i)(^|[^\pL\pN])(`+m+`)($|[^\pL\pN])`))
			}
			for q := range distinct {
				if badText.MatchString(q) {
					t.Errorf("malformed: %q", q)
				}
				for i, re := range res {
					if !re.MatchString(q) {
						t.Errorf("%q does not mention %s", q, c.must[i])
					}
				}
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	v := vocab(t, "northwind")
	for _, c := range cases {
		p := mustParse(t, c.plan)
		a := Questions(rand.New(rand.NewPCG(42, 1)), p, v, 10)
		b := Questions(rand.New(rand.NewPCG(42, 1)), p, v, 10)
		if !slices.Equal(a, b) {
			t.Errorf("%s: not deterministic:\n%q\n%q", c.plan, a, b)
		}
	}
}

func TestFewer(t *testing.T) {
	v := vocab(t, "northwind")
	p := mustParse(t, "revenue by product top 5")
	if got := Questions(rand.New(rand.NewPCG(1, 1)), p, v, 3); len(got) != 3 {
		t.Errorf("n=3 gave %d questions", len(got))
	}
	if got := Questions(rand.New(rand.NewPCG(1, 1)), p, v, 0); len(got) != 0 {
		t.Errorf("n=0 gave %d questions", len(got))
	}
}

func TestChinook(t *testing.T) {
	v := vocab(t, "chinook")
	for _, tc := range []struct{ plan, must string }{
		{"revenue by genre where long_track in 2024 top 3", "long|longer|five minutes|5 minutes"},
		{"invoice_count by customer_country where corporate_customer", "business|company|corporate"},
		{"revenue by support_rep per invoice_year top 1", "year"},
		{"tracks_sold share of genre = 'Rock'", "rock"},
		{"revenue by invoice_month in last 6 months running", "6|six"},
	} {
		p := mustParse(t, tc.plan)
		re := regexp.MustCompile(`(?i)\b(` + tc.must + `)\b`)
		qs := sample(p, v, 3, 20)
		if len(qs) < 8 {
			t.Errorf("%s: %d questions", tc.plan, len(qs))
		}
		for _, q := range qs {
			if !re.MatchString(q) || badText.MatchString(q) {
				t.Errorf("%s: %q", tc.plan, q)
			}
		}
	}
}

func TestTemplateCounts(t *testing.T) {
	for name, ts := range map[string][]tmpl{"scalar": scalarT, "list": listT, "top/bottom": topT, "per": perT,
		"count": countT, "running": runningT, "rank": rankT, "group share": groupShareT,
		"subset share": subsetShareT, "compare": compareT, "growth": growthT, "growth top": growthTopT} {
		if len(ts) < 8 {
			t.Errorf("%s: %d templates, want >= 8", name, len(ts))
		}
	}
}

// TestModifierVariety checks that each modifier has at least 8 phrasings.
func TestModifierVariety(t *testing.T) {
	v := vocab(t, "northwind")
	for _, tc := range []struct {
		name, plan string
		f          func(g *gen) string
	}{
		{"year", "revenue in 2023", func(g *gen) string { return g.windowMod(g.p.Time) }},
		{"quarter", "revenue in 2024-Q3", func(g *gen) string { return g.windowMod(g.p.Time) }},
		{"half", "revenue in 2022-H1", func(g *gen) string { return g.windowMod(g.p.Time) }},
		{"month", "revenue in 2023-03", func(g *gen) string { return g.windowMod(g.p.Time) }},
		{"year range", "revenue in 2020..2024", func(g *gen) string { return g.windowMod(g.p.Time) }},
		{"day range", "revenue in 2023-01-05..2023-03-01", func(g *gen) string { return g.windowMod(g.p.Time) }},
		{"last n", "revenue in last 3 months", func(g *gen) string { return g.windowMod(g.p.Time) }},
		{"filter eq", "revenue where category = 'Beverages'", func(g *gen) string { return g.filterMod(g.p.Filters[0]) }},
		{"filter ne", "revenue where category != 'Beverages'", func(g *gen) string { return g.filterMod(g.p.Filters[0]) }},
		{"filter in", "revenue where ship_country in ('France','Brazil')", func(g *gen) string { return g.filterMod(g.p.Filters[0]) }},
		{"calendar filter", "revenue where order_year = '2022'", func(g *gen) string { return g.filterMod(g.p.Filters[0]) }},
		{"segment", "order_count where late_shipment", func(g *gen) string { return g.segMod(g.p.Segments[0]) }},
		{"threshold", "revenue by customer having revenue > 10000", func(g *gen) string { return g.havingMod() }},
		{"ties", "order_count by shipper top 1 ties", func(g *gen) string { return g.ties() }},
		{"order desc", "revenue by customer order desc", func(g *gen) string { return g.orderTail() }},
		{"order label", "revenue by customer order label asc", func(g *gen) string { return g.orderTail() }},
		{"grain year", "revenue by order_year", func(g *gen) string { return g.by() }},
		{"grain month", "revenue by order_month", func(g *gen) string { return g.by() }},
		{"grain month of year", "revenue by calendar_month", func(g *gen) string { return g.by() }},
		{"grain quarter", "revenue by order_quarter", func(g *gen) string { return g.by() }},
		{"group by", "revenue by category", func(g *gen) string { return g.by() }},
	} {
		p := mustParse(t, tc.plan)
		r := rand.New(rand.NewPCG(3, 3))
		seen := map[string]bool{}
		for range 400 {
			seen[tc.f(&gen{r: r, v: v, p: p})] = true
		}
		t.Logf("%s: %d phrasings", tc.name, len(seen))
		if len(seen) < 8 {
			t.Errorf("%s: %d phrasings, want >= 8: %q", tc.name, len(seen), keys(seen))
		}
	}
}

func keys(m map[string]bool) []string {
	var xs []string
	for k := range m {
		xs = append(xs, k)
	}
	slices.Sort(xs)
	return xs
}

func TestExplain(t *testing.T) {
	v := vocab(t, "northwind")
	for _, tc := range []struct{ plan, want string }{
		{"revenue by product in 2020..2024 top 5", "Revenue by product, 2020-2024, top 5"},
		{"order_count by shipper where late_shipment in 2023", "Order count by shipper, late shipments only, 2023"},
		{"revenue by customer having revenue > 10000 count", "Number of customers, revenue > 10,000"},
		{"revenue growth 2022 2023", "Revenue growth from 2022 to 2023"},
		{"revenue by customer per order_year top 1", "Revenue by customer, top 1 per order year"},
		{"revenue share ratio of category = 'Beverages'", "Fraction of revenue from category Beverages"},
		{"revenue by order_month in last 6 months running", "Revenue by order month, last 6 months, running total"},
		{"order_count by shipper top 1 ties", "Order count by shipper, top 1, ties included"},
		{"revenue by product.id where category != 'Beverages' bottom 3", "Revenue by product ID, category not Beverages, bottom 3"},
	} {
		if got := Explain(mustParse(t, tc.plan), v); got != tc.want {
			t.Errorf("Explain(%s) = %q, want %q", tc.plan, got, tc.want)
		}
	}
}

func TestFeatures(t *testing.T) {
	for _, tc := range []struct{ plan, want string }{
		{"revenue in 2022", "measure time_window"},
		{"revenue,order_count by customer_country top 5", "measure multi_measure group_by top_k"},
		{"revenue by order_month in last 6 months running", "measure group_by calendar_grain last_n running_total"},
		{"revenue by product where category = 'Seafood' and discounted in 2024 bottom 3 ties",
			"measure group_by filter segment time_window bottom_k ties"},
		{"revenue by customer having revenue > 10000 count", "measure group_by threshold count"},
		{"revenue by customer per order_year top 1", "measure group_by calendar_grain argmax_per_group"},
		{"revenue by category compare 2023-H1 2024-H1", "measure group_by comparison"},
		{"revenue growth 2022 2023", "measure growth"},
		{"revenue by category in 2023 share order desc", "measure group_by time_window order share"},
		{"revenue by category rank", "measure group_by rank"},
		{"customer_count by customer_country order label asc limit 5", "measure group_by order"},
	} {
		if got := strings.Join(Features(mustParse(t, tc.plan)), " "); got != tc.want {
			t.Errorf("Features(%s) = %q, want %q", tc.plan, got, tc.want)
		}
	}
	// Every case's feature is among its features.
	for _, c := range cases {
		if fs := Features(mustParse(t, c.plan)); !slices.Contains(fs, c.feature) {
			t.Errorf("Features(%s) = %v, lacks %s", c.plan, fs, c.feature)
		}
	}
}

// TestTrigrams reports the lexical variety of the questions: distinct word 3-grams per question.
func TestTrigrams(t *testing.T) {
	v := vocab(t, "northwind")
	grams := map[string]bool{}
	n := 0
	for _, c := range cases {
		for _, q := range sample(mustParse(t, c.plan), v, 2, 20) {
			n++
			ws := strings.Fields(strings.ToLower(q))
			for i := 0; i+3 <= len(ws); i++ {
				grams[strings.Join(ws[i:i+3], " ")] = true
			}
		}
	}
	t.Logf("%d questions, %d distinct word 3-grams, %.2f per question", n, len(grams), float64(len(grams))/float64(n))
}

// TestDump prints questions for every case (PHRASE_DUMP=1).
func TestDump(t *testing.T) {
	if os.Getenv("PHRASE_DUMP") == "" {
		t.Skip("set PHRASE_DUMP=1")
	}
	v := vocab(t, "northwind")
	for _, c := range cases {
		p := mustParse(t, c.plan)
		t.Logf("== %s | %s", c.plan, Explain(p, v))
		for _, q := range Questions(rand.New(rand.NewPCG(1, 2)), p, v, 12) {
			t.Logf("   %s", q)
		}
	}
}

// TestDumpChinook prints questions for chinook plans (PHRASE_DUMP=1).
func TestDumpChinook(t *testing.T) {
	if os.Getenv("PHRASE_DUMP") == "" {
		t.Skip("set PHRASE_DUMP=1")
	}
	v := vocab(t, "chinook")
	for _, text := range []string{"revenue by genre where long_track in 2024 top 3", "invoice_count by customer_country where corporate_customer",
		"revenue by support_rep per invoice_year top 1", "tracks_sold share of genre = 'Rock'", "revenue by artist having revenue >= 50 count"} {
		p := mustParse(t, text)
		t.Logf("== %s | %s", text, Explain(p, v))
		for _, q := range Questions(rand.New(rand.NewPCG(5, 2)), p, v, 6) {
			t.Logf("   %s", q)
		}
	}
}
