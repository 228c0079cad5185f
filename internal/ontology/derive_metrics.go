package ontology

import (
	"fmt"
	"strings"
)

// unitWords guess a numeric column's unit from its name.
var (
	currencyWords = map[string]bool{"price": true, "amount": true, "cost": true, "total": true, "revenue": true,
		"sales": true, "freight": true, "salary": true, "fee": true, "balance": true, "payment": true, "charge": true,
		"tax": true, "income": true, "profit": true, "spend": true, "budget": true}
	unitsWords = map[string]bool{"quantity": true, "qty": true, "units": true, "unit": true, "stock": true}
)

func unitOf(ws []string) string {
	for _, w := range ws {
		if currencyWords[w] {
			return "currency"
		}
	}
	for _, w := range ws {
		if unitsWords[w] {
			return "units"
		}
	}
	return ""
}

// metrics adds a count per table with a primary key, and a total and an average per numeric
// column of the tables that reference others.
func (d *deriver) metrics() {
	taken := map[string]bool{}
	add := func(m Metric, tp *tableProfile) {
		base := m.Name
		for i := 2; taken[MetricID(m.Name)]; i++ {
			m.Name = fmt.Sprintf("%s %d", base, i)
		}
		taken[MetricID(m.Name)] = true
		m.Tables = []string{tp.t.Name}
		m.Grain = strings.Join(tp.words, " ")
		if at := d.timeTable(tp); at != nil {
			m.TimeDependent, m.TimeColumn = true, qualify(at.t.Name, at.timeCol.col.Name)
			if at != tp {
				m.Tables = append(m.Tables, at.t.Name)
			}
		}
		m.Synonyms = dedupStrings(m.Synonyms)
		d.o.Metrics = append(d.o.Metrics, m)
	}
	type numCol struct {
		tp *tableProfile
		c  *columnProfile
	}
	var nums []numCol
	base := map[string]int{}
	for _, tp := range d.tables {
		if len(tp.t.PrimaryKey) == 0 {
			continue
		}
		formula := "COUNT(*)"
		if len(tp.t.PrimaryKey) == 1 {
			formula = "COUNT(DISTINCT " + qualify(tp.t.Name, tp.t.PrimaryKey[0]) + ")"
		}
		many := strings.Join(lastTo(tp.words, plural), " ")
		add(Metric{Name: title(tp.words) + " Count", Formula: formula, Unit: "count",
			Description: fmt.Sprintf("Number of %s (rows of %s).", many, tp.t.Name),
			Synonyms:    []string{"number of " + many, "count of " + many}}, tp)
		if len(tp.refs) == 0 {
			continue // not a fact-like table: its numbers describe things, not events
		}
		for _, c := range tp.cols {
			if c.kind == kindNumber {
				nums = append(nums, numCol{tp, c})
				base[snake(c.words)]++
			}
		}
	}
	for _, n := range nums {
		cw, tw := n.c.words, n.tp.words
		what := cw
		if base[snake(cw)] > 1 || cw[0] == "total" {
			if !strings.HasPrefix(strings.Join(cw, " ")+" ", strings.Join(tw, " ")+" ") {
				what = append(append([]string(nil), tw...), cw...)
			}
		}
		col := qualify(n.tp.t.Name, n.c.col.Name)
		human := strings.Join(what, " ")
		sum := "Total " + title(what)
		if cw[0] == "total" {
			sum = title(what)
		}
		unit := unitOf(cw)
		add(Metric{Name: sum, Formula: "SUM(" + col + ")", Unit: unit,
			Description: fmt.Sprintf("Sum of %s over %s.", n.c.col.Name, n.tp.t.Name),
			Synonyms:    []string{"sum of " + human, "total " + strings.Join(cw, " ")}}, n.tp)
		add(Metric{Name: "Average " + title(what), Formula: "AVG(" + col + ")", Unit: unit,
			Description: fmt.Sprintf("Average %s per %s.", n.c.col.Name, strings.Join(tw, " ")),
			Synonyms:    []string{"mean " + human, "avg " + human}}, n.tp)
	}
}

// metricDimensions lists for each metric the dimensions of the tables its table reaches by
// foreign keys, towards the "one" side only (so no join repeats its rows), and the calendar
// dimensions of its time column; they are also its filters.
func (d *deriver) metricDimensions() {
	for i := range d.o.Metrics {
		m := &d.o.Metrics[i]
		reach := d.reachable(m.Tables[0])
		var dims []string
		for _, dm := range d.o.Dimensions {
			if dm.Grain != "" || !reach[strings.ToLower(dm.Table())] || !d.manyToOne(m.Tables[0], dm.Table()) {
				continue
			}
			dims = append(dims, dm.Name)
		}
		dims = append(dims, d.calendar[strings.ToLower(m.TimeColumn)]...)
		m.Dimensions = dims
		m.Filters = append([]string(nil), dims...)
	}
}

// reachable returns the lower-cased tables reached from table by following foreign keys to
// the tables they reference, table included.
func (d *deriver) reachable(table string) map[string]bool {
	seen := map[string]bool{strings.ToLower(table): true}
	queue := []string{table}
	for len(queue) > 0 {
		tp := d.byTable[strings.ToLower(queue[0])]
		queue = queue[1:]
		if tp == nil {
			continue
		}
		for _, r := range tp.refs {
			if k := strings.ToLower(r); !seen[k] && d.byTable[k] != nil {
				seen[k] = true
				queue = append(queue, r)
			}
		}
	}
	return seen
}

// manyToOne reports whether the join path from table to other follows foreign keys from the
// referencing table to the referenced one at every step.
func (d *deriver) manyToOne(table, other string) bool {
	if strings.EqualFold(table, other) {
		return true
	}
	path, err := d.o.JoinPath([]string{table, other})
	if err != nil {
		return false
	}
	for _, j := range path {
		if !d.fk[[2]string{strings.ToLower(j.Left), strings.ToLower(j.Right)}] {
			return false
		}
	}
	return true
}

// timeTable returns the table whose main date column dates tp's rows: tp's own, or for a
// table of events without one (order lines), that of the nearest table it references
// (their order); nil when there is none.
func (d *deriver) timeTable(tp *tableProfile) *tableProfile {
	if tp.timeCol != nil {
		return tp
	}
	if tp.labelled || !tp.hasValues() {
		return nil // things (customers), or a link table (playlist tracks): not dated by another table
	}
	seen := map[*tableProfile]bool{tp: true}
	for queue := []*tableProfile{tp}; len(queue) > 0; queue = queue[1:] {
		for _, r := range queue[0].refs {
			next := d.byTable[strings.ToLower(r)]
			if next == nil || seen[next] {
				continue
			}
			if next.timeCol != nil {
				return next
			}
			seen[next] = true
			queue = append(queue, next)
		}
	}
	return nil
}
