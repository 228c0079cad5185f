package datagen

import (
	"math/rand/v2"
	"slices"
	"strconv"
)

// ranked ranks the values of a dimension by the metric with a window function, over all
// rows or within each year.
func (g *gen) ranked(r *rand.Rand) *candidate {
	q := g.base(r, 0.5, 0.2, nil)
	if q == nil || len(q.m.dims) == 0 {
		return nil
	}
	dm := pick(r, q.m.dims)
	if slices.Contains(q.concepts, dm.name) || !rankable(dm) {
		return nil
	}
	f, used, ok := g.from(q, dm.table)
	if !ok {
		return nil
	}
	fn := pick(r, []string{"RANK", "DENSE_RANK", "ROW_NUMBER"})
	over := "ORDER BY " + q.m.formula + " DESC"
	if fn == "ROW_NUMBER" {
		over += ", " + dm.col
	}
	q.concepts = append(q.concepts, dm.name)
	sql := "SELECT " + dm.col + ", " + q.m.formula + " AS value, " + fn + "() OVER (" + over + ") AS rnk FROM " + f + q.where() +
		" GROUP BY " + dm.col + " ORDER BY rnk, " + dm.col
	t := []string{"Rank the {ds} by {m} {x}.", "Give each {d} its rank by {m} {x}.", "Show a ranking of {ds} by {m} {x}, with the rank number.",
		"{x}, how do the {ds} rank on {m}?", "Order the {ds} by {m} and number their positions {x}."}
	why := "A " + fn + "() window over the grouped rows numbers each " + dm.names[0] + " by its value."
	if fn == "DENSE_RANK" {
		t = append(t, "Rank {ds} by {m} {x} without gaps after ties.")
	}
	k := 2 + r.IntN(4)
	if q.period == nil && q.m.periods != nil && r.IntN(2) == 0 && len(dm.values) <= 24 {
		yr := g.w.d.Year(q.m.timeCol)
		sql = "WITH ranked AS (SELECT " + yr + " AS year, " + dm.col + " AS " + "label, " + q.m.formula + " AS value, " + fn +
			"() OVER (PARTITION BY " + yr + " " + over + ") AS rnk FROM " + f + q.where() + " GROUP BY year, " + dm.col +
			") SELECT year, label, value, rnk FROM ranked WHERE rnk <= " + strconv.Itoa(k) + " ORDER BY year, rnk, label"
		t = []string{"For each year, which are the top {k} {ds} by {m} {x}?", "Show the {k} best {ds} by {m} in every year {x}.",
			"Year by year, list the {k} leading {ds} in {m} {x}.", "Within each year, rank {ds} by {m} and keep the top {k} {x}."}
		why = "A " + fn + "() window partitioned by year ranks each " + dm.names[0] + " within its year; a CTE keeps the top " + strconv.Itoa(k) + "."
	}
	fill := func() slots {
		s := q.slots(r)
		dn := pick(r, dm.names)
		s["d"], s["ds"], s["k"] = dn, plural(dn), strconv.Itoa(k)
		return s
	}
	return &candidate{sql: sql, shape: "rank", concepts: q.concepts, tables: used, ordered: true,
		questions: phrasings(r, g.n(r), t, fill), reasoning: g.reason(q, used, why)}
}

// share is each dimension value's percentage of the total, by a window SUM or a subquery.
func (g *gen) share(r *rand.Rand) *candidate {
	q := g.base(r, 0.6, 0, nil)
	if q == nil || len(q.m.dims) == 0 || !additive(q.m) {
		return nil
	}
	dm := pick(r, q.m.dims)
	f, used, ok := g.from(q, dm.table)
	if !ok {
		return nil
	}
	d := g.w.d
	q.concepts = append(q.concepts, dm.name, "share")
	var sql, why string
	if r.IntN(2) == 0 {
		sql = "SELECT " + dm.col + ", " + d.Round("100.0 * "+q.m.formula+" / SUM("+q.m.formula+") OVER ()", 2) + " AS share_pct FROM " + f + q.where() +
			" GROUP BY " + dm.col + " ORDER BY share_pct DESC, " + dm.col
		why = "SUM(...) OVER () over the grouped rows gives the total, and each group's value is divided by it."
	} else {
		ft, _, _ := g.from(q)
		sql = "SELECT " + dm.col + ", " + d.Round("100.0 * "+q.m.formula+" / (SELECT "+q.m.formula+" FROM "+ft+q.where()+")", 2) +
			" AS share_pct FROM " + f + q.where() + " GROUP BY " + dm.col + " ORDER BY share_pct DESC, " + dm.col
		why = "A scalar subquery computes the total with the same filters, and each group's value is divided by it."
	}
	fill := func() slots {
		s := q.slots(r)
		dn := pick(r, dm.names)
		s["d"], s["ds"] = dn, plural(dn)
		return s
	}
	return &candidate{sql: sql, shape: "share", concepts: q.concepts, tables: used, ordered: true,
		questions: phrasings(r, g.n(r), []string{
			"What share of total {m} does each {d} account for {x}?", "Show each {d}'s percentage of {m} {x}.",
			"How is {m} distributed across {ds} in percent {x}?", "{x}, what percent of the {m} came from each {d}?",
			"Give the contribution of every {d} to total {m} as a percentage {x}.",
		}, fill),
		reasoning: g.reason(q, used, why)}
}

// growth compares consecutive periods: year over year or month over month with LAG, or
// two named years through a self-join of CTEs.
func (g *gen) growth(r *rand.Rand) *candidate {
	q := g.base(r, 0, 0.3, nil)
	if q == nil || q.m.periods == nil || len(q.m.periods.years) < 2 {
		return nil
	}
	d, col := g.w.d, q.m.timeCol
	f, used, ok := g.from(q)
	if !ok {
		return nil
	}
	var sql, why, shape string
	var t []string
	switch r.IntN(3) {
	case 0:
		shape = "yoy"
		sql = "WITH yearly AS (SELECT " + d.Year(col) + " AS year, " + q.m.formula + " AS value FROM " + f + q.where() +
			" GROUP BY year) SELECT year, value, LAG(value) OVER (ORDER BY year) AS previous, " +
			d.Round("100.0 * (value - LAG(value) OVER (ORDER BY year)) / LAG(value) OVER (ORDER BY year)", 2) + " AS growth_pct FROM yearly ORDER BY year"
		t = []string{"What is the year-over-year growth of {m} {x}?", "Show {m} per year with the change from the previous year {x}.",
			"How much did {m} grow each year, in percent {x}?", "Give the YoY {m} growth rate {x}."}
		why = "A CTE aggregates per year; LAG() over the years gives the previous value for the growth percentage."
	case 1:
		shape = "mom"
		y := strconv.Itoa(pick(r, q.m.periods.years))
		cond := q.where()
		if cond == "" {
			cond = " WHERE " + d.Year(col) + " = " + y
		} else {
			cond += " AND " + d.Year(col) + " = " + y
		}
		sql = "WITH monthly AS (SELECT " + d.YearMonth(col) + " AS month, " + q.m.formula + " AS value FROM " + f + cond +
			" GROUP BY month) SELECT month, value, value - LAG(value) OVER (ORDER BY month) AS change FROM monthly ORDER BY month"
		t = []string{"How did {m} change month over month in " + y + " {x}?", "Show the monthly {m} in " + y + " and the change from the prior month {x}.",
			"Give the MoM difference in {m} for " + y + " {x}.", "For each month of " + y + ", what was the {m} and how much did it move {x}?"}
		why = "A CTE aggregates per month of " + y + "; LAG() gives the prior month for the difference."
	default:
		shape = "yoy"
		ys := q.m.periods.years
		i := r.IntN(len(ys) - 1)
		a, b := strconv.Itoa(ys[i]), strconv.Itoa(ys[i+1])
		pa, pb := " WHERE "+d.Year(col)+" = "+a, " WHERE "+d.Year(col)+" = "+b
		if len(q.conds) > 0 {
			pa, pb = q.where()+" AND "+d.Year(col)+" = "+a, q.where()+" AND "+d.Year(col)+" = "+b
		}
		sql = "WITH y1 AS (SELECT " + q.m.formula + " AS value FROM " + f + pa + "), y2 AS (SELECT " + q.m.formula + " AS value FROM " + f + pb +
			") SELECT y1.value AS value_" + a + ", y2.value AS value_" + b + ", " + d.Round("100.0 * (y2.value - y1.value) / y1.value", 2) +
			" AS growth_pct FROM y1 CROSS JOIN y2"
		t = []string{"By how much did {m} change from " + a + " to " + b + " {x}?", "Compare {m} in " + a + " and " + b + " {x}, with the growth rate.",
			"What was the percentage growth in {m} between " + a + " and " + b + " {x}?", "Did {m} grow from " + a + " to " + b + " {x}? Show both values and the change."}
		why = "Two CTEs compute the value for " + a + " and " + b + "; joining them gives both and the growth."
	}
	q.concepts = append(q.concepts, shape)
	return &candidate{sql: sql, shape: shape, concepts: q.concepts, tables: used, ordered: true,
		questions: phrasings(r, g.n(r), t, func() slots { return q.slots(r) }),
		reasoning: g.reason(q, used, why)}
}

// bestPeriod finds the month (or year) with the highest or lowest metric through a CTE.
func (g *gen) bestPeriod(r *rand.Rand) *candidate {
	q := g.base(r, 0, 0.35, nil)
	if q == nil || q.m.periods == nil {
		return nil
	}
	d, col := g.w.d, q.m.timeCol
	f, used, ok := g.from(q)
	if !ok {
		return nil
	}
	grain, key := "month", d.YearMonth(col)
	if r.IntN(3) == 0 {
		grain, key = "year", d.Year(col)
	}
	dir, word := "DESC", []string{"highest", "best", "strongest", "largest"}
	if r.IntN(2) == 0 {
		dir, word = "ASC", []string{"lowest", "worst", "weakest", "smallest"}
	}
	sql := "WITH per_period AS (SELECT " + key + " AS " + grain + ", " + q.m.formula + " AS value FROM " + f + q.where() +
		" GROUP BY " + grain + ") SELECT " + grain + ", value FROM per_period ORDER BY value " + dir + ", " + grain + " " + d.Limit(1)
	q.concepts = append(q.concepts, grain)
	fill := func() slots {
		s := q.slots(r)
		s["g"], s["w"] = grain, pick(r, word)
		return s
	}
	return &candidate{sql: sql, shape: "cte", concepts: q.concepts, tables: used, ordered: true,
		questions: phrasings(r, g.n(r), []string{
			"Which {g} had the {w} {m} {x}?", "In which {g} was {m} the {w} {x}?", "Find the {g} with the {w} {m} {x}.",
			"{x}, what was our {w} {g} for {m}?",
		}, fill),
		reasoning: g.reason(q, used, "A CTE aggregates per "+grain+"; sorting it and keeping one row (ties broken by the "+grain+") finds the extreme.")}
}
