// Package compile turns query plans into SQL: the one compiler every plan goes through, from
// the data generator's gold queries to a model's answers. It resolves the plan's names in the
// ontology, checks that each dimension and segment may be used with each metric (so a metric is
// never joined to a table that would count its rows twice), joins the tables along the
// ontology's join paths and writes engine-specific SQL through the dialect interface.
package compile

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/dialect"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
)

// Compiler writes SQL for plans over one ontology and dialect.
type Compiler struct {
	Ont     *ontology.Ontology
	Dialect dialect.Dialect
	// Latest is the data's latest date, the anchor of "the last N years/months". A plan that
	// needs it fails to compile while it is zero.
	Latest time.Time
	// Earliest is the data's earliest date, the start of "before 2022" (zero when unknown).
	Earliest time.Time
}

// New returns a compiler; call SetLatest (or set Latest) before compiling "last N" windows.
// An ontology rendered for another dialect (see ontology.For) is rendered again for d.
func New(ont *ontology.Ontology, d dialect.Dialect) *Compiler {
	if ont.Dialect != d.Name() {
		if r, _ := ont.For(d.Name()); r != nil {
			ont = r
		}
	}
	return &Compiler{Ont: ont, Dialect: d}
}

// Names returns the name resolver for plans over the compiler's ontology.
func (c *Compiler) Names() Names { return Names{Ont: c.Ont} }

// SetLatest reads the latest (and earliest) date of every metric's time column from db.
func (c *Compiler) SetLatest(ctx context.Context, db *sql.DB) error {
	seen := map[string]bool{}
	for _, m := range c.Ont.Metrics {
		if m.TimeColumn == "" || seen[m.TimeColumn] {
			continue
		}
		seen[m.TimeColumn] = true
		t, col := ontology.SplitColumn(m.TimeColumn)
		var v sql.NullString
		var lo sql.NullString
		q, err := dialect.Render(c.Dialect, fmt.Sprintf("SELECT CAST(MAX(%s) AS TEXT), CAST(MIN(%s) AS TEXT) FROM %s", m.TimeColumn, m.TimeColumn, ontology.QuoteIdent(t)))
		if err != nil {
			return fmt.Errorf("latest date of %s.%s: %w", t, col, err)
		}
		if err := db.QueryRowContext(ctx, q).Scan(&v, &lo); err != nil {
			return fmt.Errorf("latest date of %s.%s: %w", t, col, err)
		}
		if d, ok := parseDay(v.String); ok && d.After(c.Latest) {
			c.Latest = d
		}
		if d, ok := parseDay(lo.String); ok && (c.Earliest.IsZero() || d.Before(c.Earliest)) {
			c.Earliest = d
		}
	}
	return nil
}

// parseDay reads the date at the start of a date or timestamp text.
func parseDay(s string) (time.Time, bool) {
	if len(s) < 10 {
		return time.Time{}, false
	}
	d, err := time.Parse("2006-01-02", s[:10])
	return d, err == nil
}

// Error is a plan the ontology cannot answer: an unknown name or a combination it does not allow.
type Error struct{ Msg string }

func (e *Error) Error() string { return "compile plan: " + e.Msg }

func errorf(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

// resolved is a plan with its names looked up.
type resolved struct {
	p        *plan.Plan
	metrics  []*ontology.Metric
	groups   []*ontology.Dimension
	per      *ontology.Dimension
	timeCol  string
	tables   []string
	baseCond []string // filters, segments and the time window
}

// Compile returns the SQL for p, on one line, in the compiler's dialect: the statement is
// built in portable SQL and written out through dialect.Render.
func (c *Compiler) Compile(p *plan.Plan) (string, error) {
	q, err := c.compile(p)
	if err != nil {
		return "", err
	}
	out, err := dialect.Render(c.Dialect, q)
	if err != nil {
		return "", &Error{Msg: err.Error()}
	}
	return out, nil
}

func (c *Compiler) compile(p *plan.Plan) (string, error) {
	if err := plan.Validate(p); err != nil {
		return "", &Error{Msg: err.Error()}
	}
	r, err := c.resolve(p)
	if err != nil {
		return "", err
	}
	switch {
	case len(p.Measures) == 0:
		return c.list(r)
	case p.Count:
		return c.count(r)
	case p.Compare != nil:
		return c.compare(r)
	case p.Share != nil && len(p.Share.Filters)+len(p.Share.Segments) > 0:
		return c.subsetShare(r)
	case p.Per != "":
		return c.perGroup(r)
	default:
		return c.simple(r)
	}
}

func (c *Compiler) resolve(p *plan.Plan) (*resolved, error) {
	n := c.Names()
	r := &resolved{p: p}
	for _, id := range p.Measures {
		m := c.Ont.MetricByID(id)
		if m == nil || m.Descriptive {
			return nil, errorf("unknown metric %q%s", id, hint(n, "metric", id))
		}
		if m.Period != "" && (p.Time != nil || p.Compare != nil) {
			return nil, errorf("%s compares fixed periods of its own and takes no time window", id)
		}
		r.metrics = append(r.metrics, m)
		r.tables = append(r.tables, m.Tables...)
	}
	dimAt := func(id, where string) (*ontology.Dimension, error) {
		d := n.dim(id)
		if d == nil {
			return nil, errorf("unknown dimension %q%s", id, hint(n, "dimension", id))
		}
		for _, m := range r.metrics {
			if !c.dimAllowed(m, d) {
				return nil, errorf("%s cannot be %s %s (the ontology does not list it for that metric)", ontology.MetricID(m.Name), where, id)
			}
		}
		r.tables = append(r.tables, dimTables(d)...)
		return d, nil
	}
	for _, g := range p.GroupBy {
		d, err := dimAt(g.Dim, "broken down by")
		if err != nil {
			return nil, err
		}
		if g.Show != "" && d.ID == "" {
			return nil, errorf("dimension %s has no id column to show", d.Name)
		}
		r.groups = append(r.groups, d)
	}
	if p.Per != "" {
		d, err := dimAt(p.Per, "broken down by")
		if err != nil {
			return nil, err
		}
		r.per = d
	}
	if p.Running && (len(r.groups) != 1 || r.groups[0].Grain == "") {
		return nil, errorf("running totals need one time breakdown (year, quarter or month)")
	}
	conds, err := c.conds(r, p.Filters, p.Segments, dimAt)
	if err != nil {
		return nil, err
	}
	r.baseCond = conds
	if s := p.Share; s != nil {
		if _, err := c.conds(r, s.Filters, s.Segments, dimAt); err != nil {
			return nil, err
		}
	}
	if p.Having != nil {
		m := c.Ont.MetricByID(p.Having.Measure)
		if m == nil || m.Descriptive {
			return nil, errorf("unknown metric %q in having%s", p.Having.Measure, hint(n, "metric", p.Having.Measure))
		}
		if !slices.Contains(p.Measures, p.Having.Measure) {
			r.tables = append(r.tables, m.Tables...)
			for _, g := range r.groups {
				if !c.dimAllowed(m, g) {
					return nil, errorf("%s cannot be broken down by %s", p.Having.Measure, g.Name)
				}
			}
		}
	}
	if p.Time != nil || p.Compare != nil {
		if err := c.timeColumn(r); err != nil {
			return nil, err
		}
	}
	if w := p.Time; w != nil {
		cond, err := c.window(r.timeCol, w)
		if err != nil {
			return nil, err
		}
		r.baseCond = append(r.baseCond, cond)
	}
	return r, nil
}

func hint(n Names, kind, id string) string {
	if s := n.Suggest(kind, id); s != "" {
		return " (did you mean " + s + "?)"
	}
	return ""
}

// dimAllowed says whether metric m may be grouped or filtered by d: the ontology lists d for
// m, d is a calendar grain of m's time column, or d reads only m's own tables.
func (c *Compiler) dimAllowed(m *ontology.Metric, d *ontology.Dimension) bool {
	if slices.Contains(m.Dimensions, d.Name) || slices.Contains(m.Filters, d.Name) {
		return true
	}
	if d.Grain != "" {
		return m.TimeColumn != "" && strings.EqualFold(m.TimeColumn, d.Column)
	}
	for _, t := range dimTables(d) {
		if !containsFold(m.Tables, t) {
			return false
		}
	}
	return true
}

// segAllowed: the segment's tables are the metric's own or those of dimensions listed for it.
func (c *Compiler) segAllowed(m *ontology.Metric, s *ontology.Segment) bool {
	safe := slices.Clone(m.Tables)
	for _, name := range append(slices.Clone(m.Dimensions), m.Filters...) {
		if d := c.Ont.Dimension(name); d != nil {
			safe = append(safe, dimTables(d)...)
		}
	}
	for _, t := range s.Tables {
		if !containsFold(safe, t) {
			return false
		}
	}
	return true
}

func dimTables(d *ontology.Dimension) []string {
	cols := append([]string{d.Column}, d.Labels...)
	if d.ID != "" {
		cols = append(cols, d.ID)
	}
	var out []string
	for _, col := range cols {
		if t, _ := ontology.SplitColumn(col); t != "" && !containsFold(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

func (c *Compiler) conds(r *resolved, fs []plan.Filter, segs []string, dimAt func(string, string) (*ontology.Dimension, error)) ([]string, error) {
	var out []string
	for _, f := range fs {
		d, err := dimAt(f.Dim, "filtered by")
		if err != nil {
			return nil, err
		}
		out = append(out, c.filter(d, f))
	}
	n := c.Names()
	for _, id := range segs {
		s := n.seg(id)
		if s == nil {
			return nil, errorf("unknown segment %q%s", id, hint(n, "segment", id))
		}
		for _, m := range r.metrics {
			if !c.segAllowed(m, s) {
				return nil, errorf("%s cannot be restricted to %s (it reads %s)", ontology.MetricID(m.Name), id, strings.Join(s.Tables, ", "))
			}
		}
		r.tables = append(r.tables, s.Tables...)
		out = append(out, "("+s.Condition+")")
	}
	return out, nil
}

// filter writes the condition for one filter. Grain values compare as numbers; a person's
// name matches the last name or the full name.
func (c *Compiler) filter(d *ontology.Dimension, f plan.Filter) string {
	expr := c.dimExpr(d)
	lit := func(v string) string {
		if d.Grain != "" && d.Grain != ontology.GrainYearMonth && d.Grain != ontology.GrainYearQuarter {
			if _, err := strconv.Atoi(v); err == nil {
				return v
			}
		}
		return dialect.StringLiteral(v)
	}
	var vals []string
	for _, v := range f.Values {
		vals = append(vals, lit(v))
	}
	one := func(e string) string {
		switch f.Op {
		case plan.OpNotEq:
			return e + " <> " + vals[0]
		case plan.OpIn:
			return e + " IN (" + strings.Join(vals, ", ") + ")"
		}
		return e + " = " + vals[0]
	}
	if len(d.Labels) > 1 {
		full := c.Dialect.Concat(joinSpace(d.Labels)...)
		if f.Op == plan.OpNotEq {
			return "(" + one(expr) + " AND " + one(full) + ")"
		}
		return "(" + one(expr) + " OR " + one(full) + ")"
	}
	return one(expr)
}

func joinSpace(cols []string) []string {
	var out []string
	for i, col := range cols {
		if i > 0 {
			out = append(out, "' '")
		}
		out = append(out, col)
	}
	return out
}

// dimExpr is the SQL value of a dimension: its grain through the dialect, its expression, or
// its column.
func (c *Compiler) dimExpr(d *ontology.Dimension) string {
	col := d.Column
	switch d.Grain {
	case ontology.GrainYear:
		return c.Dialect.Year(col)
	case ontology.GrainQuarter:
		return c.Dialect.Quarter(col)
	case ontology.GrainMonth:
		return c.Dialect.Month(col)
	case ontology.GrainYearMonth:
		return c.Dialect.YearMonth(col)
	case ontology.GrainYearQuarter:
		return c.Dialect.Concat(c.Dialect.Year(col), "'-Q'", c.Dialect.Quarter(col))
	}
	if d.Expression != "" {
		return d.Expression
	}
	return col
}

func (c *Compiler) timeColumn(r *resolved) error {
	for _, m := range r.metrics {
		if m.TimeColumn == "" {
			return errorf("%s has no time column, so it cannot be asked for a period", ontology.MetricID(m.Name))
		}
		if r.timeCol != "" && !strings.EqualFold(r.timeCol, m.TimeColumn) {
			return errorf("the measures have different time columns (%s, %s)", r.timeCol, m.TimeColumn)
		}
		r.timeCol = m.TimeColumn
	}
	return nil
}

func (c *Compiler) window(col string, w *plan.Window) (string, error) {
	if w.Last > 0 && c.Latest.IsZero() {
		return "", errorf("the last %d %s need the data's latest date (none was read)", w.Last, w.Unit)
	}
	from, to, err := w.Range(c.Latest)
	if err != nil {
		return "", &Error{Msg: err.Error()}
	}
	return c.Dialect.InRange(col, plan.DayString(from), plan.DayString(to)), nil
}

func (c *Compiler) period(col, p string) (string, error) {
	return c.window(col, &plan.Window{From: p})
}

// DimensionAllowed says whether a plan may group or filter metric m by dimension d.
func (c *Compiler) DimensionAllowed(m *ontology.Metric, d *ontology.Dimension) bool {
	return c.dimAllowed(m, d)
}

// SegmentAllowed says whether a plan may restrict metric m to segment s.
func (c *Compiler) SegmentAllowed(m *ontology.Metric, s *ontology.Segment) bool {
	return c.segAllowed(m, s)
}
