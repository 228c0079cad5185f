package datagen

import (
	"math/rand/v2"
	"slices"
	"strconv"
)

// aboveAverage keeps the dimension values whose metric beats the average over all values,
// with a nested subquery in HAVING.
func (g *gen) aboveAverage(r *rand.Rand) *candidate {
	q := g.base(r, 0.5, 0, nil)
	if q == nil || len(q.m.dims) == 0 {
		return nil
	}
	dm := pick(r, q.m.dims)
	f, used, ok := g.from(q, dm.table)
	if !ok {
		return nil
	}
	op, word := ">", []string{"above", "higher than", "better than"}
	if r.IntN(3) == 0 {
		op, word = "<", []string{"below", "lower than", "under"}
	}
	inner := "SELECT " + q.m.formula + " AS value FROM " + f + q.where() + " GROUP BY " + dm.col
	sql := "SELECT " + dm.col + ", " + q.m.formula + " AS value FROM " + f + q.where() + " GROUP BY " + dm.col +
		" HAVING " + q.m.formula + " " + op + " (SELECT AVG(value) FROM (" + inner + ") AS per_group) ORDER BY value DESC, " + dm.col
	why := "The subquery averages the per-" + dm.names[0] + " values; HAVING compares each group with it."
	if r.IntN(2) == 0 {
		sql = "WITH per_group AS (" + "SELECT " + dm.col + " AS label, " + q.m.formula + " AS value FROM " + f + q.where() + " GROUP BY " + dm.col +
			") SELECT label, value FROM per_group WHERE value " + op + " (SELECT AVG(value) FROM per_group) ORDER BY value DESC, label"
		why = "A CTE holds the value per " + dm.names[0] + "; the outer query compares each with the CTE's average."
	}
	q.concepts = append(q.concepts, dm.name, "average")
	fill := func() slots {
		s := q.slots(r)
		dn := pick(r, dm.names)
		s["d"], s["ds"], s["w"] = dn, plural(dn), pick(r, word)
		return s
	}
	return &candidate{sql: sql, shape: "nested", concepts: q.concepts, tables: used, ordered: true,
		questions: phrasings(r, g.n(r), []string{
			"Which {ds} had {m} {w} the average {d} {x}?", "List the {ds} whose {m} was {w} average {x}.",
			"Show {ds} performing {w} the mean on {m} {x}.", "{x}, which {ds} were {w} average in {m}?",
			"Find every {d} with {m} {w} the average across all {ds} {x}.",
		}, fill),
		reasoning: g.reason(q, used, why)}
}

// buckets sorts the dimension values into low/medium/high bands of the metric with CASE and
// counts them.
func (g *gen) buckets(r *rand.Rand) *candidate {
	q := g.base(r, 0.4, 0, nil)
	if q == nil || len(q.m.dims) == 0 {
		return nil
	}
	dm := pick(r, q.m.dims)
	vals, err := g.w.groupValues(g.ctx, g.db, q.m, dm)
	if err != nil || len(vals) < 6 {
		return nil
	}
	lo, hi := niceThreshold(vals[len(vals)/3]), niceThreshold(vals[2*len(vals)/3])
	if lo == hi {
		return nil
	}
	f, used, ok := g.from(q, dm.table)
	if !ok {
		return nil
	}
	sql := "SELECT CASE WHEN value >= " + hi + " THEN 'high' WHEN value >= " + lo + " THEN 'medium' ELSE 'low' END AS band, COUNT(*) AS n FROM (SELECT " +
		dm.col + ", " + q.m.formula + " AS value FROM " + f + q.where() + " GROUP BY " + dm.col + ") AS per_group GROUP BY band ORDER BY band"
	q.concepts = append(q.concepts, dm.name, "bands")
	fill := func() slots {
		s := q.slots(r)
		dn := pick(r, dm.names)
		s["d"], s["ds"], s["lo"], s["hi"] = dn, plural(dn), lo, hi
		return s
	}
	return &candidate{sql: sql, shape: "case", concepts: q.concepts, tables: used, ordered: true,
		questions: phrasings(r, g.n(r), []string{
			"How many {ds} fall into low (under {lo}), medium ({lo} to {hi}) and high (at least {hi}) {m} bands {x}?",
			"Bucket {ds} by {m} {x}: below {lo} is low, {hi} and above is high, medium otherwise; count each band.",
			"Count the {ds} per {m} band (low < {lo} <= medium < {hi} <= high) {x}.",
		}, fill),
		reasoning: g.reason(q, used, "A subquery computes the value per "+dm.names[0]+"; CASE maps it to a band and the outer query counts per band.")}
}

// link is how an entity's table correlates with a metric's tables: extra tables the inner
// query must read and the join condition that mentions the entity's table.
func (g *gen) link(e *entity, inner []string) (tables []string, on string, ok bool) {
	steps, found := g.w.joins.path(inner, e.table)
	if !found || len(steps) == 0 {
		return nil, "", false
	}
	for _, s := range steps[:len(steps)-1] {
		tables = append(tables, s.table)
	}
	return tables, steps[len(steps)-1].on, true
}

// exists lists the entities that did (EXISTS) or never did (NOT EXISTS) appear in the facts
// of a metric with a dimension value or period.
func (g *gen) exists(r *rand.Rand) *candidate {
	if len(g.w.entities) == 0 || len(g.w.metrics) == 0 {
		return nil
	}
	e := pick(r, g.w.entities)
	q := g.base(r, 0.5, 1, nil)
	if q == nil || len(q.conds) == 0 || slices.Contains(q.tables, e.table) {
		return nil
	}
	extra, on, ok := g.link(e, q.tables)
	if !ok {
		return nil
	}
	f, used, ok := g.from(q, extra...)
	if !ok {
		return nil
	}
	not := r.IntN(2) == 0
	kw := "EXISTS"
	if not {
		kw = "NOT EXISTS"
	}
	sql := "SELECT " + e.label + " FROM " + g.w.d.Quote(e.table) + " WHERE " + kw + " (SELECT 1 FROM " + f + " WHERE " + on + " AND " +
		joinAnd(q.conds) + ") ORDER BY " + e.label
	if e.label != e.key {
		sql += ", " + e.key
	}
	var t []string
	if not {
		t = []string{"Which {es} had no activity {x}?", "List the {es} that never appear {x}.", "Show {es} with nothing recorded {x}.",
			"Find all {es} without any records {x}."}
	} else {
		t = []string{"Which {es} had activity {x}?", "List the {es} that appear {x}.", "Show every {e} with at least one record {x}.",
			"Find the {es} involved {x}."}
	}
	concepts := append([]string{e.name}, q.concepts[1:]...)
	fill := func() slots {
		en := pick(r, e.names)
		return slots{"e": en, "es": plural(en), "x": q.qual(r)}
	}
	return &candidate{sql: sql, shape: "exists", concepts: concepts, tables: append(used, e.table), ordered: true,
		questions: phrasings(r, g.n(r), t, fill),
		reasoning: "The question lists " + plural(e.names[0]) + " from " + e.table + ". A correlated " + kw + " subquery over " + joinComma(used) +
			" checks for matching rows (" + on + ") under the filters: " + joinSemi(q.notes) + "."}
}

// setop combines two filtered lists of an entity with UNION, INTERSECT or EXCEPT.
func (g *gen) setop(r *rand.Rand) *candidate {
	if len(g.w.entities) == 0 || len(g.w.metrics) == 0 {
		return nil
	}
	e := pick(r, g.w.entities)
	m := pick(r, g.w.metrics)
	if m.periods == nil || len(m.periods.years) < 2 || slices.Contains(m.tables, e.table) {
		return nil
	}
	f, used, err := g.w.joins.from(g.w.d, append(slices.Clone(m.tables), e.table))
	if err != nil {
		return nil
	}
	ys := m.periods.years
	i := r.IntN(len(ys) - 1)
	a, b := strconv.Itoa(ys[i]), strconv.Itoa(ys[i+1+r.IntN(len(ys)-1-i)])
	yr := g.w.d.Year(m.timeCol)
	op := pick(r, []string{"UNION", "INTERSECT", "EXCEPT"})
	sql := "SELECT " + e.label + " FROM " + f + " WHERE " + yr + " = " + a + " " + op + " SELECT " + e.label + " FROM " + f + " WHERE " + yr + " = " + b
	var t []string
	switch op {
	case "UNION":
		t = []string{"Which {es} were active in " + a + " or " + b + "?", "List {es} with records in either " + a + " or " + b + ".",
			"Show all {es} that appear in " + a + " or in " + b + "."}
	case "INTERSECT":
		t = []string{"Which {es} were active in both " + a + " and " + b + "?", "List {es} with records in " + a + " and again in " + b + ".",
			"Show the {es} present in both " + a + " and " + b + "."}
	case "EXCEPT":
		t = []string{"Which {es} were active in " + a + " but not in " + b + "?", "List {es} with records in " + a + " and none in " + b + ".",
			"Show the {es} we had in " + a + " that disappeared in " + b + "."}
	}
	fill := func() slots {
		en := pick(r, e.names)
		return slots{"e": en, "es": plural(en)}
	}
	return &candidate{sql: sql, shape: "setop", concepts: []string{e.name, "year"}, tables: used,
		questions: phrasings(r, g.n(r), t, fill),
		reasoning: "Two queries list " + plural(e.names[0]) + " from " + joinComma(used) + " for " + a + " and " + b + "; " + op + " combines them."}
}
