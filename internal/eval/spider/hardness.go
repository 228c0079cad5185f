package spider

// HardnessOf is Evaluator.eval_hardness (evaluation.py lines 361-376) on a
// parsed (not rebuilt) query, with count_component1, count_component2 and
// count_others (lines 302-353) as written, quirks included: count_others
// counts a NOT condition in WHERE, and a NOT condition or a conjunction in
// HAVING, as an aggregation, and "more than one WHERE condition" means a
// WHERE list longer than one element.
func HardnessOf(q *SQL) string {
	c1, c2, o := component1(q), len(nested(q)), others(q)
	switch {
	case c1 <= 1 && o == 0 && c2 == 0:
		return "easy"
	case (o <= 2 && c1 <= 1 && c2 == 0) || (c1 <= 2 && o < 2 && c2 == 0):
		return "medium"
	case (o > 2 && c1 <= 2 && c2 == 0) || (2 < c1 && c1 <= 3 && o <= 2 && c2 == 0) || (c1 <= 1 && o == 0 && c2 <= 1):
		return "hard"
	}
	return "extra"
}

// Hardness parses sql against the schema and classifies it.
func Hardness(s *Schema, sql string) (string, error) {
	q, err := Parse(s, sql)
	if err != nil {
		return "", err
	}
	return HardnessOf(q), nil
}

func allConds(q *SQL) (units, conjs []condElem) {
	for _, c := range []condition{q.fromConds, q.where, q.having} {
		units = append(units, c.units()...)
		conjs = append(conjs, c.conjs()...)
	}
	return units, conjs
}

// component1 is count_component1 (lines 302-320).
func component1(q *SQL) int {
	n := 0
	for _, b := range []bool{len(q.where) > 0, len(q.groupBy) > 0, q.order != nil, q.limit} {
		if b {
			n++
		}
	}
	if len(q.from) > 0 {
		n += len(q.from) - 1
	}
	units, conjs := allConds(q)
	for _, c := range conjs {
		if c.unit == nil && c.conj == "or" {
			n++
		}
	}
	for _, u := range units {
		if u.unit != nil && u.unit.op == opLike {
			n++
		}
	}
	return n
}

// nested is get_nestedSQL (lines 205-218).
func nested(q *SQL) []*SQL {
	var out []*SQL
	units, _ := allConds(q)
	for _, u := range units {
		if u.unit == nil {
			continue
		}
		if u.unit.v1.kind == valSQL {
			out = append(out, u.unit.v1.sql)
		}
		if u.unit.v2.kind == valSQL {
			out = append(out, u.unit.v2.sql)
		}
	}
	for _, s := range []*SQL{q.intersect, q.except, q.union} {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

// others is count_others (lines 328-353).
func others(q *SQL) int {
	agg := 0
	for _, s := range q.sel.items {
		if s.agg != 0 {
			agg++
		}
	}
	for _, u := range q.where.units() { // has_agg(cond_unit) reads not_op
		if u.unit == nil || u.unit.not {
			agg++
		}
	}
	for _, g := range q.groupBy {
		if g.agg != 0 {
			agg++
		}
	}
	if q.order != nil {
		for _, u := range q.order.units {
			if u.c1 != nil && u.c1.agg != 0 {
				agg++
			}
		}
		for _, u := range q.order.units {
			if u.c2 != nil && u.c2.agg != 0 {
				agg++
			}
		}
	}
	for _, e := range q.having { // every element: conjunctions count
		if e.unit == nil || e.unit.not {
			agg++
		}
	}
	n := 0
	for _, b := range []bool{agg > 1, len(q.sel.items) > 1, len(q.where) > 1, len(q.groupBy) > 1} {
		if b {
			n++
		}
	}
	return n
}
