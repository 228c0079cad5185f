package ontology

import (
	"fmt"
	"strings"

	"github.com/sqlforge/sqlforge/internal/dialect"
	"github.com/sqlforge/sqlforge/internal/dialect/dialects"
)

// MetricQuery returns the statement that computes metric m over its tables, grouped by the
// dimensions named (none for a single value):
//
//	[WITH <cte>] SELECT <dim>, ..., <formula> FROM <tables joined> [GROUP BY <dim>, ...]
//
// (GROUP BY 1, ... for a dialect.AliasGrouper: BigQuery.) It is what validation prepares and what generators build on.
func (o *Ontology) MetricQuery(m *Metric, dimensions ...string) (string, error) {
	tables := append([]string(nil), m.Tables...)
	var exprs []string
	for _, name := range dimensions {
		d := o.Dimension(name)
		if d == nil {
			return "", fmt.Errorf("unknown dimension %q", name)
		}
		tables = append(tables, d.Table())
		exprs = append(exprs, d.SQL())
	}
	from, err := o.FromClause(tables)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if m.CTE != "" {
		b.WriteString("WITH " + m.CTE + " ")
	}
	b.WriteString("SELECT ")
	for _, e := range exprs {
		b.WriteString(e + ", ")
	}
	b.WriteString(m.Formula + " FROM " + from)
	if len(exprs) > 0 && groupsByPosition(o.Dialect) {
		// The engine may not match a computed grouping expression with the same one in the
		// SELECT list (BigQuery's analyzer as the emulator builds it): group by position.
		pos := make([]string, len(exprs))
		for i := range exprs {
			pos[i] = fmt.Sprint(i + 1)
		}
		b.WriteString(" GROUP BY " + strings.Join(pos, ", "))
	} else if len(exprs) > 0 {
		b.WriteString(" GROUP BY " + strings.Join(exprs, ", "))
	}
	return b.String(), nil
}

// groupsByPosition reports whether the named dialect is a dialect.AliasGrouper.
func groupsByPosition(name string) bool {
	d, err := dialects.For(name)
	return err == nil && dialect.GroupsByAlias(d)
}

func (v *validator) metrics() {
	seen := map[string]bool{}
	for i := range v.o.Metrics {
		v.metric(&v.o.Metrics[i], seen)
	}
}

var knownUnits = map[string]bool{"": true, "currency": true, "percent": true, "ratio": true, "count": true, "days": true, "units": true}

func (v *validator) metric(m *Metric, seen map[string]bool) {
	label := metricLabel(m.Name)
	add := func(field string, sev Severity, format string, args ...any) {
		v.add(m.Line, label, field, sev, format, args...)
	}
	if m.Name == "" {
		add("name", Error, "missing")
	} else if seen[strings.ToLower(m.Name)] {
		add("name", Error, "duplicate metric name")
	}
	seen[strings.ToLower(m.Name)] = true
	if !knownUnits[m.Unit] {
		add("unit", Error, "unknown unit %q: want currency, percent, ratio, count, days or units", m.Unit)
	}
	if m.Period != "" && m.Period != "month" && m.Period != "quarter" && m.Period != "year" {
		add("period", Error, "unknown period %q: want month, quarter or year", m.Period)
	}
	for _, f := range []struct {
		field string
		names []string
	}{{"dimensions", m.Dimensions}, {"filters", m.Filters}} {
		for _, n := range f.names {
			if v.o.Dimension(n) == nil {
				add(f.field, Error, "unknown dimension %q", n)
			}
		}
	}
	if m.TimeColumn != "" {
		v.column(m.Line, label, "time_column", m.TimeColumn)
	} else if m.TimeDependent {
		add("time_column", Warning, "time-dependent metric without a time column: periods cannot be applied")
	}
	if m.Formula == "" {
		add("formula", Error, "missing")
		return
	}
	if !v.tableList(m.Line, label, "tables", m.Tables) {
		return
	}
	if m.Descriptive {
		if v.o.Format == FormatYAML {
			add("formula", Warning, "descriptive metric: not run")
		}
		return
	}
	if v.pathBroken(m.Tables) {
		return
	}
	if _, err := v.o.JoinPath(m.Tables); err != nil {
		add("tables", Error, "%v", err)
		return
	}
	local := LocalRelations(m.Formula, m.CTE)
	refsOK := true
	for _, r := range QualifiedRefs(m.Formula) {
		if local[strings.ToLower(r.Table)] {
			continue
		}
		if !v.column(m.Line, label, "formula", r.String()) {
			refsOK = false
		}
	}
	if !refsOK {
		return
	}
	if !HasAggregate(m.Formula) {
		add("formula", Warning, "no aggregate function (SUM, COUNT, AVG, ...): the formula will not summarise rows")
	}
	q, err := v.o.MetricQuery(m)
	if err == nil {
		err = v.prepare(q)
	}
	if err != nil {
		add("formula", Error, "%s", sqlMessage(err))
		return
	}
	for _, n := range m.Dimensions {
		d := v.o.Dimension(n)
		if d == nil || v.brokenDims[strings.ToLower(n)] || v.pathBroken(append([]string{d.Table()}, m.Tables...)) {
			continue
		}
		q, err := v.o.MetricQuery(m, n)
		if err == nil {
			err = v.prepare(q)
		}
		if err != nil {
			add("dimensions", Error, "dimension %q: %s", n, sqlMessage(err))
		}
	}
}
