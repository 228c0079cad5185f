package ontology

import (
	"fmt"
	"strings"
)

// planFields checks what query plans read from a dimension: its id and label columns, and
// its calendar grain.
func (v *validator) planFields(d Dimension) {
	label := dimensionLabel(d.Name)
	if d.ID != "" {
		v.column(d.Line, label, "id", d.ID)
	}
	for _, l := range d.Labels {
		v.column(d.Line, label, "labels", l)
	}
	switch d.Grain {
	case "", GrainYear, GrainQuarter, GrainMonth, GrainYearQuarter, GrainYearMonth:
	default:
		v.add(d.Line, label, "grain", Error, "%q is not year, quarter, month, year_quarter or year_month", d.Grain)
	}
}

// segments checks each segment's name, tables and condition (prepared against the database
// over the join of its tables).
func (v *validator) segments() {
	seen := map[string]bool{}
	for _, s := range v.o.Segments {
		label := segmentLabel(s.Name)
		switch {
		case s.Name == "":
			v.add(s.Line, label, "name", Error, "missing")
		case seen[strings.ToLower(s.Name)]:
			v.add(s.Line, label, "name", Error, "duplicate segment name")
		case v.o.Dimension(s.Name) != nil || v.o.MetricByID(s.Name) != nil:
			v.add(s.Line, label, "name", Error, "a dimension or metric has the same name")
		}
		seen[strings.ToLower(s.Name)] = true
		if s.Condition == "" {
			v.add(s.Line, label, "condition", Error, "missing")
			continue
		}
		if !v.tableList(s.Line, label, "tables", s.Tables) {
			continue
		}
		from, err := v.o.FromClause(s.Tables)
		if err != nil {
			v.add(s.Line, label, "tables", Error, "%v", err)
			continue
		}
		local, outside := LocalRelations(s.Condition), false
		for _, ref := range QualifiedRefs(s.Condition) {
			if !containsFold(s.Tables, ref.Table) && !local[strings.ToLower(ref.Table)] {
				v.add(s.Line, label, "condition", Error, "reads %s, which is not in tables", ref)
				outside = true
			}
		}
		if outside {
			continue
		}
		if err := v.prepare(fmt.Sprintf("SELECT 1 FROM %s WHERE %s", from, s.Condition)); err != nil {
			v.add(s.Line, label, "condition", Error, "%s", sqlMessage(err))
		}
	}
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
