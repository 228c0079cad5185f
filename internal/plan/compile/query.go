package compile

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sqlforge/sqlforge/internal/dialect"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
)

// col is one grouping column: its expression, an alias unique in the query, and whether the
// result shows it (an id column may be grouped by without being shown). byPos marks a computed
// key of a dialect.AliasGrouper: grouped by its position in the SELECT list, ordered by its
// alias, and windowed over in an outer query.
type col struct {
	expr, alias string
	out, byPos  bool
}

// posRef is a GROUP BY entry that String replaces by the position of the SELECT item aliased
// alias.
func posRef(alias string) string { return "\x00" + alias }

// item renders col in a SELECT list, naming it only when its alias differs from its column.
func (k col) item() string {
	if _, c := ontology.SplitColumn(k.expr); c == k.alias {
		return k.expr
	}
	return k.expr + " AS " + k.alias
}

// selectQ is one SELECT statement.
type selectQ struct {
	with    []string // "name AS (...)"
	items   []string
	from    string
	where   []string
	groupBy []string
	having  string
	orderBy []string
	limit   int
}

func (q selectQ) String() string {
	var b strings.Builder
	if len(q.with) > 0 {
		b.WriteString("WITH " + strings.Join(q.with, ", ") + " ")
	}
	b.WriteString("SELECT " + strings.Join(q.items, ", ") + " FROM " + q.from)
	if len(q.where) > 0 {
		b.WriteString(" WHERE " + strings.Join(q.where, " AND "))
	}
	if len(q.groupBy) > 0 {
		b.WriteString(" GROUP BY " + strings.Join(q.groupRefs(), ", "))
	}
	if q.having != "" {
		b.WriteString(" HAVING " + q.having)
	}
	if len(q.orderBy) > 0 {
		b.WriteString(" ORDER BY " + strings.Join(q.orderBy, ", "))
	}
	if q.limit > 0 {
		b.WriteString(" LIMIT " + fmt.Sprint(q.limit))
	}
	return b.String()
}

// groupRefs is the GROUP BY list with each posRef written as its item's position.
func (q selectQ) groupRefs() []string {
	out := make([]string, len(q.groupBy))
	for i, g := range q.groupBy {
		out[i] = g
		alias, ok := strings.CutPrefix(g, "\x00")
		if !ok {
			continue
		}
		out[i] = alias // not in the list: the alias itself (never the case for compiled plans)
		for j, it := range q.items {
			if strings.HasSuffix(it, " AS "+alias) {
				out[i] = strconv.Itoa(j + 1)
				break
			}
		}
	}
	return out
}

// groupCols returns the grouping columns of the plan's breakdown (per first, then by).
func (c *Compiler) groupCols(r *resolved) []col {
	used := map[string]bool{}
	var out []col
	add := func(d *ontology.Dimension, show string) {
		if d.Grain != "" || d.Expression != "" {
			out = append(out, col{expr: c.dimExpr(d), alias: uniq(used, d.Name, d.Name), out: true,
				byPos: dialect.GroupsByAlias(c.Dialect)})
			return
		}
		if d.ID != "" {
			_, name := ontology.SplitColumn(d.ID)
			out = append(out, col{expr: d.ID, alias: uniq(used, name, d.Name), out: show == "id" || show == "both"})
		}
		if show == "id" && d.ID != "" {
			// grouped by the id alone: the labels are not needed
			return
		}
		for _, l := range d.LabelColumns() {
			_, name := ontology.SplitColumn(l)
			out = append(out, col{expr: l, alias: uniq(used, name, d.Name), out: true})
		}
	}
	if r.per != nil {
		add(r.per, "")
	}
	for i, d := range r.groups {
		add(d, r.p.GroupBy[i].Show)
	}
	return out
}

func uniq(used map[string]bool, name, dim string) string {
	a := name
	if used[strings.ToLower(a)] {
		a = dim + "_" + name
	}
	for i := 2; used[strings.ToLower(a)]; i++ {
		a = fmt.Sprintf("%s_%s_%d", dim, name, i)
	}
	used[strings.ToLower(a)] = true
	return a
}

func (c *Compiler) from(r *resolved) (string, error) {
	for _, m := range r.metrics {
		if m.CTE != "" {
			return "", errorf("%s reads a helper table expression, which plans do not support", ontology.MetricID(m.Name))
		}
	}
	f, err := c.Ont.FromClause(r.tables)
	if err != nil {
		return "", &Error{Msg: err.Error()}
	}
	return f, nil
}

// base is the grouped query of the measures under extra conditions, before composites.
func (c *Compiler) base(r *resolved, keys []col, extra []string) (selectQ, error) {
	from, err := c.from(r)
	if err != nil {
		return selectQ{}, err
	}
	q := selectQ{from: from, where: append(append([]string(nil), r.baseCond...), extra...)}
	for _, k := range keys {
		if k.byPos {
			q.groupBy = append(q.groupBy, posRef(k.alias))
			continue
		}
		q.groupBy = append(q.groupBy, k.expr)
	}
	if h := r.p.Having; h != nil {
		m := c.Ont.MetricByID(h.Measure)
		q.having = fmt.Sprintf("%s %s %s", m.Formula, h.Op, formatNum(h.Value))
	}
	return q, nil
}

func formatNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func outItems(keys []col) []string {
	var out []string
	for _, k := range keys {
		if k.out {
			out = append(out, k.item())
		}
	}
	return out
}

func outAliases(keys []col, prefix string) []string {
	var out []string
	for _, k := range keys {
		if k.out {
			out = append(out, prefix+k.alias)
		}
	}
	return out
}

// direct marks ORDER BY terms of the query that computes the groups itself: they name the
// grouping expressions, since an unaliased label (Genre.Name) would be ambiguous by name.
const direct = "\x00direct"

func orderRefs(keys []col, prefix string) []string {
	if prefix != direct {
		return outAliases(keys, prefix)
	}
	var out []string
	for _, k := range keys {
		switch {
		case k.byPos:
			out = append(out, k.alias)
		case k.out:
			out = append(out, k.expr)
		}
	}
	return out
}

// orderTerms returns the ORDER BY terms for the plan's order over named measure outputs.
func orderTerms(r *resolved, keys []col, measureAlias func(id string) string, prefix string) []string {
	o := r.p.Order
	if o == nil {
		switch {
		case r.p.Rank:
			return []string{"rank"}
		case len(r.groups) > 0 && r.groups[0].Grain != "" && r.per == nil:
			return orderRefs(keys[:1], prefix) // time in its own order
		case len(r.groups) > 0 && r.per == nil:
			// A breakdown with no order asked for reads best largest first, as reports show it.
			o = &plan.Order{Desc: true}
		default:
			return nil
		}
	}
	dir := " ASC"
	if o.Desc {
		dir = " DESC"
	}
	if o.By == plan.ByLabel {
		var out []string
		for _, a := range orderRefs(keys, prefix) {
			out = append(out, a+dir)
		}
		return out
	}
	id := o.By
	if id == "" {
		id = r.p.Measures[0]
	}
	// The group labels break ties, so the order (and what a limit keeps) is deterministic.
	terms := []string{measureAlias(id) + dir}
	for _, a := range orderRefs(keys, prefix) {
		terms = append(terms, a)
	}
	return terms
}

// simple: the measures by the breakdown, with group shares, running totals, ranks, order and limit.
func (c *Compiler) simple(r *resolved) (string, error) {
	keys := c.groupCols(r)
	q, err := c.base(r, keys, nil)
	if err != nil {
		return "", err
	}
	q.items = outItems(keys)
	alias := map[string]string{}
	for i, m := range r.metrics {
		id := r.p.Measures[i]
		f := m.Formula
		switch {
		case r.p.Share != nil:
			alias[id] = id + "_share"
			q.items = append(q.items, fmt.Sprintf("%s %s / SUM(%s) OVER () AS %s", f, scale(r.p.Share.Ratio), f, alias[id]))
		default:
			alias[id] = id
			q.items = append(q.items, f+" AS "+id)
		}
	}
	f0 := r.metrics[0].Formula
	// A running total over a key grouped by position is summed in an outer query.
	runOuter := r.p.Running && keys[0].byPos && r.p.Share == nil && !r.p.Ties
	if r.p.Running && !runOuter {
		q.items = append(q.items, fmt.Sprintf("SUM(%s) OVER (ORDER BY %s) AS running_%s", f0, keys[0].expr, r.p.Measures[0]))
	}
	if r.p.Rank {
		q.items = append(q.items, fmt.Sprintf("RANK() OVER (ORDER BY %s DESC) AS rank", f0))
	}
	q.orderBy = orderTerms(r, keys, func(id string) string { return alias[id] }, direct)
	if runOuter {
		return c.runningOuter(r, keys, q, alias), nil
	}
	if len(q.orderBy) == 0 || !r.p.Ties {
		q.limit = r.p.Limit
		return q.String(), nil
	}
	// Ties: rank in an inner query and keep every row ranked within the limit.
	dir := "DESC"
	if o := r.p.Order; o != nil && !o.Desc {
		dir = "ASC"
	}
	by := f0
	if o := r.p.Order; o != nil && o.By != "" && o.By != plan.ByLabel {
		by = c.Ont.MetricByID(o.By).Formula
	}
	inner := q
	inner.orderBy, inner.limit = nil, 0
	inner.items = nil
	for _, k := range keys {
		if k.out {
			inner.items = append(inner.items, k.expr+" AS "+k.alias)
		}
	}
	inner.items = append(inner.items, q.items[len(outItems(keys)):]...)
	inner.items = append(inner.items, fmt.Sprintf("RANK() OVER (ORDER BY %s %s) AS tie_rank", by, dir))
	outer := selectQ{from: "(" + inner.String() + ") AS t", where: []string{fmt.Sprintf("tie_rank <= %d", r.p.Limit)}}
	outer.items = append(outAliases(keys, ""), measureOuts(r, alias)...)
	outer.orderBy = orderTerms(r, keys, func(id string) string { return alias[id] }, "")
	return outer.String(), nil
}

// runningOuter wraps the grouped query q (no running total) in one that adds it, ordered by
// the first key's alias, in the columns, order and limit the one-level query would have.
func (c *Compiler) runningOuter(r *resolved, keys []col, q selectQ, alias map[string]string) string {
	inner := q
	inner.orderBy, inner.limit = nil, 0
	outer := selectQ{from: "(" + inner.String() + ") AS t", items: outAliases(keys, "")}
	for _, id := range r.p.Measures {
		outer.items = append(outer.items, alias[id])
	}
	m0 := r.p.Measures[0]
	outer.items = append(outer.items, fmt.Sprintf("SUM(%s) OVER (ORDER BY %s) AS running_%s", alias[m0], keys[0].alias, m0))
	if r.p.Rank {
		outer.items = append(outer.items, "rank")
	}
	outer.orderBy = orderTerms(r, keys, func(id string) string { return alias[id] }, "")
	outer.limit = r.p.Limit
	return outer.String()
}

func measureOuts(r *resolved, alias map[string]string) []string {
	var out []string
	for _, id := range r.p.Measures {
		out = append(out, alias[id])
	}
	if r.p.Running {
		out = append(out, "running_"+r.p.Measures[0])
	}
	if r.p.Rank {
		out = append(out, "rank")
	}
	return out
}

func scale(ratio bool) string {
	if ratio {
		return "* 1.0"
	}
	return "* 100.0"
}
