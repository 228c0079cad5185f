package sqlparse

import (
	"strings"

	rq "github.com/rqlite/sql"
)

// This file is the AST walker rqlite's own Walk cannot be: it reaches into
// WITH clauses, compound selects, FROM subqueries and expression subqueries.

// walkExpr calls fn on e and, while fn returns true, on its sub-expressions
// in source order. It does not enter subqueries: a SelectExpr or Exists is
// passed to fn but its SELECT is not walked (see nestedSelects).
func walkExpr(e rq.Expr, fn func(rq.Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	switch e := e.(type) {
	case *rq.BinaryExpr:
		walkExpr(e.X, fn)
		walkExpr(e.Y, fn)
	case *rq.UnaryExpr:
		walkExpr(e.X, fn)
	case *rq.ParenExpr:
		walkExpr(e.X, fn)
	case *rq.ExprList:
		for _, x := range e.Exprs {
			walkExpr(x, fn)
		}
	case *rq.Range:
		walkExpr(e.X, fn)
		walkExpr(e.Y, fn)
	case *rq.Call:
		for _, x := range e.Args {
			walkExpr(x, fn)
		}
		if e.Filter != nil {
			walkExpr(e.Filter.X, fn)
		}
		if e.Over != nil {
			walkWindow(e.Over.Definition, fn)
		}
	case *rq.CaseExpr:
		walkExpr(e.Operand, fn)
		for _, b := range e.Blocks {
			walkExpr(b.Condition, fn)
			walkExpr(b.Body, fn)
		}
		walkExpr(e.ElseExpr, fn)
	case *rq.CastExpr:
		walkExpr(e.X, fn)
	case *rq.CollateExpr:
		walkExpr(e.X, fn)
	case *rq.Null:
		walkExpr(e.X, fn)
	}
}

// walkWindow walks the expressions of a window definition.
func walkWindow(d *rq.WindowDefinition, fn func(rq.Expr) bool) {
	if d == nil {
		return
	}
	for _, x := range d.Partitions {
		walkExpr(x, fn)
	}
	for _, t := range d.OrderingTerms {
		walkExpr(t.X, fn)
	}
}

// subquery returns the SELECT an expression node introduces, or nil.
func subquery(e rq.Expr) *rq.SelectStatement {
	switch e := e.(type) {
	case rq.SelectExpr:
		return e.SelectStatement
	case *rq.SelectExpr:
		if e != nil {
			return e.SelectStatement
		}
	case *rq.Exists:
		return e.Select
	}
	return nil
}

// nestedSelects returns the subqueries directly inside e (not those nested
// in them).
func nestedSelects(e rq.Expr) []*rq.SelectStatement {
	var out []*rq.SelectStatement
	walkExpr(e, func(x rq.Expr) bool {
		if s := subquery(x); s != nil {
			out = append(out, s)
			return false
		}
		return true
	})
	return out
}

// selectExprs returns the expressions of one SELECT core and its ORDER BY
// and LIMIT, excluding its WITH clause, FROM sources and compound part.
func selectExprs(s *rq.SelectStatement) []rq.Expr {
	var out []rq.Expr
	for _, c := range s.Columns {
		if c.Expr != nil {
			out = append(out, c.Expr)
		}
	}
	for _, l := range s.ValueLists {
		out = append(out, l)
	}
	out = append(out, s.WhereExpr)
	out = append(out, s.GroupByExprs...)
	out = append(out, s.HavingExpr)
	for _, w := range s.Windows {
		if w.Definition != nil {
			out = append(out, windowExprs(w.Definition)...)
		}
	}
	for _, t := range s.OrderingTerms {
		out = append(out, t.X)
	}
	out = append(out, s.LimitExpr, s.OffsetExpr)
	return out
}

func windowExprs(d *rq.WindowDefinition) []rq.Expr {
	out := append([]rq.Expr(nil), d.Partitions...)
	for _, t := range d.OrderingTerms {
		out = append(out, t.X)
	}
	return out
}

// walkSource calls table for each table reference and sub for each
// subquery in a FROM source, and cond for each join constraint expression.
func walkSource(src rq.Source, table func(*rq.QualifiedTableName), sub func(*rq.SelectStatement), cond func(rq.Expr)) {
	switch src := src.(type) {
	case *rq.QualifiedTableName:
		table(src)
	case *rq.QualifiedTableFunctionName:
		for _, a := range src.Args {
			cond(a)
		}
	case *rq.SelectStatement:
		sub(src)
	case *rq.ParenSource:
		walkSource(src.X, table, sub, cond)
	case *rq.JoinClause:
		walkSource(src.X, table, sub, cond)
		walkSource(src.Y, table, sub, cond)
		if on, ok := src.Constraint.(*rq.OnConstraint); ok {
			cond(on.X)
		}
	}
}

// eachSelect calls fn for s and every SELECT inside it — CTE bodies,
// compound parts, FROM subqueries and expression subqueries — with the CTE
// names visible to that SELECT (lower case).
func eachSelect(s *rq.SelectStatement, ctes map[string]bool, fn func(s *rq.SelectStatement, ctes map[string]bool)) {
	if s == nil {
		return
	}
	if s.WithClause != nil && len(s.WithClause.CTEs) > 0 {
		inner := make(map[string]bool, len(ctes)+len(s.WithClause.CTEs))
		for k := range ctes {
			inner[k] = true
		}
		for _, c := range s.WithClause.CTEs {
			inner[strings.ToLower(rq.IdentName(c.TableName))] = true
		}
		ctes = inner
		for _, c := range s.WithClause.CTEs {
			eachSelect(c.Select, ctes, fn)
		}
	}
	fn(s, ctes)
	visit := func(e rq.Expr) {
		for _, n := range nestedSelects(e) {
			eachSelect(n, ctes, fn)
		}
	}
	for _, e := range selectExprs(s) {
		visit(e)
	}
	if s.Source != nil {
		walkSource(s.Source, func(*rq.QualifiedTableName) {}, func(n *rq.SelectStatement) { eachSelect(n, ctes, fn) }, visit)
	}
	eachSelect(s.Compound, ctes, fn)
}
