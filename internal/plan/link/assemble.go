package link

import (
	"math"
	"strings"

	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
)

// maxChoices bounds the readings tried per question.
const maxChoices = 24

// readings builds the plans of every choice, in order of preference, keeping those that
// compile; a plan that does not compile is retried with one mention left out at a time.
func (l *Linker) readings(ls *Links) []Candidate {
	var out []Candidate
	if c, ok := l.listReading(ls); ok {
		out = append(out, c)
	}
	for i, ch := range l.choices(ls) {
		p, used, lost := l.build(ls, ch)
		if sql, err := l.c.Compile(p); err == nil {
			out = append(out, l.candidate(ls, ch, p, sql, used, lost, i))
			continue
		}
		for k := range used {
			if ls.Mentions[k].Kind == KindMetric {
				continue
			}
			relaxed := ch
			relaxed.drop = map[int]bool{k: true}
			for d := range ch.drop {
				relaxed.drop[d] = true
			}
			p, used, lost := l.build(ls, relaxed)
			if sql, err := l.c.Compile(p); err == nil {
				out = append(out, l.candidate(ls, relaxed, p, sql, used, lost, i))
			}
		}
	}
	return out
}

// candidate scores a plan by the share of the question's content words it accounts for,
// halved when no metric was named, and lowered for each structure word left out.
func (l *Linker) candidate(ls *Links, ch choice, p *plan.Plan, sql string, used map[int]bool, lost, rank int) Candidate {
	covered := append([]bool(nil), ls.covered...)
	for k, m := range ls.Mentions {
		if !used[k] || m.Threshold && p.Having == nil && ls.Having != nil {
			for i := m.Start; i < m.End; i++ {
				covered[i] = false
			}
		}
	}
	if ls.Having != nil && p.Having == nil {
		for i := ls.thr.from; i < ls.thr.to; i++ {
			covered[i] = false // "freight above 500" of single orders: no plan holds it
		}
	}
	miss, content := missing(ls.toks, covered)
	uncovered := 0
	for _, w := range miss {
		uncovered += len(strings.Fields(w))
	}
	score := 1.0
	if content > 0 {
		score = float64(content-uncovered) / float64(content)
	}
	if ch.defaulted {
		score *= 0.5
	}
	if l.selfFiltered(p) {
		score *= 0.7 // "albums by Iron Maiden" counted where the album is Iron Maiden: one
	}
	score *= math.Pow(0.7, float64(lost))
	score = math.Max(0, score-0.001*float64(rank))
	return Candidate{Plan: p, SQL: sql, Score: math.Round(score*1000) / 1000, Missing: miss}
}

// choices lists the readings to try, most likely first: the metrics named (all, then the
// first alone, then with metrics that fit a period swapped in), then each other dimension an
// ambiguous value may belong to.
func (l *Linker) choices(ls *Links) []choice {
	metrics, defaulted, inner := l.mainMetrics(ls)
	var sets [][]string
	if defaulted {
		for _, m := range metrics {
			sets = append(sets, []string{m})
		}
	} else {
		sets = append(sets, metrics)
		if len(metrics) > 1 {
			sets = append(sets, metrics[:1])
		}
	}
	if alt := l.soldAmount(ls, metrics); alt != "" {
		sets = append(sets, []string{alt}) // "sold more than 100000": units or money, as the data says
	}
	for _, s := range sets[:len(sets):len(sets)] {
		if alt := l.periodFit(ls, s); alt != nil {
			sets = append(sets, alt)
		}
		if alt := l.dimFit(ls, s); alt != nil {
			sets = append(sets, alt)
		}
	}
	var out []choice
	for _, s := range sets {
		out = append(out, choice{metrics: s, defaulted: defaulted, dimOf: map[int]int{}, inner: inner})
	}
	for k, m := range ls.Mentions {
		if coordinatedWith(ls, k) >= 0 {
			continue // switched with the value it is listed after
		}
		group := []int{k}
		for j := k + 1; j < len(ls.Mentions) && coordinatedWith(ls, j) == group[len(group)-1]; j++ {
			group = append(group, j)
		}
		for i := 1; i < len(m.Dims) && len(out) < maxChoices; i++ {
			dimOf := map[int]int{}
			for _, g := range group {
				if at := index(ls.Mentions[g].Dims, m.Dims[i]); at >= 0 {
					dimOf[g] = at // "Venezuela and Argentina": both ship countries, or both customer countries
				}
			}
			out = append(out, choice{metrics: sets[0], defaulted: defaulted, dimOf: dimOf, inner: inner})
		}
	}
	if len(out) > maxChoices {
		out = out[:maxChoices]
	}
	return out
}

// mainMetrics returns the measures the question names (not those only a threshold reads,
// unless nothing else is named); failing that, a metric named inside another phrase ("late
// orders" → order_count); failing that, the ontology's usual metrics, marked defaulted.
func (l *Linker) mainMetrics(ls *Links) ([]string, bool, []int) {
	var main, thr []string
	for _, m := range ls.Mentions {
		switch {
		case m.Kind != KindMetric:
		case m.Threshold && ls.Having != nil:
			if !contains(thr, m.ID) {
				thr = append(thr, m.ID)
			}
		case !contains(main, m.ID):
			main = append(main, m.ID)
		}
	}
	if len(main) > 1 {
		main = l.dropEntityNouns(ls, main)
	}
	main = l.soldVariants(ls, main)
	if id := l.periodGrowthMetric(ls, main); id != "" {
		ls.absorbed = main // "revenue" in "year over year revenue growth" is the growth metric's
		return []string{id}, false, nil
	}
	if len(main) > 0 {
		return main, false, nil
	}
	if len(thr) > 0 {
		return thr, false, nil
	}
	if ids, at := l.innerMetrics(ls); len(ids) > 0 {
		return ids, l.listAsked(ls) && !l.countAsked(ls), at
	}
	if id := l.segmentCount(ls); id != "" {
		// "Which products are discontinued?" asks for the products (a list), not their count.
		return []string{id}, l.listAsked(ls) && !l.countAsked(ls), nil
	}
	if id := l.verbMetric(ls); id != "" {
		return []string{id}, false, nil
	}
	return l.defaultMetrics(), true, nil
}

// innerMetrics finds metric words inside other mentions: "late orders", "discontinued products".
func (l *Linker) innerMetrics(ls *Links) ([]string, []int) {
	var out []string
	var at []int
	sells := selling(ls.toks)
	for k, m := range ls.Mentions {
		if m.Kind == KindMetric || m.By {
			continue
		}
		for j := m.Start; j < m.End; j++ {
			probes := [][]token{{ls.toks[j]}, {newToken("number", 0), newToken("of", 0), ls.toks[j]}}
			if sells {
				// "which artist sold the most tracks": tracks sold; "how much did we sell to
				// customers": the selling verb's metric, not the customer count
				probes = [][]token{{ls.toks[j], newToken("sold", 0)}}
			}
			for _, probe := range probes {
				n, es := l.lex.lookup(probe, make([]bool, len(probe)), 0, false)
				if n == len(probe) && es[0].kind == KindMetric && topKind(es) == KindMetric && !contains(out, es[0].id) {
					out = append(out, es[0].id)
					at = append(at, k)
					break // one metric per word: the first, most specific reading
				}
			}
		}
	}
	return out, at
}

// defaultMetrics are the guesses when no metric is named: revenue, then the first count
// metrics with a time column.
func (l *Linker) defaultMetrics() []string {
	var out []string
	if m := l.ont.MetricByID("revenue"); m != nil && !m.Descriptive {
		out = append(out, "revenue")
	}
	for _, m := range l.ont.Metrics {
		id := ontology.MetricID(m.Name)
		if !m.Descriptive && m.Unit == "count" && m.TimeColumn != "" && !contains(out, id) && len(out) < 3 {
			out = append(out, id)
		}
	}
	return out
}

// periodFit replaces metrics that cannot take the question's period: a metric with no time
// column by a timed one of the same unit sharing a word of its name (customer_count →
// active_customers), a fixed-period growth metric by revenue. nil when nothing changes.
func (l *Linker) periodFit(ls *Links, ids []string) []string {
	timed := ls.Time != nil || ls.Compare != nil
	var out []string
	changed := false
	for _, id := range ids {
		m := l.ont.MetricByID(id)
		alt := id
		switch {
		case m == nil:
		case m.Period != "" && timed && l.ont.MetricByID("revenue") != nil:
			alt = "revenue"
		case m.TimeColumn == "" && timed:
			alt = l.timedTwin(m)
		}
		changed = changed || alt != id
		if alt != "" && !contains(out, alt) {
			out = append(out, alt)
		}
	}
	if !changed || len(out) == 0 {
		return nil
	}
	return out
}

var genericNameWords = setOf(`count number total average rate of per the`)

// dimFit replaces a metric that cannot be broken down the way the question asks by a twin
// of the same unit sharing a word of its name that can ("which employee served the most
// customers": customer_count is not by employee, active_customers is). nil when none changes.
func (l *Linker) dimFit(ls *Links, ids []string) []string {
	var want []*ontology.Dimension
	for _, m := range ls.Mentions {
		if m.Kind == KindDimension && m.By && l.dims[m.ID] != nil {
			want = append(want, l.dims[m.ID])
		}
	}
	if len(want) == 0 {
		return nil
	}
	out, changed := append([]string(nil), ids...), false
	for i, id := range ids {
		m := l.ont.MetricByID(id)
		if m == nil || l.allows(m, want) {
			continue
		}
		for _, o := range l.ont.Metrics {
			if !o.Descriptive && o.Unit == m.Unit && o.Name != m.Name && o.Period == "" && sharesNameWord(m, &o) && l.allows(&o, want) {
				out[i], changed = ontology.MetricID(o.Name), true
				break
			}
		}
	}
	if !changed {
		return nil
	}
	return out
}

func (l *Linker) allows(m *ontology.Metric, dims []*ontology.Dimension) bool {
	for _, d := range dims {
		if !l.c.DimensionAllowed(m, d) {
			return false
		}
	}
	return true
}

// sharesNameWord: two metric names share a word that is not generic ("Customer Count",
// "Active Customers").
func sharesNameWord(a, b *ontology.Metric) bool {
	words := map[string]bool{}
	for _, w := range strings.Fields(stems(a.Name)) {
		if !genericNameWords[w] {
			words[w] = true
		}
	}
	for _, w := range strings.Fields(stems(b.Name)) {
		if words[w] {
			return true
		}
	}
	return false
}

func (l *Linker) timedTwin(m *ontology.Metric) string {
	words := map[string]bool{}
	for _, w := range strings.Fields(stems(m.Name)) {
		if !genericNameWords[w] {
			words[w] = true
		}
	}
	for _, o := range l.ont.Metrics {
		if o.TimeColumn == "" || o.Descriptive || o.Unit != m.Unit || o.Period != "" {
			continue
		}
		for _, w := range strings.Fields(stems(o.Name)) {
			if words[w] {
				return ontology.MetricID(o.Name)
			}
		}
	}
	return ""
}

// segmentCount is the count metric over a named segment's table ("the most late shipments" →
// order_count): a count metric reading exactly the segment's tables, one named "... Count"
// first.
func (l *Linker) segmentCount(ls *Links) string {
	for _, m := range ls.Mentions {
		if m.Kind != KindSegment {
			continue
		}
		var seg *ontology.Segment
		for i := range l.ont.Segments {
			if l.ont.Segments[i].Name == m.ID {
				seg = &l.ont.Segments[i]
			}
		}
		if seg == nil {
			continue
		}
		best := ""
		for _, mt := range l.ont.Metrics {
			if mt.Descriptive || mt.Unit != "count" || !sameTables(mt.Tables, seg.Tables) {
				continue
			}
			id := ontology.MetricID(mt.Name)
			if strings.HasSuffix(id, "_count") {
				return id
			}
			if best == "" {
				best = id
			}
		}
		if best != "" {
			return best
		}
	}
	return ""
}

func sameTables(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

// orderVerbs ask for units when what was ordered is a product: "the most ordered product",
// "which customer ordered the most Chai".
var orderVerbs = setOf(`ordered bought purchased`)

// productNamed: a product (the dimension or one of its values) is mentioned.
func (l *Linker) productNamed(ls *Links) bool {
	for _, m := range ls.Mentions {
		for _, id := range append([]string{m.ID}, m.Dims...) {
			if d := l.dims[id]; d != nil && d.Kind == "product" {
				return true
			}
		}
	}
	return false
}

// sellWords imply units sold when no metric is named ("the best-selling products").
var sellWords = setOf(`selling sold sell sells seller sellers bestselling bestseller bestsellers`)

func (l *Linker) verbMetric(ls *Links) string {
	for i, t := range ls.toks {
		if !sellWords[t.text] && !(orderVerbs[t.text] && l.productNamed(ls)) {
			continue
		}
		// "how much did we sell" asks for money; "how many (units) did we sell" for units.
		// An amount written as money ("sold more than $200k", "over 200k") asks for money too.
		phrase := "units sold"
		if ls.money {
			phrase = "revenue"
		}
		for j := max(0, i-4); j < i; j++ {
			if ls.toks[j].text == "much" {
				phrase = "revenue"
			}
		}
		probe := tokenize(phrase)
		if n, es := l.lex.lookup(probe, make([]bool, len(probe)), 0, false); n == len(probe) && topKind(es) == KindMetric {
			return es[0].id
		}
	}
	return ""
}

// soldAmount: a selling verb read as units sold whose threshold names no unit ("employees who
// sold more than 100000") may as well mean money; it returns revenue then ("" otherwise).
func (l *Linker) soldAmount(ls *Links, metrics []string) string {
	if ls.Having == nil || ls.money || len(metrics) != 1 || ls.thr.to < len(ls.toks) && !stopwords[ls.toks[ls.thr.to].text] {
		return ""
	}
	for _, m := range ls.Mentions {
		if m.Kind == KindMetric {
			return "" // a metric named, not read from the verb
		}
	}
	probe := tokenize("revenue")
	n, es := l.lex.lookup(probe, make([]bool, len(probe)), 0, false)
	if n != 1 || topKind(es) != KindMetric || es[0].id == metrics[0] || l.verbMetric(ls) != metrics[0] {
		return ""
	}
	return es[0].id
}

// dropEntityNouns removes, when several metrics are named, a count metric named only by a bare
// noun that is not listed with the others ("sales ... for orders shipped via X", "freight per
// order"): there the noun names the rows, not a measure. "revenue and orders by country" keeps it.
func (l *Linker) dropEntityNouns(ls *Links, main []string) []string {
	var out []string
	for _, id := range main {
		if !l.entityNounOnly(ls, id) {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return main
	}
	return out
}

func (l *Linker) entityNounOnly(ls *Links, id string) bool {
	m := l.ont.MetricByID(id)
	if m == nil || m.Unit != "count" {
		return false
	}
	listed := func(j int) bool {
		if j < 0 || j >= len(ls.toks) {
			return false
		}
		t := ls.toks[j].text
		return t == "and" || t == "&" || t == "," || t == "plus" || t == "vs" || t == "versus"
	}
	for _, mn := range ls.Mentions {
		if mn.Kind != KindMetric || mn.ID != id {
			continue
		}
		if mn.End-mn.Start != 1 || listed(mn.Start-1) || listed(mn.End) {
			return false
		}
		if p := mn.Start - 1; p >= 0 && (ls.toks[p].text == "of" || ls.toks[p].text == "many") {
			return false // "number of orders", "how many orders"
		}
	}
	return true
}

// soldVariants: "which artist sold the most tracks" asks for tracks sold, not the catalogue's
// track count; with a selling verb in the question, a metric named "<noun> sold" replaces the
// one the noun alone names.
func (l *Linker) soldVariants(ls *Links, main []string) []string {
	if !selling(ls.toks) {
		return main
	}
	out := append([]string(nil), main...)
	for _, mn := range ls.Mentions {
		if mn.Kind != KindMetric || !contains(out, mn.ID) {
			continue
		}
		probe := tokenize(mn.Text + " sold")
		n, es := l.lex.lookup(probe, make([]bool, len(probe)), 0, false)
		if n == len(probe) && topKind(es) == KindMetric && es[0].id != mn.ID && !contains(out, es[0].id) {
			for i := range out {
				if out[i] == mn.ID {
					out[i] = es[0].id
				}
			}
		}
	}
	return out
}

// periodGrowthMetric: "year over year revenue growth" with no periods given asks for the
// ontology's year-over-year metric where it has one (month over month likewise), when the
// question names no other measure than revenue.
func (l *Linker) periodGrowthMetric(ls *Links, main []string) string {
	if ls.Compare != nil || ls.Time != nil || len(main) > 1 || len(main) == 1 && main[0] != "revenue" {
		return ""
	}
	phrase := ""
	for i, t := range ls.toks {
		switch {
		case t.text == "yoy" || t.text == "over" && i > 0 && i+1 < len(ls.toks) && ls.toks[i-1].text == "year" && ls.toks[i+1].text == "year":
			phrase = "year over year growth"
		case t.text == "mom" || t.text == "over" && i > 0 && i+1 < len(ls.toks) && ls.toks[i-1].text == "month" && ls.toks[i+1].text == "month":
			phrase = "month over month growth"
		}
	}
	if phrase == "" {
		return ""
	}
	probe := tokenize(phrase)
	if n, es := l.lex.lookup(probe, make([]bool, len(probe)), 0, false); n == len(probe) && topKind(es) == KindMetric {
		return es[0].id
	}
	return ""
}

// countAsked: the question asks how many ("how many", "number of", "count").
func (l *Linker) countAsked(ls *Links) bool {
	for i, t := range ls.toks {
		if t.text == "count" || t.text == "many" && i > 0 && ls.toks[i-1].text == "how" ||
			t.text == "number" && i+1 < len(ls.toks) && ls.toks[i+1].text == "of" {
			return true
		}
	}
	return false
}

// coordinatedWith returns the value mention that mention k is listed after ("X and Y", "X, Y",
// "X or Y"), when both may belong to the same dimension; -1 otherwise.
func coordinatedWith(ls *Links, k int) int {
	m := ls.Mentions[k]
	if k == 0 || m.Kind != KindValue {
		return -1
	}
	prev := ls.Mentions[k-1]
	if prev.Kind != KindValue || m.Start-prev.End != 1 && m.Start != prev.End {
		return -1
	}
	if m.Start-prev.End == 1 {
		if t := ls.toks[prev.End].text; t != "and" && t != "or" && t != "&" {
			return -1
		}
	}
	for _, d := range m.Dims {
		if contains(prev.Dims, d) {
			return k - 1
		}
	}
	return -1
}

func index(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

// selfFiltered: a count metric of one table filtered to a single member of that same table
// (album_count where album = 'X') counts one thing; the value surely names something else.
func (l *Linker) selfFiltered(p *plan.Plan) bool {
	for _, id := range p.Measures {
		m := l.ont.MetricByID(id)
		if m == nil || m.Unit != "count" || len(m.Tables) != 1 {
			continue
		}
		for _, f := range p.Filters {
			d := l.dims[f.Dim]
			if d == nil || f.Op != plan.OpEq {
				continue
			}
			if t, _ := ontology.SplitColumn(d.Column); strings.EqualFold(t, m.Tables[0]) && d.ID != "" {
				return true
			}
		}
	}
	return false
}
