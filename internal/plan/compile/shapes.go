package compile

import (
	"fmt"
	"strings"

	"github.com/sqlforge/sqlforge/internal/ontology"
)

type dimension = ontology.Dimension

// cte is a grouped query of the measures named v0, v1, ... with its keys aliased, for the
// composites that join two of them.
func (c *Compiler) cte(r *resolved, keys []col, extra []string) (string, error) {
	q, err := c.base(r, keys, extra)
	if err != nil {
		return "", err
	}
	for _, k := range keys {
		q.items = append(q.items, k.expr+" AS "+k.alias)
	}
	for i, m := range r.metrics {
		q.items = append(q.items, fmt.Sprintf("%s AS v%d", m.Formula, i))
	}
	return q.String(), nil
}

// joinOn is the join of two keyed CTEs, or a cross join of two single rows.
func joinOn(a, b string, keys []col, kind string) string {
	if len(keys) == 0 {
		return a + " CROSS JOIN " + b
	}
	var on []string
	for _, k := range keys {
		on = append(on, fmt.Sprintf("%s.%s = %s.%s", a, k.alias, b, k.alias))
	}
	return fmt.Sprintf("%s %s %s ON %s", a, kind, b, strings.Join(on, " AND "))
}

func prefixedOuts(keys []col, prefix string) []string {
	var out []string
	for _, k := range keys {
		if k.out {
			out = append(out, prefix+k.alias+" AS "+k.alias)
		}
	}
	return out
}

// count: how many groups there are.
func (c *Compiler) count(r *resolved) (string, error) {
	keys := c.groupCols(r)
	q, err := c.base(r, keys, nil)
	if err != nil {
		return "", err
	}
	for _, k := range keys {
		q.items = append(q.items, k.expr+" AS "+k.alias)
	}
	name := "group_count"
	if len(r.groups) == 1 {
		name = r.groups[0].Name + "_count"
	}
	return fmt.Sprintf("SELECT COUNT(*) AS %s FROM (%s) AS t", name, q), nil
}

// compare: the measures in two periods side by side, or the growth from the first to the second.
func (c *Compiler) compare(r *resolved) (string, error) {
	cmp := r.p.Compare
	keys := c.groupCols(r)
	var ctes []string
	for _, per := range []struct{ name, p string }{{"base", cmp.Base}, {"cur", cmp.Current}} {
		cond, err := c.period(r.timeCol, per.p)
		if err != nil {
			return "", err
		}
		body, err := c.cte(r, keys, []string{cond})
		if err != nil {
			return "", err
		}
		ctes = append(ctes, per.name+" AS ("+body+")")
	}
	q := selectQ{with: ctes, from: joinOn("base", "cur", keys, "JOIN"), items: prefixedOuts(keys, "base.")}
	alias := map[string]string{}
	for i, id := range r.p.Measures {
		// Both periods' values, and for growth the percent change from the first to the second.
		alias[id] = id + "_" + tag(cmp.Current)
		q.items = append(q.items, fmt.Sprintf("base.v%d AS %s_%s", i, id, tag(cmp.Base)), fmt.Sprintf("cur.v%d AS %s", i, alias[id]))
		if cmp.Growth {
			alias[id] = id + "_growth"
			q.items = append(q.items, fmt.Sprintf("(cur.v%d - base.v%d) * 100.0 / NULLIF(base.v%d, 0) AS %s", i, i, i, alias[id]))
		}
	}
	q.orderBy = orderTerms(r, keys, func(id string) string { return alias[id] }, "base.")
	q.limit = r.p.Limit
	return q.String(), nil
}

func tag(period string) string { return strings.ReplaceAll(period, "-", "_") }

// subsetShare: the part of each measure that a subset holds (per group when broken down).
func (c *Compiler) subsetShare(r *resolved) (string, error) {
	sh := r.p.Share
	keys := c.groupCols(r)
	whole, err := c.cte(r, keys, nil)
	if err != nil {
		return "", err
	}
	n := c.Names()
	dimOf := func(id, _ string) (*dimension, error) { return n.dim(id), nil }
	sub, err := c.conds(r, sh.Filters, sh.Segments, dimOf)
	if err != nil {
		return "", err
	}
	part, err := c.cte(r, keys, sub)
	if err != nil {
		return "", err
	}
	q := selectQ{with: []string{"whole AS (" + whole + ")", "part AS (" + part + ")"},
		from: joinOn("whole", "part", keys, "LEFT JOIN"), items: prefixedOuts(keys, "whole.")}
	alias := map[string]string{}
	for i, id := range r.p.Measures {
		alias[id] = id + "_share"
		q.items = append(q.items, fmt.Sprintf("COALESCE(part.v%d, 0) %s / NULLIF(whole.v%d, 0) AS %s", i, scale(sh.Ratio), i, alias[id]))
	}
	q.orderBy = orderTerms(r, keys, func(id string) string { return alias[id] }, "whole.")
	q.limit = r.p.Limit
	return q.String(), nil
}

// perGroup: the top (or bottom) k groups within each value of Per.
func (c *Compiler) perGroup(r *resolved) (string, error) {
	keys := c.groupCols(r)
	perKeys := c.groupCols(&resolved{p: r.p, per: r.per})
	inner, err := c.base(r, keys, nil)
	if err != nil {
		return "", err
	}
	for _, k := range keys {
		if k.out {
			inner.items = append(inner.items, k.expr+" AS "+k.alias)
		}
	}
	for i, m := range r.metrics {
		inner.items = append(inner.items, m.Formula+" AS "+r.p.Measures[i])
	}
	dir := "DESC"
	if o := r.p.Order; o != nil && !o.Desc {
		dir = "ASC"
	}
	by := r.metrics[0].Formula
	if o := r.p.Order; o != nil && o.By != "" && o.By != "label" {
		by = c.Ont.MetricByID(o.By).Formula
	}
	fn := "ROW_NUMBER()"
	if r.p.Ties {
		fn = "RANK()"
	}
	var part []string
	windowOuter := false
	for _, k := range perKeys {
		part = append(part, k.expr)
		windowOuter = windowOuter || k.byPos
	}
	from := ""
	if windowOuter {
		// A key grouped by position is partitioned over in a query around the grouped one,
		// by its alias; the per keys not shown and the ordering value become columns there.
		part = part[:0]
		for _, k := range perKeys {
			if !k.out {
				inner.items = append(inner.items, k.expr+" AS "+k.alias)
			}
			part = append(part, k.alias)
		}
		inner.items = append(inner.items, by+" AS rank_value")
		from = fmt.Sprintf("(SELECT g.*, %s OVER (PARTITION BY %s ORDER BY rank_value %s) AS rn FROM (%s) AS g) AS t",
			fn, strings.Join(part, ", "), dir, inner.String())
	} else {
		inner.items = append(inner.items, fmt.Sprintf("%s OVER (PARTITION BY %s ORDER BY %s %s) AS rn", fn, strings.Join(part, ", "), by, dir))
		from = "(" + inner.String() + ") AS t"
	}
	outer := selectQ{from: from, where: []string{fmt.Sprintf("rn <= %d", r.p.Limit)}}
	outer.items = append(outAliases(keys, ""), r.p.Measures...)
	for _, a := range outAliases(perKeys, "") {
		outer.orderBy = append(outer.orderBy, a)
	}
	outer.orderBy = append(outer.orderBy, "rn")
	return outer.String(), nil
}

// list: the things of the breakdown that pass the filters, by their labels (each thing once,
// by its id where it has one), or how many there are.
func (c *Compiler) list(r *resolved) (string, error) {
	keys := c.groupCols(r)
	q, err := c.base(r, keys, nil)
	if err != nil {
		return "", err
	}
	if r.p.Count {
		return c.count(r)
	}
	q.items = outItems(keys)
	dir := " ASC"
	if o := r.p.Order; o != nil && o.Desc {
		dir = " DESC"
	}
	for _, ref := range orderRefs(keys, direct) {
		q.orderBy = append(q.orderBy, ref+dir)
	}
	q.limit = r.p.Limit
	return q.String(), nil
}
