package sqlparse

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	rq "github.com/rqlite/sql"
)

// Components is a SELECT taken apart the way Spider's exact-set match
// compares queries. Every unit is canonical text (Normalize) with literal
// values replaced by "?", DISTINCT dropped and table aliases replaced by
// the table they stand for, so two queries that differ only in values,
// DISTINCT, alias names, case or spacing have equal units. Unit lists are
// sorted: Spider compares them as multisets.
type Components struct {
	Select  []string // result columns
	Tables  []string // FROM table units (tables; "(subquery)" for each subquery)
	Where   []string // WHERE conditions, split at AND/OR
	GroupBy []string // GROUP BY keys, table prefix dropped (Spider's eval_group)
	Having  []string // HAVING conditions, split at AND/OR
	OrderBy []string // ORDER BY terms with direction ("x DESC")
	// Limit reports a LIMIT clause; its value is ignored, as in Spider.
	Limit bool
	// Keywords is Spider's get_keywords set, sorted: where, group, having,
	// order, asc/desc, limit, union, intersect, except, or, not, in, like.
	Keywords []string
	// Union, Intersect and Except hold the right-hand query of a set
	// operation; nested hold the subqueries in conditions.
	Union, Intersect, Except *Components
	Nested                   []*Components
}

// ParseComponents parses a single SELECT into its Components.
func ParseComponents(sql string) (*Components, error) {
	s, err := ParseSelect(sql)
	if err != nil {
		return nil, fmt.Errorf("components: %w", err)
	}
	return components(s), nil
}

// ExactMatch reports whether two queries match under Spider's exact-set
// rule: every component equal as a multiset, set operations and nested
// queries matching recursively.
func (c *Components) ExactMatch(o *Components) bool {
	if c == nil || o == nil {
		return c == o
	}
	if !slices.Equal(c.Select, o.Select) || !slices.Equal(c.Tables, o.Tables) ||
		!slices.Equal(c.Where, o.Where) || !slices.Equal(c.GroupBy, o.GroupBy) ||
		!slices.Equal(c.Having, o.Having) || !slices.Equal(c.OrderBy, o.OrderBy) ||
		c.Limit != o.Limit || !slices.Equal(c.Keywords, o.Keywords) ||
		len(c.Nested) != len(o.Nested) {
		return false
	}
	for i := range c.Nested {
		if !c.Nested[i].ExactMatch(o.Nested[i]) {
			return false
		}
	}
	return c.Union.ExactMatch(o.Union) && c.Intersect.ExactMatch(o.Intersect) && c.Except.ExactMatch(o.Except)
}

// components builds the Components of one SELECT.
func components(s *rq.SelectStatement) *Components {
	aliases := map[string]string{}
	c := &Components{}
	walkSource(s.Source, func(t *rq.QualifiedTableName) {
		name := strings.ToLower(rq.IdentName(t.Name))
		c.Tables = append(c.Tables, name)
		if t.Alias != nil {
			aliases[strings.ToLower(t.Alias.Name)] = name
		}
	}, func(*rq.SelectStatement) {
		c.Tables = append(c.Tables, "(subquery)")
	}, func(rq.Expr) {})
	unit := func(e rq.Expr) string { return unitText(e, aliases) }

	for _, col := range s.Columns {
		if col.Star.IsValid() || col.Expr == nil {
			c.Select = append(c.Select, "*")
			continue
		}
		c.Select = append(c.Select, unit(col.Expr))
	}
	where, having := splitCondition(s.WhereExpr), splitCondition(s.HavingExpr)
	from := fromCondition(s.Source)
	for _, u := range where.units {
		c.Where = append(c.Where, unit(u))
	}
	for _, u := range having.units {
		c.Having = append(c.Having, unit(u))
	}
	for _, g := range s.GroupByExprs {
		key := unit(g)
		if i := strings.LastIndexByte(key, '.'); i >= 0 && !strings.ContainsAny(key, "( ") {
			key = key[i+1:]
		}
		c.GroupBy = append(c.GroupBy, key)
	}
	dir := ""
	for _, t := range s.OrderingTerms {
		d := "ASC"
		if t.Desc.IsValid() {
			d = "DESC"
		}
		dir = strings.ToLower(d)
		c.OrderBy = append(c.OrderBy, unit(t.X)+" "+d)
	}
	c.Limit = s.LimitExpr != nil
	for _, cond := range []condition{from, where, having} {
		for _, u := range cond.units {
			for _, n := range nestedSelects(u) {
				c.Nested = append(c.Nested, components(n))
			}
		}
	}
	if s.Compound != nil {
		right := components(s.Compound)
		switch {
		case s.Union.IsValid():
			c.Union = right
		case s.Intersect.IsValid():
			c.Intersect = right
		case s.Except.IsValid():
			c.Except = right
		}
	}

	c.Keywords = keywordSet(s, c, dir, []condition{from, where, having})
	for _, l := range [][]string{c.Select, c.Tables, c.Where, c.GroupBy, c.Having, c.OrderBy, c.Keywords} {
		sort.Strings(l)
	}
	return c
}

// keywordSet lists the SQL keywords of one SELECT as Spider's exact-set match compares
// them; dir is the direction of its last ORDER BY term ("" without one), conds are its FROM
// (ON), WHERE and HAVING conditions.
func keywordSet(s *rq.SelectStatement, c *Components, dir string, conds []condition) []string {
	kw := map[string]bool{}
	set := func(b bool, k string) {
		if b {
			kw[k] = true
		}
	}
	set(s.WhereExpr != nil, "where")
	set(len(s.GroupByExprs) > 0, "group")
	set(s.HavingExpr != nil, "having")
	set(len(s.OrderingTerms) > 0, "order")
	set(dir != "", dir)
	set(c.Limit, "limit")
	set(c.Union != nil, "union")
	set(c.Intersect != nil, "intersect")
	set(c.Except != nil, "except")
	ors := 0
	for _, cond := range conds {
		ors += cond.ors
	}
	set(ors > 0, "or")
	for _, cond := range conds {
		for _, u := range cond.units {
			set(hasNot(u), "not")
			set(isLike(u), "like")
			if b, ok := u.(*rq.BinaryExpr); ok && (b.Op == rq.IN || b.Op == rq.NOTIN) {
				kw["in"] = true
			}
		}
	}
	var out []string
	for k := range kw {
		out = append(out, k)
	}
	return out
}

// fromCondition joins the ON conditions of src's joins into one condition.
func fromCondition(src rq.Source) condition {
	var from condition
	for _, on := range joinConditions(src) {
		p := splitCondition(on)
		from.units = append(from.units, p.units...)
		from.ors += p.ors
	}
	return from
}

// unitText renders an expression as a comparable unit: canonical text,
// values as "?", DISTINCT dropped, aliases resolved to table names, and
// subqueries as "(subquery)" (they are compared through Nested).
func unitText(e rq.Expr, aliases map[string]string) string {
	var subs []string
	walkExpr(e, func(x rq.Expr) bool {
		if subquery(x) != nil {
			subs = append(subs, subquery(x).String())
			return false
		}
		return true
	})
	text := e.String()
	for _, s := range subs {
		text = strings.Replace(text, s, "(subquery)", 1)
	}
	toks, _ := Tokenize(text)
	out := toks[:0]
	for i, t := range toks {
		switch {
		case t.Is("DISTINCT"):
			continue
		case t.Kind == String || t.Kind == Number || t.Kind == Blob:
			t = Token{Kind: Param, Text: "?"}
		case isName(t) && i+1 < len(toks) && toks[i+1].IsPunct("."):
			if table, ok := aliases[strings.ToLower(t.Name())]; ok {
				t = Token{Kind: QuotedIdent, Text: `"` + strings.ReplaceAll(table, `"`, `""`) + `"`}
			}
		}
		out = append(out, t)
	}
	return render(out, true)
}
