package ontology

import (
	"fmt"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// The seed project's analytic_graph.json (dict form). Its quirks, resolved by the loader
// with a warning each (docs/ontology.md, "Seed formats"):
//   - a formula ending in "GROUP BY x" is split: the formula keeps the aggregate and x
//     becomes a dimension of the metric (resolveGroupBy says how x is found);
//   - a formula reading relations that neither the tables section nor the formula itself
//     defines (current_year.OrderRevenue) is kept as a descriptive metric;
//   - sample values are "Column: value" strings; quotes around values are removed;
//   - a relationship joining a table to itself has no aliases and is kept for documentation.
type agDict struct {
	DateFormat         string                    `yaml:"date_format"`
	Dialect            string                    `yaml:"dialect"`
	BusinessConcepts   map[string]agConcept      `yaml:"business_concepts"`
	TableRelationships map[string]agRelationship `yaml:"table_relationships"`
	Tables             map[string]agTable        `yaml:"tables"`
}

type agConcept struct {
	Type          string   `yaml:"type"`
	Description   string   `yaml:"description"`
	Formula       string   `yaml:"formula"`
	Tables        []string `yaml:"tables"`
	TimeDependent bool     `yaml:"time_dependent"`
	Columns       []string `yaml:"columns"`
	SampleValues  []string `yaml:"sample_values"`
}

type agRelationship struct {
	JoinCondition string `yaml:"join_condition"`
}

type agTable struct {
	Columns     []string `yaml:"columns"`
	Description string   `yaml:"description"`
}

// The seed's analytic_graph_v1.json (list form). It already fixed most dict-form quirks:
// a metric's GROUP BY is a "dimension" field, the year-over-year metric reads a "cte",
// and the self-join carries left/right aliases.
type agV1 struct {
	DateFormat string             `yaml:"date_format"`
	Dialect    string             `yaml:"dialect"`
	Metrics    []agV1Metric       `yaml:"metrics"`
	Entities   []agV1Entity       `yaml:"entities"`
	Tables     map[string]agV1Tab `yaml:"tables"`
	Joins      []agV1Join         `yaml:"joins"`
}

type agV1Metric struct {
	Name          string   `yaml:"name"`
	Description   string   `yaml:"description"`
	Formula       string   `yaml:"formula"`
	CTE           string   `yaml:"cte"`
	Dimension     string   `yaml:"dimension"`
	Tables        []string `yaml:"tables"`
	TimeDependent bool     `yaml:"time_dependent"`
}

type agV1Entity struct {
	Name         string         `yaml:"name"`
	Description  string         `yaml:"description"`
	Tables       []string       `yaml:"tables"`
	Columns      []string       `yaml:"columns"`
	SampleValues map[string]any `yaml:"sample_values"`
}

type agV1Tab struct {
	PrimaryKey  []string          `yaml:"primary_key"`
	Columns     map[string]string `yaml:"columns"`
	Description string            `yaml:"description"`
}

type agV1Join struct {
	Left       string `yaml:"left"`
	Right      string `yaml:"right"`
	Condition  string `yaml:"condition"`
	Type       string `yaml:"type"`
	LeftAlias  string `yaml:"left_alias"`
	RightAlias string `yaml:"right_alias"`
}

// loadAnalyticGraph reads the seed's dict form.
func loadAnalyticGraph(path string, data []byte, top []*ast.MappingValueNode) (*Ontology, error) {
	ix := &index{path: path}
	var conceptOrder, relOrder, tableOrder []string
	lineOf := map[string]int{}
	for _, e := range top {
		ix.addKey(e)
		entries, _ := mappingEntries(e.Value)
		for _, c := range entries {
			name := keyName(c)
			switch keyName(e) {
			case "business_concepts":
				label := "concept " + fmt.Sprintf("%q", name)
				switch scalarField(c.Value, "type") {
				case "metric":
					label = metricLabel(name)
				case "entity":
					label = entityLabel(name)
				}
				lineOf["c:"+name] = ix.addAt(line(c.Key), label, c.Value)
				conceptOrder = append(conceptOrder, name)
			case "table_relationships":
				lineOf["r:"+name] = ix.addAt(line(c.Key), "relationship "+fmt.Sprintf("%q", name), c.Value)
				relOrder = append(relOrder, name)
			case "tables":
				lineOf["t:"+name] = ix.addAt(line(c.Key), tableLabel(name), c.Value)
				tableOrder = append(tableOrder, name)
			}
		}
	}
	ix.sort()
	var g agDict
	if err := yaml.UnmarshalWithOptions(data, &g, yaml.Strict()); err != nil {
		return nil, yamlProblem(path, ix, err)
	}
	o := &Ontology{Version: FormatVersion, Name: baseName(path), Dialect: g.Dialect, DateFormat: g.DateFormat,
		Path: path, Format: FormatAnalyticGraph, Tables: map[string]Table{}}
	if o.Dialect == "" {
		o.Dialect = "sqlite" // the dict form names none; its formulas use julianday()
	}
	for _, name := range tableOrder {
		t := g.Tables[name]
		cols := map[string]string{}
		for _, c := range t.Columns {
			f := strings.Fields(c)
			if len(f) == 0 {
				continue
			}
			cols[f[0]] = strings.Join(f[1:], " ")
		}
		o.Tables[name] = Table{Description: t.Description, Columns: cols, Line: lineOf["t:"+name]}
	}
	var bad Problems
	for _, name := range conceptOrder {
		c := g.BusinessConcepts[name]
		l := lineOf["c:"+name]
		switch c.Type {
		case "metric":
			o.Metrics = append(o.Metrics, Metric{Name: name, Description: c.Description, Formula: c.Formula,
				Tables: c.Tables, TimeDependent: c.TimeDependent, Line: l})
		case "entity":
			e := Entity{Name: name, Description: c.Description, Tables: c.Tables, Columns: c.Columns, Line: l}
			for _, sv := range c.SampleValues {
				k, v, ok := strings.Cut(sv, ":")
				if !ok {
					o.note(l, entityLabel(name), "sample_values", fmt.Sprintf("%q is not \"Column: value\"; ignored", sv))
					continue
				}
				if e.SampleValues == nil {
					e.SampleValues = map[string]string{}
				}
				e.SampleValues[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `'"`)
			}
			o.Entities = append(o.Entities, e)
		default:
			bad = append(bad, Problem{Path: path, Line: l, Concept: fmt.Sprintf("concept %q", name), Field: "type",
				Message: fmt.Sprintf("unknown type %q: want metric or entity", c.Type), Severity: Error})
		}
	}
	if len(bad) > 0 {
		return nil, bad
	}
	for _, name := range relOrder {
		o.addRelationship(g.TableRelationships[name].JoinCondition, lineOf["r:"+name])
	}
	o.finishSeed()
	return o, nil
}

// addRelationship adds the dict form's relationship with condition on as an inner join of
// the first and last tables it reads.
func (o *Ontology) addRelationship(on string, at int) {
	j := Join{On: on, Type: "INNER", Line: at}
	var tables []string
	for _, r := range QualifiedRefs(on) {
		if len(tables) == 0 || !strings.EqualFold(tables[len(tables)-1], r.Table) {
			tables = append(tables, r.Table)
		}
	}
	if len(tables) > 0 {
		j.Left, j.Right = tables[0], tables[len(tables)-1]
	}
	if j.Left != "" && strings.EqualFold(j.Left, j.Right) {
		o.note(j.Line, joinLabel(j), "join_condition", "self-join without aliases: kept for documentation, not used to join tables")
	}
	o.Joins = append(o.Joins, j)
}

// loadAnalyticGraphV1 reads the seed's list form.
func loadAnalyticGraphV1(path string, data []byte, top []*ast.MappingValueNode) (*Ontology, error) {
	ix := &index{path: path}
	lines := map[string][]int{}
	tableLines := map[string]int{}
	for _, e := range top {
		ix.addKey(e)
		key := keyName(e)
		if key == "tables" {
			entries, _ := mappingEntries(e.Value)
			for _, t := range entries {
				tableLines[keyName(t)] = ix.addAt(line(t.Key), tableLabel(keyName(t)), t.Value)
			}
			continue
		}
		items, _ := sequenceItems(e.Value)
		for _, it := range items {
			label := ""
			switch key {
			case "metrics":
				label = metricLabel(scalarField(it, "name"))
			case "entities":
				label = entityLabel(scalarField(it, "name"))
			case "joins":
				label = joinLabel(Join{Left: scalarField(it, "left"), Right: scalarField(it, "right")})
			}
			lines[key] = append(lines[key], ix.add(label, it))
		}
	}
	ix.sort()
	var g agV1
	if err := yaml.UnmarshalWithOptions(data, &g, yaml.Strict()); err != nil {
		return nil, yamlProblem(path, ix, err)
	}
	at := func(key string, i int) int {
		if i < len(lines[key]) {
			return lines[key][i]
		}
		return 0
	}
	o := &Ontology{Version: FormatVersion, Name: baseName(path), Dialect: g.Dialect, DateFormat: g.DateFormat,
		Path: path, Format: FormatAnalyticGraphV1, Tables: map[string]Table{}}
	if o.Dialect == "" {
		o.Dialect = "sqlite"
	}
	for name, t := range g.Tables {
		o.Tables[name] = Table{Description: t.Description, PrimaryKey: t.PrimaryKey, Columns: t.Columns, Line: tableLines[name]}
	}
	for i, m := range g.Metrics {
		mm := Metric{Name: m.Name, Description: m.Description, Formula: m.Formula, CTE: m.CTE,
			Tables: m.Tables, TimeDependent: m.TimeDependent, Line: at("metrics", i)}
		if m.Dimension != "" {
			mm.Dimensions = []string{o.dimensionFor(m.Dimension, mm.Line)}
		}
		o.Metrics = append(o.Metrics, mm)
	}
	for i, e := range g.Entities {
		ee := Entity{Name: e.Name, Description: e.Description, Tables: e.Tables, Columns: e.Columns, Line: at("entities", i)}
		if len(e.SampleValues) > 0 {
			ee.SampleValues = map[string]string{}
			for k, v := range e.SampleValues {
				ee.SampleValues[k] = fmt.Sprint(v)
			}
		}
		o.Entities = append(o.Entities, ee)
	}
	for i, j := range g.Joins {
		o.Joins = append(o.Joins, Join{Left: j.Left, Right: j.Right, On: j.Condition, Type: strings.ToUpper(j.Type),
			LeftAlias: j.LeftAlias, RightAlias: j.RightAlias, Line: at("joins", i)})
	}
	o.finishSeed()
	return o, nil
}

// finishSeed resolves what the seed forms leave implicit, noting each decision:
// GROUP BY terms inside formulas, formulas that cannot run, and time columns.
func (o *Ontology) finishSeed() {
	for i := range o.Metrics {
		m := &o.Metrics[i]
		label := metricLabel(m.Name)
		if expr, terms, ok := splitGroupBy(m.Formula); ok {
			m.Formula = expr
			for _, t := range terms {
				col := o.resolveGroupBy(t, m.Tables)
				if col == "" {
					o.note(m.Line, label, "formula", fmt.Sprintf("GROUP BY %s: no table or column of that name; dropped", t))
					continue
				}
				name := o.dimensionFor(col, m.Line)
				m.Dimensions = append(m.Dimensions, name)
				o.note(m.Line, label, "formula", fmt.Sprintf("GROUP BY %s split off the formula: dimension %q (%s)", t, name, col))
			}
		}
		local := LocalRelations(m.Formula, m.CTE)
		var unknown []string
		for _, r := range QualifiedRefs(m.Formula) {
			if _, ok := o.tableNamed(r.Table); !ok && !local[strings.ToLower(r.Table)] && !contains(unknown, r.Table) {
				unknown = append(unknown, r.Table)
			}
		}
		if len(unknown) > 0 {
			m.Descriptive = true
			o.note(m.Line, label, "formula", fmt.Sprintf("reads %s, which no table or cte defines: kept as a descriptive metric, not run", strings.Join(unknown, ", ")))
		}
		if m.TimeDependent && m.TimeColumn == "" {
			m.TimeColumn = o.firstDateColumn(m.Tables)
		}
	}
}

// resolveGroupBy finds the column a formula's "GROUP BY term" means: a qualified column as
// written; else a table among the metric's tables named term or term+"s" (region → Regions),
// taking its first *Description or *Name column; else a column named term in those tables.
func (o *Ontology) resolveGroupBy(term string, tables []string) string {
	if t, c := SplitColumn(term); t != "" {
		return t + "." + c
	}
	for _, t := range tables {
		if strings.EqualFold(t, term) || strings.EqualFold(t, term+"s") {
			for _, c := range o.sortedColumns(t) {
				if strings.HasSuffix(c, "Description") || strings.HasSuffix(c, "Name") {
					return t + "." + c
				}
			}
		}
	}
	for _, t := range tables {
		for _, c := range o.sortedColumns(t) {
			if strings.EqualFold(c, term) {
				return t + "." + c
			}
		}
	}
	return ""
}

// dimensionFor returns the name of the dimension on column, adding one named after the
// table (Regions.RegionDescription → "region") when there is none, located at line.
func (o *Ontology) dimensionFor(column string, line int) string {
	for _, d := range o.Dimensions {
		if strings.EqualFold(d.Column, column) {
			return d.Name
		}
	}
	t, _ := SplitColumn(column)
	name := strings.TrimSuffix(strings.ToLower(t), "s")
	if name == "" || o.Dimension(name) != nil {
		name = column
	}
	o.Dimensions = append(o.Dimensions, Dimension{Name: name, Column: column, Kind: "category", Line: line})
	return name
}

// firstDateColumn returns the first DATE or DATETIME column (by the tables section, in
// alphabetical order: the seed's v1 form keeps columns in an unordered map) of the first table that has one, qualified; "" when none is declared.
func (o *Ontology) firstDateColumn(tables []string) string {
	for _, t := range tables {
		name, ok := o.tableNamed(t)
		if !ok {
			continue
		}
		for _, c := range o.sortedColumns(name) {
			if strings.HasPrefix(strings.ToUpper(o.Tables[name].Columns[c]), "DATE") {
				return name + "." + c
			}
		}
	}
	return ""
}

func (o *Ontology) tableNamed(name string) (string, bool) {
	for t := range o.Tables {
		if strings.EqualFold(t, name) {
			return t, true
		}
	}
	return "", false
}

func (o *Ontology) sortedColumns(table string) []string {
	name, _ := o.tableNamed(table)
	var cols []string
	for c := range o.Tables[name].Columns {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	return cols
}

// note records a loader warning.
func (o *Ontology) note(line int, concept, field, msg string) {
	o.Notes = append(o.Notes, Problem{Path: o.Path, Line: line, Concept: concept, Field: field, Message: msg, Severity: Warning})
}

func baseName(path string) string {
	b := path
	if i := strings.LastIndexAny(b, `/\`); i >= 0 {
		b = b[i+1:]
	}
	if i := strings.LastIndex(b, "."); i > 0 {
		b = b[:i]
	}
	return b
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
