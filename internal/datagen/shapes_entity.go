package datagen

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// entityQuery answers questions about one entity's own table: lists and counts with a
// filter, attribute lookups, numeric thresholds, column comparisons, top-k, distinct
// values, counts per value and above-average lists. These give the easy questions.
func (g *gen) entityQuery(r *rand.Rand) *candidate {
	if len(g.w.entities) == 0 {
		return nil
	}
	e := pick(r, g.w.entities)
	d := g.w.d
	tbl := d.Quote(e.table)
	order := " ORDER BY " + e.label
	if e.label != e.key {
		order += ", " + e.key
	}
	c := &candidate{concepts: []string{e.name}, tables: []string{e.table}, shape: "lookup"}
	s := slots{}
	fill := func() slots {
		en := pick(r, e.names)
		out := slots{"e": en, "es": plural(en)}
		for k, v := range s {
			out[k] = v
		}
		return out
	}
	var (
		why string
		t   []string
		ok  bool
	)
	switch k := r.IntN(9); {
	case k <= 2:
		why, t, ok = g.entityRowCase(r, k, e, c, s, tbl, order)
	case k <= 5:
		why, t, ok = g.entityNumericCase(r, k, e, c, s, tbl, order)
	default:
		why, t, ok = g.entityColumnCase(r, k, e, c, s, tbl, order)
	}
	if !ok {
		return nil
	}
	c.questions = phrasings(r, g.n(r), t, fill)
	c.reasoning = "The question is about " + plural(e.names[0]) + ", stored in " + e.table + ". " + why
	return c
}

func textCols(e *entity) []string {
	var out []string
	for _, t := range e.text {
		out = append(out, t.col)
	}
	return out
}

func joinAnd(xs []string) string   { return strings.Join(xs, " AND ") }
func joinComma(xs []string) string { return strings.Join(xs, ", ") }
func joinSemi(xs []string) string  { return strings.Join(xs, "; ") }

// register lists the shape families and their weights.
func (g *gen) register() {
	add := func(w int, f shapeFunc) {
		g.shapes = append(g.shapes, f)
		g.weights = append(g.weights, w)
	}
	add(14, g.single)
	add(22, g.entityQuery)
	add(6, func(r *rand.Rand) *candidate { return g.grouped(r, "grouped") })
	add(6, func(r *rand.Rand) *candidate { return g.grouped(r, "topk") })
	add(3, func(r *rand.Rand) *candidate { return g.grouped(r, "bottomk") })
	add(2, func(r *rand.Rand) *candidate { return g.byTime(r, "year") })
	add(2, func(r *rand.Rand) *candidate { return g.byTime(r, "quarter") })
	add(3, func(r *rand.Rand) *candidate { return g.byTime(r, "month") })
	add(3, g.twoDims)
	add(4, g.having)
	add(4, g.ranked)
	add(4, g.share)
	add(4, g.growth)
	add(3, g.bestPeriod)
	add(4, g.aboveAverage)
	add(3, g.buckets)
	add(4, g.exists)
	add(3, g.setop)
}

// entityRowCase fills c for the entity questions of kind k about lists, counts and lookups by a text column or a label; ok is false when the
// entity has nothing for k.
func (g *gen) entityRowCase(r *rand.Rand, k int, e *entity, c *candidate, s slots, tbl, order string) (why string, t []string, ok bool) {
	switch {
	case k == 0 && len(e.text) > 0: // list with a text filter
		col := pick(r, e.text)
		v := pick(r, col.values)
		s["c"], s["v"] = col.names[0], v
		c.sql = "SELECT " + e.label + " FROM " + tbl + " WHERE " + col.col + " = " + quoteLit(v) + order
		c.ordered = true
		t = []string{"List the {es} whose {c} is {v}.", "Which {es} have {c} {v}?", "Show all {es} with {c} = {v}.", "Give me every {e} where {c} is {v}."}
		why = "A WHERE filter on " + col.col + " selects them."
	case k == 1 && len(e.text) > 0: // count with a text filter
		col := pick(r, e.text)
		v := pick(r, col.values)
		s["c"], s["v"] = col.names[0], v
		c.sql = "SELECT COUNT(*) FROM " + tbl + " WHERE " + col.col + " = " + quoteLit(v)
		c.single = true
		t = []string{"How many {es} have {c} {v}?", "Count the {es} whose {c} is {v}.", "What is the number of {es} with {c} {v}?"}
		why = "COUNT(*) with a WHERE filter on " + col.col + "."
	case k == 2 && (len(e.numeric) > 0 || len(e.text) > 0) && len(e.labels) > 0: // attribute lookup
		cols := append(append([]string{}, e.numeric...), textCols(e)...)
		col := pick(r, cols)
		v := pick(r, e.labels)
		_, cn := splitCol(col)
		s["c"], s["v"] = columnWords(cn), v
		c.sql = "SELECT " + col + " FROM " + tbl + " WHERE " + e.label + " = " + quoteLit(v)
		t = []string{"What is the {c} of {v}?", "Show the {c} for {e} {v}.", "Look up {v}'s {c}.", "Tell me the {c} of the {e} {v}."}
		why = "Select the column for the row whose " + e.label + " matches."
	default:
		return "", nil, false
	}
	return why, t, true
}

// entityNumericCase fills c for the entity questions of kind k about numeric thresholds, column comparisons and top-k by a column; ok is false when the
// entity has nothing for k.
func (g *gen) entityNumericCase(r *rand.Rand, k int, e *entity, c *candidate, s slots, tbl, order string) (why string, t []string, ok bool) {
	d := g.w.d
	switch {
	case k == 3 && len(e.numeric) > 0: // numeric threshold
		col := pick(r, e.numeric)
		vals, err := sampleValues(g.ctx, g.db, d, col, 40)
		if err != nil || len(vals) < 4 {
			return "", nil, false
		}
		f, _ := strconv.ParseFloat(vals[r.IntN(len(vals))], 64)
		th := niceThreshold(f)
		_, cn := splitCol(col)
		op, w := " > ", pick(r, []string{"above", "more than", "greater than"})
		if r.IntN(2) == 0 {
			op, w = " < ", pick(r, []string{"below", "less than", "under"})
		}
		s["c"], s["t"], s["w"] = columnWords(cn), th, w
		c.sql = "SELECT " + e.label + ", " + col + " FROM " + tbl + " WHERE " + col + op + th + order
		c.ordered = true
		t = []string{"Which {es} have {c} {w} {t}?", "List {es} with {c} {w} {t}.", "Show every {e} whose {c} is {w} {t}."}
		why = "A WHERE comparison on " + col + "."
	case k == 4 && len(e.numeric) > 1: // compare two columns
		i := r.IntN(len(e.numeric))
		j := (i + 1 + r.IntN(len(e.numeric)-1)) % len(e.numeric)
		a, b := e.numeric[i], e.numeric[j]
		_, an := splitCol(a)
		_, bn := splitCol(b)
		s["a"], s["b"] = columnWords(an), columnWords(bn)
		c.sql = "SELECT " + e.label + " FROM " + tbl + " WHERE " + a + " < " + b + order
		c.ordered = true
		t = []string{"Which {es} have {a} below {b}?", "List {es} where {a} is less than {b}.", "Show {es} whose {a} is lower than their {b}."}
		why = "Compare two columns of the same row in WHERE."
	case k == 5 && len(e.numeric) > 0: // top-k by a column
		col := pick(r, e.numeric)
		_, cn := splitCol(col)
		kk := 3 + r.IntN(8)
		dir, w := "DESC", pick(r, []string{"highest", "largest", "most"})
		if r.IntN(3) == 0 {
			dir, w = "ASC", pick(r, []string{"lowest", "smallest", "least"})
		}
		s["c"], s["k"], s["w"] = columnWords(cn), strconv.Itoa(kk), w
		c.sql = "SELECT " + e.label + ", " + col + " FROM " + tbl + " ORDER BY " + col + " " + dir + ", " + e.key + " " + d.Limit(kk)
		c.ordered, c.shape = true, "topk"
		t = []string{"Which {k} {es} have the {w} {c}?", "Top {k} {es} by {c} ({w} first).", "Show the {k} {es} with the {w} {c}."}
		why = "Sort by " + col + " and keep " + s["k"] + " rows; " + e.key + " breaks ties."
	default:
		return "", nil, false
	}
	return why, t, true
}

// entityColumnCase fills c for the entity questions of kind k about distinct values, counts per value and above-average lists; ok is false when the
// entity has nothing for k.
func (g *gen) entityColumnCase(r *rand.Rand, k int, e *entity, c *candidate, s slots, tbl, order string) (why string, t []string, ok bool) {
	switch {
	case k == 6 && len(e.text) > 0: // distinct values
		col := pick(r, e.text)
		s["c"], s["cs"] = col.names[0], plural(col.names[0])
		c.sql = "SELECT DISTINCT " + col.col + " FROM " + tbl + " ORDER BY " + col.col
		c.ordered = true
		t = []string{"What are the distinct {cs} of our {es}?", "List every {c} that appears among {es}.", "Which {cs} do {es} have?"}
		why = "DISTINCT lists each value once."
	case k == 7 && len(e.text) > 0: // count per value
		col := pick(r, e.text)
		s["c"], s["cs"] = col.names[0], plural(col.names[0])
		c.sql = "SELECT " + col.col + ", COUNT(*) AS n FROM " + tbl + " GROUP BY " + col.col + " ORDER BY n DESC, " + col.col
		c.ordered, c.shape = true, "grouped"
		t = []string{"How many {es} are there per {c}?", "Count {es} by {c}.", "Show the number of {es} in each {c}, largest first."}
		why = "GROUP BY " + col.col + " with COUNT(*)."
	case k == 8 && len(e.numeric) > 0: // above average
		col := pick(r, e.numeric)
		_, cn := splitCol(col)
		s["c"] = columnWords(cn)
		c.sql = "SELECT " + e.label + ", " + col + " FROM " + tbl + " WHERE " + col + " > (SELECT AVG(" + col + ") FROM " + tbl + ") ORDER BY " + col + " DESC, " + e.key
		c.ordered, c.shape = true, "nested"
		t = []string{"Which {es} have a {c} above the average?", "List {es} whose {c} beats the mean {c}.", "Show {es} with above-average {c}."}
		why = "A scalar subquery computes AVG(" + col + ") to compare each row with."
	default:
		return "", nil, false
	}
	return why, t, true
}
