package ontology

import (
	"fmt"
	"slices"

	"github.com/sqlforge/sqlforge/internal/dialect"
	"github.com/sqlforge/sqlforge/internal/dialect/dialects"
)

// For returns the ontology with its SQL written for the dialect called name ("sqlite",
// "postgres"): every formula, CTE, dimension expression, segment condition and join condition
// goes through dialect.Render, which expands the portable function forms (TOTAL,
// DAYS_BETWEEN, FORMAT_DATE, PERIOD_BEFORE, ...) and spells names as that engine needs them
// (PostgreSQL: "Orders"."OrderDate"). It always renders from the text as loaded, so an
// ontology loaded (and rendered) for SQLite can be rendered again for PostgreSQL. The result's
// RenderSQL renders statements built later from it (FROM clauses, plan SQL).
// A form that cannot be rendered (FORMAT_DATE with an unknown layout) is returned as a
// Problem and kept, as written, in the result, whose Notes hold the problems too.
// The loader renders every ontology for its own dialect field, so for SQLite the formulas read
// exactly as the file's SQL with the portable forms expanded.
func (o *Ontology) For(name string) (*Ontology, error) {
	d, err := dialects.For(name)
	if err != nil {
		return nil, fmt.Errorf("ontology %s: %w", o.Name, err)
	}
	src := o
	if o.portable != nil {
		src = o.portable
	}
	c := *src
	c.portable = src
	c.Dialect = d.Name()
	c.RenderSQL = dialect.Renderer(d)
	c.Metrics = slices.Clone(src.Metrics)
	c.Dimensions = slices.Clone(src.Dimensions)
	c.Segments = slices.Clone(src.Segments)
	c.Joins = slices.Clone(src.Joins)
	var errs Problems
	render := func(line int, concept, field string, s *string) {
		if *s == "" {
			return
		}
		out, err := c.RenderSQL(*s)
		if err != nil {
			errs = append(errs, Problem{Path: o.Path, Line: line, Concept: concept, Field: field, Message: err.Error(), Severity: Error})
			return
		}
		*s = out
	}
	for i := range c.Metrics {
		m := &c.Metrics[i]
		render(m.Line, metricLabel(m.Name), "formula", &m.Formula)
		render(m.Line, metricLabel(m.Name), "cte", &m.CTE)
	}
	for i := range c.Dimensions {
		d := &c.Dimensions[i]
		render(d.Line, "dimension "+d.Name, "expression", &d.Expression)
	}
	for i := range c.Segments {
		s := &c.Segments[i]
		render(s.Line, "segment "+s.Name, "condition", &s.Condition)
	}
	for i := range c.Joins {
		j := &c.Joins[i]
		render(j.Line, "join "+j.Left+"-"+j.Right, "on", &j.On)
	}
	if len(errs) > 0 {
		c.Notes = append(slices.Clone(src.Notes), errs...) // Validate reports them too
		return &c, errs
	}
	return &c, nil
}

// Statement renders a statement built from the ontology (a metric query, a FROM clause, a
// compiled plan) for the dialect it was rendered for; as written when it was not rendered.
func (o *Ontology) Statement(sql string) (string, error) {
	if o.RenderSQL == nil {
		return sql, nil
	}
	return o.RenderSQL(sql)
}
