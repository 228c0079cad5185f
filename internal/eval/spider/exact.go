package spider

import (
	"slices"
	"strings"
)

// Evaluator scores exact-set match as test-suite-sql-eval's evaluation.py
// does for one database.
type Evaluator struct {
	// Schema resolves aliases and bare columns (process_sql.Schema).
	Schema *Schema
	// ForeignKeys maps each column to the representative of its
	// foreign-key group (build_foreign_key_map); nil for none.
	ForeignKeys map[string]string
	// WithValues compares the values in conditions: Spider's "exact match
	// with values", evaluation.py with DISABLE_VALUE = False (line 31).
	WithValues bool
}

// Gold is a parsed and rebuilt gold query, reusable for every prediction.
type Gold struct {
	sql      *SQL
	Hardness string
}

// ParseGold parses a gold query and rebuilds it for comparison
// (evaluation.py lines 574-575 and 622-624). An error means the official
// evaluator would stop on this item.
func (e *Evaluator) ParseGold(gold string) (*Gold, error) {
	q, err := Parse(e.Schema, gold)
	if err != nil {
		return nil, err
	}
	h := HardnessOf(q)
	return &Gold{sql: e.rebuild(q), Hardness: h}, nil
}

// Match is evaluation.py's exact score of one prediction (lines 568-628):
// "value" in the prediction becomes "1"; a prediction that cannot be
// parsed becomes the empty query (and so matches nothing with a table).
func (e *Evaluator) Match(g *Gold, pred string) bool {
	p, err := Parse(e.Schema, strings.ReplaceAll(pred, "value", "1"))
	if err != nil {
		p = &SQL{sel: selectClause{distinct: pyFalse}}
	}
	return exactMatch(e.rebuild(p), g.sql)
}

// ExactMatch parses gold and pred and scores them; ok is false when the
// gold cannot be parsed.
func (e *Evaluator) ExactMatch(gold, pred string) (match, ok bool) {
	g, err := e.ParseGold(gold)
	if err != nil {
		return false, false
	}
	return e.Match(g, pred), true
}

// rebuild is rebuild_sql_val then rebuild_sql_col with the query's own
// valid column units (evaluation.py lines 622-627).
func (e *Evaluator) rebuild(q *SQL) *SQL {
	if !e.WithValues {
		rebuildVal(q)
	}
	valid := e.validColUnits(q)
	rebuildCol(valid, q, e.ForeignKeys)
	return q
}

// rebuildVal is rebuild_sql_val (lines 709-749): in the conditions of ON,
// WHERE and HAVING, every value that is not a nested query becomes None,
// recursively through nested queries and set operations (not through
// subqueries in FROM).
func rebuildVal(q *SQL) {
	if q == nil {
		return
	}
	for _, c := range []condition{q.fromConds, q.having, q.where} {
		for i := 0; i < len(c); i += 2 {
			u := c[i].unit
			if u == nil {
				continue
			}
			for _, v := range []*value{&u.v1, &u.v2} {
				if v.kind == valSQL {
					rebuildVal(v.sql)
				} else {
					*v = value{}
				}
			}
		}
	}
	rebuildVal(q.intersect)
	rebuildVal(q.except)
	rebuildVal(q.union)
}

// validColUnits is build_valid_col_units (lines 753-760): the columns of
// the tables in the query's FROM.
func (e *Evaluator) validColUnits(q *SQL) map[string]bool {
	prefixes := map[string]bool{}
	for _, t := range q.from {
		if t.sql == nil {
			prefixes[t.table[:len(t.table)-2]] = true
		}
	}
	valid := map[string]bool{}
	for _, v := range e.Schema.idMap {
		if i := strings.IndexByte(v, '.'); i >= 0 && prefixes[v[:i]] {
			valid[v] = true
		}
	}
	return valid
}

// rebuildCol is rebuild_sql_col (lines 763-863): columns of the FROM tables
// map to their foreign-key representative and DISTINCT flags become None
// (DISABLE_DISTINCT, line 33), in SELECT, ON, WHERE, GROUP BY, ORDER BY,
// HAVING and, with the outer query's valid columns, the set operations.
// Nested queries in conditions and FROM are left as parsed.
func rebuildCol(valid map[string]bool, q *SQL, fk map[string]string) {
	if q == nil {
		return
	}
	col := func(c *colUnit) {
		if c == nil {
			return
		}
		if m, ok := fk[c.col]; ok && valid[c.col] {
			c.col = m
		}
		c.distinct = pyNone
	}
	vu := func(v *valUnit) { col(v.c1); col(v.c2) }
	cond := func(c condition) {
		for i := 0; i < len(c); i += 2 {
			if c[i].unit != nil {
				vu(&c[i].unit.vu)
			}
		}
	}
	for i := range q.sel.items {
		vu(&q.sel.items[i].vu)
	}
	q.sel.distinct = pyNone
	cond(q.fromConds)
	cond(q.where)
	for i := range q.groupBy {
		col(&q.groupBy[i])
	}
	if q.order != nil {
		for i := range q.order.units {
			vu(&q.order.units[i])
		}
	}
	cond(q.having)
	rebuildCol(valid, q.intersect, fk)
	rebuildCol(valid, q.except, fk)
	rebuildCol(valid, q.union, fk)
}

// exactMatch is Evaluator.eval_exact_match (lines 378-390): every partial
// score's F1 is 1, and the FROM table units are equal as sorted lists.
func exactMatch(pred, label *SQL) bool {
	if !sameMultiset(keys(pred.sel.items, selectItem.keyed), keys(label.sel.items, selectItem.keyed)) || // eval_sel
		!sameMultiset(unitKeys(pred.where), unitKeys(label.where)) || // eval_where
		!evalGroup(pred, label) || !evalHaving(pred, label) || !evalOrder(pred, label) ||
		!sameSet(conjKeys(pred.where), conjKeys(label.where)) || // eval_and_or
		!evalIUEN(pred, label) ||
		!sameSet(setKeys(keywords(pred)), setKeys(keywords(label))) {
		return false
	}
	if len(label.from) == 0 {
		return true
	}
	return sameMultiset(keys(pred.from, tableUnit.keyed), keys(label.from, tableUnit.keyed))
}

func (s selectItem) keyed(b *strings.Builder) {
	b.WriteString(string(rune('0' + s.agg)))
	s.vu.key(b)
}

func (t tableUnit) keyed(b *strings.Builder) { t.key(b) }

func keys[T any](xs []T, k func(T, *strings.Builder)) []string {
	out := make([]string, len(xs))
	var b strings.Builder
	for i, x := range xs {
		b.Reset()
		k(x, &b)
		out[i] = b.String()
	}
	return out
}

func unitKeys(c condition) []string {
	return keys(c.units(), condElem.key)
}

func conjKeys(c condition) []string {
	return keys(c.conjs(), condElem.key)
}

func setKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// sameMultiset reports get_scores(...)'s F1 of 1: equal totals and every
// predicted unit found (and removed) among the gold ones.
func sameMultiset(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func sameSet(a, b []string) bool {
	return sameMultiset(slices.Compact(sorted(a)), slices.Compact(sorted(b)))
}

func sorted(a []string) []string {
	a = slices.Clone(a)
	slices.Sort(a)
	return a
}

// evalGroup is eval_group (lines 150-162): GROUP BY columns as a multiset
// of the part after the first '.', so the table is ignored.
func evalGroup(pred, label *SQL) bool {
	name := func(c colUnit) string {
		if strings.Contains(c.col, ".") {
			return strings.Split(c.col, ".")[1]
		}
		return c.col
	}
	var p, l []string
	for _, c := range pred.groupBy {
		p = append(p, name(c))
	}
	for _, c := range label.groupBy {
		l = append(l, name(c))
	}
	return sameMultiset(p, l)
}

// evalHaving is eval_having (lines 165-179): both or neither group; if
// both, the GROUP BY column ids in order and HAVING are equal.
func evalHaving(pred, label *SQL) bool {
	pg, lg := len(pred.groupBy) > 0, len(label.groupBy) > 0
	if pg != lg {
		return false
	}
	if !pg {
		return true
	}
	if len(pred.groupBy) != len(label.groupBy) {
		return false
	}
	for i := range pred.groupBy {
		if pred.groupBy[i].col != label.groupBy[i].col {
			return false
		}
	}
	return keyOf(pred.having) == keyOf(label.having)
}

// evalOrder is eval_order (lines 182-191): both or neither order; if both,
// ORDER BY (direction and items in order) equal and LIMIT present in both
// or neither.
func evalOrder(pred, label *SQL) bool {
	po, lo := pred.order != nil, label.order != nil
	if po != lo {
		return false
	}
	if !lo {
		return true
	}
	return orderKey(pred) == orderKey(label) && pred.limit == label.limit
}

func orderKey(q *SQL) string {
	var b strings.Builder
	b.WriteString(q.order.dir)
	for _, u := range q.order.units {
		u.key(&b)
	}
	return b.String()
}

// evalIUEN is eval_IUEN (lines 221-241): the same set operations present,
// each matching exactly.
func evalIUEN(pred, label *SQL) bool {
	lt, pt, cnt := 0, 0, 0
	for _, pair := range [][2]*SQL{{pred.intersect, label.intersect}, {pred.except, label.except}, {pred.union, label.union}} {
		p, l := pair[0], pair[1]
		if p != nil {
			pt++
		}
		if l != nil {
			lt++
		}
		if p != nil && l != nil && exactMatch(p, l) {
			cnt++
		}
	}
	return lt == pt && cnt == pt
}

// keywords is get_keywords (lines 244-282).
func keywords(q *SQL) map[string]bool {
	res := map[string]bool{}
	set := func(b bool, k string) {
		if b {
			res[k] = true
		}
	}
	set(len(q.where) > 0, "where")
	set(len(q.groupBy) > 0, "group")
	set(len(q.having) > 0, "having")
	if q.order != nil {
		res[q.order.dir] = true
		res["order"] = true
	}
	set(q.limit, "limit")
	set(q.except != nil, "except")
	set(q.union != nil, "union")
	set(q.intersect != nil, "intersect")
	var conjs, units []condElem
	for _, c := range []condition{q.fromConds, q.where, q.having} {
		conjs = append(conjs, c.conjs()...)
		units = append(units, c.units()...)
	}
	for _, c := range conjs {
		set(c.unit == nil && c.conj == "or", "or")
	}
	for _, u := range units {
		if u.unit == nil {
			set(true, "not") // cond_unit[0] of 'and'/'or' is a non-empty string
			continue
		}
		set(u.unit.not, "not")
		set(u.unit.op == opIn, "in")
		set(u.unit.op == opLike, "like")
	}
	return res
}
