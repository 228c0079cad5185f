package datagen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// mq is a metric query under construction: the metric, the tables it must read, the WHERE
// conditions and how to say them.
type mq struct {
	m        *metric
	tables   []string
	conds    []string
	quals    []func(r *rand.Rand) string
	concepts []string
	notes    []string // filters, for the reasoning text
	period   *period
}

// base starts a query on a random metric with an optional period and dimension filter.
// pPeriod and pFilter are the chances of each (0..1); skip is a dimension not to filter on.
func (g *gen) base(r *rand.Rand, pPeriod, pFilter float64, skip *dim) *mq {
	if len(g.w.metrics) == 0 {
		return nil
	}
	m := pick(r, g.w.metrics)
	q := &mq{m: m, tables: slices.Clone(m.tables), concepts: []string{m.name}}
	if m.periods != nil && r.Float64() < pPeriod {
		q.addPeriod(g.randomPeriod(r, m))
	}
	if len(m.filters) > 0 && r.Float64() < pFilter {
		dm := pick(r, m.filters)
		if dm != skip {
			q.addFilter(dm, pick(r, dm.values[:min(len(dm.values), 12)]))
		}
	}
	return q
}

func (q *mq) addPeriod(p *period) {
	q.period = p
	q.conds = append(q.conds, p.pred)
	q.quals = append(q.quals, p.words)
	q.notes = append(q.notes, p.label)
}

func (q *mq) addFilter(dm *dim, v string) {
	q.tables = append(q.tables, dm.table)
	q.conds = append(q.conds, dm.col+" = "+quoteLit(v))
	q.quals = append(q.quals, func(r *rand.Rand) string { return filterWords(r, dm, v) })
	q.concepts = append(q.concepts, dm.name)
	q.notes = append(q.notes, dm.name+" = "+v)
}

// rankable says whether ranking the values of dm makes sense (not a yes/no flag).
func rankable(dm *dim) bool { return dm.kind != "flag" && len(dm.values) > 3 }

// additive says whether the metric is a plain sum or count, so shares of a total make sense.
func additive(m *metric) bool { return additiveFormula(m.formula) }

// additiveFormula says whether an aggregate formula is one SUM or COUNT call and nothing else.
func additiveFormula(formula string) bool {
	f := strings.ToUpper(strings.TrimSpace(formula))
	if !(strings.HasPrefix(f, "SUM(") || strings.HasPrefix(f, "COUNT(")) || strings.Contains(f, "/") {
		return false
	}
	depth := 0
	for i, c := range f {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i == len(f)-1 // one aggregate call is the whole formula
			}
		}
	}
	return false
}

func quoteLit(v string) string { return "'" + strings.ReplaceAll(v, "'", "''") + "'" }

// qual says every filter of q, in random order.
func (q *mq) qual(r *rand.Rand) string {
	parts := make([]string, len(q.quals))
	for i, f := range q.quals {
		parts[i] = f(r)
	}
	r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	return strings.Join(parts, " ")
}

func (q *mq) where() string {
	if len(q.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(q.conds, " AND ")
}

// from joins q's tables plus extra; ok is false when no join path exists.
func (g *gen) from(q *mq, extra ...string) (string, []string, bool) {
	f, used, err := g.w.joins.from(g.w.d, append(slices.Clone(q.tables), extra...))
	return f, used, err == nil
}

// slotsFor fills the common slots: m metric, x qualifiers.
func (q *mq) slots(r *rand.Rand) slots {
	return slots{"m": pick(r, q.m.names), "x": q.qual(r)}
}

func (g *gen) n(r *rand.Rand) int { return 1 + r.IntN(g.opts.Phrasings) }

// reason writes the short explanation of a query.
func (g *gen) reason(q *mq, used []string, why string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "The question asks for %s, computed as %s", q.m.names[0], q.m.formula)
	if len(used) > 1 {
		fmt.Fprintf(&b, " over %s joined along the ontology's join paths", strings.Join(used, ", "))
	} else if len(used) == 1 {
		fmt.Fprintf(&b, " over %s", used[0])
	}
	b.WriteString(".")
	if len(q.notes) > 0 {
		fmt.Fprintf(&b, " Filters: %s.", strings.Join(q.notes, "; "))
	}
	if why != "" {
		b.WriteString(" " + why)
	}
	return b.String()
}

func (g *gen) single(r *rand.Rand) *candidate {
	q := g.base(r, 0.75, 0.35, nil)
	if q == nil {
		return nil
	}
	f, used, ok := g.from(q)
	if !ok {
		return nil
	}
	sql := "SELECT " + q.m.formula + " AS value FROM " + f + q.where()
	t := []string{
		"What was the {m} {x}?", "What is the total {m} {x}?", "Show the {m} {x}.", "How much {m} did we have {x}?",
		"Give me the {m} {x}.", "{x}, what was our {m}?", "Tell me the {m} {x}.", "Calculate the {m} {x}.",
		"Can you report the {m} {x}?", "I need the {m} figure {x}.",
	}
	if len(q.quals) == 0 {
		t = []string{"What is the overall {m}?", "Show the total {m} across all data.", "What is our {m} overall?",
			"Give me the {m} for the whole history.", "Calculate the {m} over all records."}
	}
	return &candidate{sql: sql, shape: "single", concepts: q.concepts, tables: used, single: true,
		questions: phrasings(r, g.n(r), t, func() slots { return q.slots(r) }),
		reasoning: g.reason(q, used, "One aggregate value answers it, so there is no GROUP BY.")}
}

// grouped is the metric per value of one dimension, optionally ordered and cut to the top
// or bottom k. ORDER BY always ends with the dimension so ties are broken.
func (g *gen) grouped(r *rand.Rand, variant string) *candidate {
	q := g.base(r, 0.6, 0.25, nil)
	if q == nil || len(q.m.dims) == 0 {
		return nil
	}
	dm := pick(r, q.m.dims)
	if slices.Contains(q.concepts, dm.name) || (variant != "grouped" && !rankable(dm)) {
		return nil
	}
	f, used, ok := g.from(q, dm.table)
	if !ok {
		return nil
	}
	q.concepts = append(q.concepts, dm.name)
	sel := "SELECT " + dm.col + ", " + q.m.formula + " AS value FROM " + f + q.where() + " GROUP BY " + dm.col
	k := 3 + r.IntN(8)
	ks := strconv.Itoa(k)
	fill := func() slots {
		s := q.slots(r)
		dn := pick(r, dm.names)
		s["d"], s["ds"], s["k"] = dn, plural(dn), ks
		return s
	}
	c := &candidate{shape: variant, concepts: q.concepts, tables: used}
	switch variant {
	case "grouped":
		c.sql = sel + " ORDER BY value DESC, " + dm.col
		c.ordered = true
		c.questions = phrasings(r, g.n(r), []string{
			"What is the {m} by {d} {x}?", "Break down {m} by {d} {x}.", "Show {m} for each {d} {x}, highest first.",
			"{x}, how does {m} split across {ds}?", "List every {d} with its {m} {x}.", "What was the {m} per {d} {x}?",
			"Give me {m} grouped by {d} {x}.", "How much {m} did each {d} bring {x}?",
		}, fill)
		c.reasoning = g.reason(q, used, "Grouping by "+dm.col+" gives one row per "+dm.names[0]+", sorted by the value.")
	case "topk":
		c.sql = sel + " ORDER BY value DESC, " + dm.col + " " + g.w.d.Limit(k)
		c.ordered = true
		c.questions = phrasings(r, g.n(r), []string{
			"Which {k} {ds} had the highest {m} {x}?", "Top {k} {ds} by {m} {x}.", "Show the {k} best {ds} ranked by {m} {x}.",
			"{x}, which are the top {k} {ds} for {m}?", "List the {k} {ds} with the most {m} {x}.", "Who are the leading {k} {ds} in {m} {x}?",
		}, fill)
		c.reasoning = g.reason(q, used, "Sort by the value descending, break ties by "+dm.col+", keep "+ks+" rows.")
	case "bottomk":
		c.sql = sel + " ORDER BY value ASC, " + dm.col + " " + g.w.d.Limit(k)
		c.ordered = true
		c.questions = phrasings(r, g.n(r), []string{
			"Which {k} {ds} had the lowest {m} {x}?", "Bottom {k} {ds} by {m} {x}.", "Show the {k} weakest {ds} by {m} {x}.",
			"{x}, which {k} {ds} had the least {m}?", "List the {k} {ds} with the smallest {m} {x}.",
		}, fill)
		c.reasoning = g.reason(q, used, "Sort by the value ascending, break ties by "+dm.col+", keep "+ks+" rows.")
	}
	return c
}

// byTime is the metric per year, per quarter of a year, or per month of a year (the trend).
func (g *gen) byTime(r *rand.Rand, grain string) *candidate {
	q := g.base(r, 0, 0.3, nil)
	if q == nil || q.m.periods == nil {
		return nil
	}
	d, col := g.w.d, q.m.timeCol
	f, used, ok := g.from(q)
	if !ok {
		return nil
	}
	var key, alias string
	y := strconv.Itoa(pick(r, q.m.periods.years))
	switch grain {
	case "year":
		key, alias = d.Year(col), "year"
	case "quarter":
		key, alias = d.Quarter(col), "quarter"
		q.conds = append(q.conds, d.Year(col)+" = "+y)
		q.notes = append(q.notes, "year "+y)
	case "month":
		key, alias = d.YearMonth(col), "month"
		q.conds = append(q.conds, d.Year(col)+" = "+y)
		q.notes = append(q.notes, "year "+y)
	}
	sql := "SELECT " + key + " AS " + alias + ", " + q.m.formula + " AS value FROM " + f + q.where() + " GROUP BY " + alias + " ORDER BY " + alias
	var t []string
	switch grain {
	case "year":
		t = []string{"What is the {m} per year {x}?", "Show yearly {m} {x}.", "How did {m} develop year by year {x}?",
			"Give the annual {m} {x}.", "List {m} for each year {x}."}
	case "quarter":
		t = []string{"What was the {m} in each quarter of " + y + " {x}?", "Show quarterly {m} for " + y + " {x}.",
			"Break down " + y + " {m} by quarter {x}.", "How did {m} move quarter to quarter in " + y + " {x}?"}
	case "month":
		t = []string{"Show the monthly {m} trend for " + y + " {x}.", "What was the {m} for each month of " + y + " {x}?",
			"Month by month, how did {m} evolve in " + y + " {x}?", "Give me " + y + " {m} by month {x}.",
			"Plot the {m} per month during " + y + " {x}."}
	}
	shape := "by_" + grain
	if grain == "month" {
		shape = "trend"
	}
	return &candidate{sql: sql, shape: shape, concepts: append(q.concepts, grain), tables: used, ordered: true,
		questions: phrasings(r, g.n(r), t, func() slots { return q.slots(r) }),
		reasoning: g.reason(q, used, "Group by the "+grain+" of "+col+" and order chronologically.")}
}

// twoDims is the metric per value of a dimension and per year.
func (g *gen) twoDims(r *rand.Rand) *candidate {
	q := g.base(r, 0, 0.2, nil)
	if q == nil || len(q.m.dims) == 0 || q.m.periods == nil {
		return nil
	}
	dm := pick(r, q.m.dims)
	if slices.Contains(q.concepts, dm.name) || len(dm.values) > 12 {
		return nil
	}
	f, used, ok := g.from(q, dm.table)
	if !ok {
		return nil
	}
	q.concepts = append(q.concepts, dm.name, "year")
	yr := g.w.d.Year(q.m.timeCol)
	sql := "SELECT " + dm.col + ", " + yr + " AS year, " + q.m.formula + " AS value FROM " + f + q.where() +
		" GROUP BY " + dm.col + ", year ORDER BY " + dm.col + ", year"
	fill := func() slots {
		s := q.slots(r)
		dn := pick(r, dm.names)
		s["d"], s["ds"] = dn, plural(dn)
		return s
	}
	return &candidate{sql: sql, shape: "grouped_2d", concepts: q.concepts, tables: used, ordered: true,
		questions: phrasings(r, g.n(r), []string{
			"Show {m} by {d} and year {x}.", "What is the yearly {m} for each {d} {x}?", "Break down {m} per {d} per year {x}.",
			"For every {d}, give the {m} in each year {x}.",
		}, fill),
		reasoning: g.reason(q, used, "Two grouping keys: "+dm.col+" and the year of "+q.m.timeCol+".")}
}

// having keeps the dimension values whose metric passes a threshold taken from the data.
func (g *gen) having(r *rand.Rand) *candidate {
	q := g.base(r, 0.4, 0, nil)
	if q == nil || len(q.m.dims) == 0 {
		return nil
	}
	dm := pick(r, q.m.dims)
	vals, err := g.w.groupValues(g.ctx, g.db, q.m, dm)
	if err != nil || len(vals) < 4 {
		return nil
	}
	f, used, ok := g.from(q, dm.table)
	if !ok {
		return nil
	}
	above := r.IntN(2) == 0
	th := niceThreshold(vals[len(vals)/4+r.IntN(len(vals)/2)])
	op, word := " > ", []string{"above", "more than", "greater than", "over"}
	if !above {
		op, word = " < ", []string{"below", "less than", "under", "lower than"}
	}
	q.concepts = append(q.concepts, dm.name)
	sql := "SELECT " + dm.col + ", " + q.m.formula + " AS value FROM " + f + q.where() + " GROUP BY " + dm.col +
		" HAVING " + q.m.formula + op + th + " ORDER BY value DESC, " + dm.col
	fill := func() slots {
		s := q.slots(r)
		dn := pick(r, dm.names)
		s["d"], s["ds"], s["t"], s["w"] = dn, plural(dn), th, pick(r, word)
		return s
	}
	return &candidate{sql: sql, shape: "having", concepts: q.concepts, tables: used, ordered: true,
		questions: phrasings(r, g.n(r), []string{
			"Which {ds} had {m} {w} {t} {x}?", "List {ds} whose {m} was {w} {t} {x}.", "Show every {d} with {m} {w} {t} {x}.",
			"{x}, which {ds} reached {m} {w} {t}?", "Find the {ds} with a total {m} {w} {t} {x}.",
		}, fill),
		reasoning: g.reason(q, used, "Group by "+dm.col+" and keep the groups whose aggregate passes the threshold in HAVING.")}
}
