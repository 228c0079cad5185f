package ontology

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/sqlforge/sqlforge/internal/schema"
)

// DerivedName is the Name of an ontology FromSchema builds; callers usually set the
// database's name instead.
const DerivedName = "derived"

// FromSchema derives a default ontology from a database's schema and a sample of its data, so
// that query plans work on a database nobody has described yet. From the schema it takes:
//
//   - joins: one per foreign key (self-references are left out);
//   - metrics: "<Table> Count" for every table with a primary key, and "Total <Column>" and
//     "Average <Column>" for the numeric, non-key columns of tables that reference others
//     (fact-like tables), each with the table's main date column as its time column;
//   - dimensions: each table's name-like label column (Name, Title, <Table>Name, CompanyName;
//     first and last name for people) identified by its primary key; text columns with at
//     most 200 distinct values that repeat; and year, year_quarter and year_month calendar
//     dimensions over each table's main date column;
//   - each metric's dimensions and filters: those of the tables reachable from its own by
//     following foreign keys to the tables they reference (never to a finer table, which
//     would count its rows more than once), and the calendar dimensions of its time column.
//
// Names are snake case (dimensions) or title case (metrics) from the split identifiers, with
// plural and singular forms as synonyms. The result validates against db (Validate) and is a
// starting point to edit: `sqlforge ontology infer` writes it as YAML. Only SQLite is read.
func FromSchema(ctx context.Context, db *sql.DB, s *schema.Schema) (*Ontology, error) {
	dialect := s.Dialect
	if dialect == "" {
		dialect = "sqlite"
	}
	if dialect != "sqlite" {
		return nil, fmt.Errorf("derive an ontology: the %s dialect is not supported (SQLite only)", dialect)
	}
	d := &deriver{o: &Ontology{Version: FormatVersion, Name: DerivedName, Dialect: dialect, Tables: map[string]Table{},
		Description: "Derived from the database schema by sqlforge (ontology.FromSchema); review and edit it."},
		names: map[string]bool{}, byTable: map[string]*tableProfile{}, fk: map[[2]string]bool{}}
	for _, t := range s.Tables {
		if t.Kind != "table" {
			continue
		}
		tp, err := profileTable(ctx, db, t)
		if err != nil {
			return nil, fmt.Errorf("derive an ontology: %w", err)
		}
		d.tables = append(d.tables, tp)
		d.byTable[strings.ToLower(t.Name)] = tp
	}
	d.describeTables()
	d.joins()
	d.labelDimensions()
	d.textDimensions()
	d.calendarDimensions()
	d.metrics()
	d.metricDimensions()
	return d.o, nil
}

type deriver struct {
	o       *Ontology
	tables  []*tableProfile
	byTable map[string]*tableProfile // lower-cased name → profile
	names   map[string]bool          // dimension names taken
	fk      map[[2]string]bool       // lower-cased (from, to) table pairs of foreign keys
	// calendar maps a lower-cased qualified time column to its calendar dimensions.
	calendar map[string][]string
}

func qualify(table, column string) string { return QuoteIdent(table) + "." + QuoteIdent(column) }

func (d *deriver) describeTables() {
	for _, tp := range d.tables {
		t := Table{Description: fmt.Sprintf("%s (%d rows when derived).", title(lastTo(tp.words, plural)), tp.t.RowCount),
			PrimaryKey: tp.t.PrimaryKey}
		if tp.timeCol != nil {
			t.TimeColumn = tp.timeCol.col.Name
			if d.o.DateFormat == "" {
				d.o.DateFormat = "YYYY-MM-DD"
				if tp.timeCol.dateLen > 10 {
					d.o.DateFormat = "YYYY-MM-DD HH:MM:SS"
				}
			}
		}
		d.o.Tables[tp.t.Name] = t
	}
}

// joins adds one join per foreign key between two tables of the ontology.
func (d *deriver) joins() {
	for _, tp := range d.tables {
		for _, fk := range tp.t.ForeignKeys {
			ref := d.byTable[strings.ToLower(fk.RefTable)]
			if ref == nil || ref == tp || len(fk.Columns) == 0 || len(fk.Columns) != len(fk.RefColumns) {
				continue
			}
			var on []string
			for i, c := range fk.Columns {
				on = append(on, qualify(tp.t.Name, c)+" = "+qualify(ref.t.Name, fk.RefColumns[i]))
			}
			d.o.Joins = append(d.o.Joins, Join{Left: tp.t.Name, Right: ref.t.Name, On: strings.Join(on, " AND ")})
			d.fk[[2]string{strings.ToLower(tp.t.Name), strings.ToLower(ref.t.Name)}] = true
		}
	}
}

// addDimension adds dm under the first of names not taken yet (the last, numbered, if all are).
func (d *deriver) addDimension(dm Dimension, names ...string) string {
	name := names[len(names)-1]
	for _, n := range names {
		if n != "" && !d.names[n] {
			name = n
			break
		}
	}
	for i := 2; d.names[name]; i++ {
		name = fmt.Sprintf("%s_%d", names[len(names)-1], i)
	}
	d.names[name] = true
	dm.Name = name
	dm.Synonyms = dedupStrings(dm.Synonyms)
	d.o.Dimensions = append(d.o.Dimensions, dm)
	return name
}

// labelDimensions adds a dimension per table with a name-like column, identified by the
// table's primary key, and an entity for it.
func (d *deriver) labelDimensions() {
	for _, tp := range d.tables {
		pk := ""
		if len(tp.t.PrimaryKey) == 1 {
			pk = qualify(tp.t.Name, tp.t.PrimaryKey[0])
		}
		dm := Dimension{Kind: "category", ID: pk, Synonyms: []string{strings.Join(tp.words, " ")}}
		if first, last := tp.person(); first != nil {
			dm.Column, dm.Kind = qualify(tp.t.Name, last.col.Name), "person"
			dm.Labels = []string{qualify(tp.t.Name, first.col.Name), qualify(tp.t.Name, last.col.Name)}
		} else if l := tp.label(); l != nil {
			dm.Column = qualify(tp.t.Name, l.col.Name)
			if contains(l.words, "company") {
				dm.Kind = "organisation"
			}
			dm.Synonyms = append(dm.Synonyms, strings.Join(append(append([]string(nil), tp.words...), l.words...), " "))
		} else {
			continue
		}
		tp.labelled = true
		dm.Description = fmt.Sprintf("A %s, by %s.", strings.Join(tp.words, " "), strings.Join(words(strings.Join(dm.LabelColumns(), " ")), " "))
		d.addDimension(dm, snake(tp.words))
		if pk == "" {
			continue
		}
		var cols []string
		for _, c := range tp.t.Columns {
			cols = append(cols, c.Name)
		}
		d.o.Entities = append(d.o.Entities, Entity{Name: title(tp.words), Description: "A row of " + tp.t.Name + ".",
			Tables: []string{tp.t.Name}, Key: pk, Label: dm.Column, Columns: cols,
			Synonyms: []string{strings.Join(lastTo(tp.words, plural), " ")}})
	}
}

// geoWords mark a geography dimension.
var geoWords = map[string]bool{"country": true, "city": true, "region": true, "state": true, "territory": true,
	"province": true, "continent": true, "county": true}

// textDimensions adds the low-cardinality text columns that are not labels: at most
// maxDimValues distinct values, each used twice on average.
func (d *deriver) textDimensions() {
	type cand struct {
		tp *tableProfile
		c  *columnProfile
	}
	var cands []cand
	base := map[string]int{}
	for _, tp := range d.tables {
		for _, c := range tp.cols {
			if c.kind != kindText || c.distinct < 2 || c.distinct > maxDimValues || c.distinct*2 > c.nonNull || d.isLabel(tp, c) || contactish(c.words) {
				continue
			}
			cands = append(cands, cand{tp, c})
			base[snake(c.words)]++
		}
	}
	for _, k := range cands {
		cw, tw := k.c.words, k.tp.words
		prefixed := cw
		if !strings.HasPrefix(strings.Join(cw, " ")+" ", strings.Join(tw, " ")+" ") {
			prefixed = append(append([]string(nil), tw...), cw...)
		}
		// A one-word column (Country, Title) is named with its table; so is one whose name
		// other tables' columns share. The bare words stay a synonym when no other has them.
		names := []string{snake(prefixed)}
		syn := []string{strings.Join(prefixed, " ")}
		if base[snake(cw)] == 1 {
			syn = append(syn, strings.Join(cw, " "))
			if len(cw) > 1 {
				names = []string{snake(cw), snake(prefixed)}
			}
		}
		kind := "category"
		for _, w := range cw {
			if geoWords[w] {
				kind = "geography"
			}
		}
		d.addDimension(Dimension{Column: qualify(k.tp.t.Name, k.c.col.Name), Kind: kind, Synonyms: syn,
			Description: fmt.Sprintf("%s of the %s.", title(cw), strings.Join(tw, " "))}, names...)
	}
}

// contactWords name columns that identify or reach someone rather than group rows.
var contactWords = map[string]bool{"address": true, "phone": true, "fax": true, "email": true, "mail": true,
	"postal": true, "zip": true, "postcode": true, "url": true, "homepage": true, "website": true, "password": true,
	"hash": true, "notes": true, "note": true, "comment": true, "comments": true, "path": true, "photo": true, "extension": true}

func contactish(ws []string) bool {
	for _, w := range ws {
		if contactWords[w] {
			return true
		}
	}
	return false
}

// isLabel reports whether c is already shown by the table's label dimension.
func (d *deriver) isLabel(tp *tableProfile, c *columnProfile) bool {
	for _, dm := range d.o.Dimensions {
		if dm.Grain != "" {
			continue
		}
		for _, l := range dm.LabelColumns() {
			if t, col := SplitColumn(l); strings.EqualFold(t, tp.t.Name) && strings.EqualFold(col, c.col.Name) {
				return true
			}
		}
	}
	return false
}

// dateWords end a date column's name without saying what happened ("OrderDate" → order).
var dateWords = map[string]bool{"date": true, "time": true, "at": true, "on": true, "timestamp": true, "datetime": true, "day": true, "dt": true}

// calendarDimensions adds year, year-quarter and year-month dimensions over each table's
// main date column.
func (d *deriver) calendarDimensions() {
	d.calendar = map[string][]string{}
	for _, tp := range d.tables {
		if tp.timeCol == nil {
			continue
		}
		what := tp.timeCol.words
		for len(what) > 0 && dateWords[what[len(what)-1]] {
			what = what[:len(what)-1]
		}
		if len(what) == 0 {
			what = tp.words
		}
		col := qualify(tp.t.Name, tp.timeCol.col.Name)
		for _, g := range []struct{ grain, word, expr string }{
			{GrainYear, "year", "strftime('%Y', " + col + ")"},
			{GrainYearQuarter, "quarter", "strftime('%Y', " + col + ") || '-Q' || ((CAST(strftime('%m', " + col + ") AS INTEGER) + 2) / 3)"},
			{GrainYearMonth, "month", "strftime('%Y-%m', " + col + ")"},
		} {
			own := append(append([]string(nil), what...), g.word)
			long := append(append([]string(nil), tp.words...), own...)
			name := d.addDimension(Dimension{Column: col, Grain: g.grain, Expression: g.expr, Kind: "time",
				Synonyms:    []string{g.word, strings.Join(own, " ")},
				Description: fmt.Sprintf("The %s of %s.", g.word, strings.Join(tp.timeCol.words, " "))},
				snake(own), snake(long))
			d.calendar[strings.ToLower(col)] = append(d.calendar[strings.ToLower(col)], name)
		}
	}
}
