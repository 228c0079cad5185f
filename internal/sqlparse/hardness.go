package sqlparse

import (
	"fmt"

	rq "github.com/rqlite/sql"
)

// Spider's hardness levels, as eval_hardness in taoyds/spider's
// evaluation.py returns them.
const (
	Easy   = "easy"
	Medium = "medium"
	Hard   = "hard"
	Extra  = "extra"
)

// Counts are the three numbers Spider's eval_hardness compares.
type Counts struct {
	// Component1 is count_component1: one each for WHERE, GROUP BY, ORDER
	// BY and LIMIT; tables in FROM minus one; one per OR and per LIKE
	// condition in ON, WHERE and HAVING.
	Component1 int
	// Component2 is count_component2: nested SQL in conditions plus one for
	// a set operation (UNION, INTERSECT, EXCEPT), plus the deviations
	// documented on HardnessCounts.
	Component2 int
	// Others is count_others: one each for more than one aggregate, more
	// than one SELECT column, more than one WHERE condition and more than
	// one GROUP BY key.
	Others int
}

// Hardness returns the Spider level of these counts by eval_hardness's
// thresholds.
func (c Counts) Hardness() string {
	c1, c2, o := c.Component1, c.Component2, c.Others
	switch {
	case c1 <= 1 && o == 0 && c2 == 0:
		return Easy
	case (o <= 2 && c1 <= 1 && c2 == 0) || (c1 <= 2 && o < 2 && c2 == 0):
		return Medium
	case (o > 2 && c1 <= 2 && c2 == 0) || (2 < c1 && c1 <= 3 && o <= 2 && c2 == 0) || (c1 <= 1 && o == 0 && c2 <= 1):
		return Hard
	}
	return Extra
}

// String shows the counts as "c1=2 c2=0 others=1".
func (c Counts) String() string {
	return fmt.Sprintf("c1=%d c2=%d others=%d", c.Component1, c.Component2, c.Others)
}

// Hardness classifies a SELECT by Spider's rules: "easy", "medium", "hard"
// or "extra". See HardnessCounts for what is counted.
func Hardness(sql string) (string, error) {
	c, err := HardnessCounts(sql)
	if err != nil {
		return "", err
	}
	return c.Hardness(), nil
}

// HardnessCounts returns Spider's count_component1, count_component2 and
// count_others for the outermost SELECT of sql, following taoyds/spider's
// evaluation.py over our AST, quirks included:
//
//   - Conditions are the leaves of the AND/OR tree of each ON, WHERE and
//     HAVING (parentheses around AND/OR are looked through, as Spider would
//     need them flattened); the number of ORs and of LIKE conditions (NOT
//     LIKE included) go to component1, as do tables in FROM minus one, where
//     a FROM subquery is one table unit and is not nested SQL.
//   - Spider's has_agg reads element 0 of a unit: for a SELECT, GROUP BY or
//     ORDER BY operand that is the aggregate applied to it; for a condition
//     it is the NOT flag, so a WHERE condition with NOT (NOT IN, NOT LIKE,
//     NOT BETWEEN, NOT EXISTS, NOT x) counts as an aggregate. count_agg over
//     HAVING walks the condition list with its 'and'/'or' strings, so every
//     connector counts once too, while "HAVING count(*) > 1" alone adds 0.
//   - A SELECT unit has an aggregate when its leftmost operand (through
//     arithmetic and parentheses) is MAX, MIN, COUNT, SUM or AVG — Spider
//     reads the aggregate as the unit's first token. When that operand is an
//     expression Spider cannot parse (another function such as ROUND, CASE,
//     CAST), it counts when an aggregate occurs inside it. An ORDER BY term
//     a op b counts a and b separately, as Spider's val_unit does.
//   - ORDER BY and LIMIT after a compound query belong, in Spider's parse,
//     to its last part, so they are not counted on the outer query.
//
// Deviations for SQL that Spider's parser does not accept, chosen so that
// the count reflects what a model must write: each CTE of the outer WITH
// adds one to component2, as nested SQL (a CTE is a subquery written out in
// full, and treating it like an uncounted FROM subquery would rate a
// three-CTE query "medium"); subqueries in the SELECT list, GROUP BY and
// ORDER BY count as nested SQL like those in conditions. Window functions
// add nothing of their own: PARTITION BY and ORDER BY inside OVER are not
// the query's GROUP BY or ORDER BY, and a windowed SUM/COUNT/... is still an
// aggregate unit by the first-token rule. CASE adds nothing by itself; it
// counts as an aggregate unit when it contains one.
func HardnessCounts(sql string) (Counts, error) {
	s, err := ParseSelect(sql)
	if err != nil {
		return Counts{}, fmt.Errorf("hardness: %w", err)
	}
	return countSelect(s), nil
}

// condition is one ON, WHERE or HAVING clause split at AND/OR.
type condition struct {
	units []rq.Expr
	ors   int
}

// splitCondition flattens e's AND/OR tree.
func splitCondition(e rq.Expr) condition {
	var c condition
	var rec func(rq.Expr)
	rec = func(e rq.Expr) {
		if p, ok := e.(*rq.ParenExpr); ok && isAndOr(unparen(p)) {
			e = unparen(p)
		}
		if b, ok := e.(*rq.BinaryExpr); ok && (b.Op == rq.AND || b.Op == rq.OR) {
			if b.Op == rq.OR {
				c.ors++
			}
			rec(b.X)
			rec(b.Y)
			return
		}
		c.units = append(c.units, e)
	}
	if e != nil {
		rec(e)
	}
	return c
}

func isAndOr(e rq.Expr) bool {
	b, ok := e.(*rq.BinaryExpr)
	return ok && (b.Op == rq.AND || b.Op == rq.OR)
}

// unparen strips parentheses around an expression (not around a subquery).
func unparen(e rq.Expr) rq.Expr {
	for {
		p, ok := e.(*rq.ParenExpr)
		if !ok || subquery(p.X) != nil {
			return e
		}
		e = p.X
	}
}

// isLike reports whether a condition unit is Spider's 'like' operator.
func isLike(e rq.Expr) bool {
	b, ok := e.(*rq.BinaryExpr)
	return ok && (b.Op == rq.LIKE || b.Op == rq.NOTLIKE)
}

// hasNot reports Spider's not_op for a condition unit.
func hasNot(e rq.Expr) bool {
	switch e := e.(type) {
	case *rq.BinaryExpr:
		switch e.Op {
		case rq.NOTIN, rq.NOTLIKE, rq.NOTBETWEEN, rq.NOTGLOB, rq.NOTMATCH, rq.NOTREGEXP:
			return true
		}
	case *rq.Exists:
		return e.Not.IsValid()
	case *rq.UnaryExpr:
		return e.Op == rq.NOT
	}
	return false
}

// isArith reports whether op is one of the arithmetic operators that a
// Spider val_unit can hold (and concatenation, read the same way).
func isArith(op rq.Token) bool {
	switch op {
	case rq.PLUS, rq.MINUS, rq.STAR, rq.SLASH, rq.REM, rq.CONCAT:
		return true
	}
	return false
}

// unitAgg reports whether a SELECT/GROUP BY/ORDER BY operand has an
// aggregate by the first-token rule (see HardnessCounts).
func unitAgg(e rq.Expr) bool {
	for {
		switch x := e.(type) {
		case *rq.BinaryExpr:
			if !isArith(x.Op) {
				return containsAgg(x)
			}
			e = x.X
			continue
		case *rq.ParenExpr:
			if subquery(x.X) != nil {
				return false
			}
			e = x.X
			continue
		case *rq.Call:
			if isAggregate(rq.IdentName(x.Name)) {
				return true
			}
			return containsAgg(x)
		case *rq.CaseExpr, *rq.CastExpr, *rq.CollateExpr:
			return containsAgg(x)
		}
		return false
	}
}

// containsAgg reports whether an aggregate call occurs in e outside
// subqueries.
func containsAgg(e rq.Expr) bool {
	found := false
	walkExpr(e, func(x rq.Expr) bool {
		if c, ok := x.(*rq.Call); ok && isAggregate(rq.IdentName(c.Name)) {
			found = true
		}
		return !found && subquery(x) == nil
	})
	return found
}

// tableUnits counts Spider's table_units in a FROM source.
func tableUnits(src rq.Source) int {
	switch src := src.(type) {
	case nil:
		return 0
	case *rq.JoinClause:
		return tableUnits(src.X) + tableUnits(src.Y)
	case *rq.ParenSource:
		if _, ok := src.X.(*rq.SelectStatement); ok {
			return 1
		}
		return tableUnits(src.X)
	}
	return 1
}

// joinConditions returns the ON expressions of a FROM source.
func joinConditions(src rq.Source) []rq.Expr {
	var out []rq.Expr
	walkSource(src, func(*rq.QualifiedTableName) {}, func(*rq.SelectStatement) {}, func(e rq.Expr) {
		out = append(out, e)
	})
	return out
}

// countSelect computes Spider's three counts for the outermost SELECT.
func countSelect(s *rq.SelectStatement) Counts {
	where := splitCondition(s.WhereExpr)
	having := splitCondition(s.HavingExpr)
	conds := []condition{fromCondition(s.Source), where, having}
	return Counts{Component1: component1(s, conds), Component2: component2(s, conds), Others: others(s, where, having)}
}

// ownsOrder reports whether ORDER BY and LIMIT belong to s itself (not to its compound).
func ownsOrder(s *rq.SelectStatement) bool { return s.Compound == nil }

// component1 is Spider's count_component1: WHERE, GROUP BY, ORDER BY, LIMIT, each join, OR and
// LIKE; conds are the FROM (ON), WHERE and HAVING conditions.
func component1(s *rq.SelectStatement, conds []condition) int {
	n := btoi(s.WhereExpr != nil) + btoi(len(s.GroupByExprs) > 0)
	n += btoi(ownsOrder(s) && len(s.OrderingTerms) > 0) + btoi(ownsOrder(s) && s.LimitExpr != nil)
	if t := tableUnits(s.Source); t > 0 {
		n += t - 1
	}
	for _, cond := range conds {
		n += cond.ors
		for _, u := range cond.units {
			if isLike(u) {
				n++
			}
		}
	}
	return n
}

// component2 is Spider's count_component2: nested SELECTs in conditions, the select list,
// GROUP BY and ORDER BY, a compound, and common tables.
func component2(s *rq.SelectStatement, conds []condition) int {
	n := 0
	for _, cond := range conds {
		for _, u := range cond.units {
			n += len(nestedSelects(u))
		}
	}
	if s.Compound != nil {
		n++
	}
	if s.WithClause != nil {
		n += len(s.WithClause.CTEs)
	}
	for _, col := range s.Columns {
		n += len(nestedSelects(col.Expr))
	}
	for _, g := range s.GroupByExprs {
		n += len(nestedSelects(g))
	}
	if ownsOrder(s) {
		for _, t := range s.OrderingTerms {
			n += len(nestedSelects(t.X))
		}
	}
	return n
}

// others is Spider's count_others: more than one aggregate, select column, WHERE condition
// or GROUP BY expression each count one.
func others(s *rq.SelectStatement, where, having condition) int {
	return btoi(aggregateCount(s, where, having) > 1) + btoi(len(s.Columns) > 1) + btoi(len(where.units) > 1) +
		btoi(len(s.GroupByExprs) > 1)
}

// aggregateCount counts what count_others calls aggregations: aggregated columns, negated WHERE
// conditions, aggregated GROUP BY and ORDER BY terms, and the HAVING conditions beyond the
// first (and negated ones).
func aggregateCount(s *rq.SelectStatement, where, having condition) int {
	agg := 0
	for _, col := range s.Columns {
		if col.Expr != nil && unitAgg(col.Expr) {
			agg++
		}
	}
	for _, u := range where.units {
		if hasNot(u) {
			agg++
		}
	}
	for _, g := range s.GroupByExprs {
		if unitAgg(g) {
			agg++
		}
	}
	if ownsOrder(s) {
		for _, t := range s.OrderingTerms {
			if b, ok := unparen(t.X).(*rq.BinaryExpr); ok && isArith(b.Op) {
				agg += btoi(unitAgg(b.X)) + btoi(unitAgg(b.Y))
				continue
			}
			agg += btoi(unitAgg(t.X))
		}
	}
	if len(having.units) > 0 {
		agg += len(having.units) - 1
		for _, u := range having.units {
			if hasNot(u) {
				agg++
			}
		}
	}
	return agg
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
