package datagen

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/sqlforge/sqlforge/internal/dialect"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/schema"
)

// world is the ontology resolved against one database: the metrics, dimensions and entities
// that probe successfully, with their filter values and the periods the data covers.
type world struct {
	d        dialect.Dialect
	joins    *joinGraph
	metrics  []*metric
	dims     []*dim
	entities []*entity
	skipped  []string
}

// metric is an ontology metric the generator can use.
type metric struct {
	name    string
	names   []string // the name and synonyms, in words
	formula string
	tables  []string
	timeCol string // qualified date column, "" when the metric has no time
	unit    string
	dims    []*dim // dimensions it may be grouped by
	filters []*dim // dimensions it may be filtered by
	periods *periods
	// groups caches the per-dimension values of the metric (for thresholds), keyed by dim name.
	groups map[string][]float64
}

// dim is a categorical dimension with the values it takes.
type dim struct {
	name   string
	names  []string
	col    string // qualified column
	table  string
	kind   string
	values []string // most frequent first
}

// entity is a business object with a key, a label and typed columns.
type entity struct {
	name    string
	names   []string
	table   string
	key     string // qualified
	label   string // qualified
	numeric []string
	text    []*dim // text columns with sampled values
	labels  []string
}

// periods are the years and months a time column covers, ascending.
type periods struct {
	col    string
	years  []int
	months []string // "YYYY-MM"
}

func words(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(strings.NewReplacer("_", " ", "-", " ").Replace(name)), " "))
}

func names(name string, synonyms []string) []string {
	out := []string{words(name)}
	for _, s := range synonyms {
		if w := words(s); w != "" && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

func splitCol(q string) (table, col string) {
	if i := strings.LastIndexByte(q, '.'); i >= 0 {
		return q[:i], q[i+1:]
	}
	return "", q
}

// buildWorld resolves ont against db, probing every concept with a query and dropping
// (and recording) the ones that fail.
func buildWorld(ctx context.Context, db *sql.DB, ont *ontology.Ontology, d dialect.Dialect) (*world, error) {
	w := &world{d: d, joins: newJoinGraph(ont.Joins)}
	sch, err := schema.IntrospectWith(ctx, db, schema.Options{})
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	dims := map[string]*dim{}
	for _, od := range ont.Dimensions {
		t, c := splitCol(od.Column)
		if t == "" || od.Kind == "time" || strings.ContainsAny(c, " ()") {
			continue
		}
		dm := &dim{name: od.Name, names: names(od.Name, od.Synonyms), col: od.Column, table: t, kind: od.Kind}
		vals, err := sampleValues(ctx, db, d, od.Column, 24)
		if err != nil || len(vals) == 0 {
			w.skipped = append(w.skipped, "dimension "+od.Name)
			continue
		}
		dm.values = vals
		for _, v := range od.Values { // the ontology's values first, when the data holds them
			if i := slices.Index(dm.values, v); i > 0 {
				dm.values = append([]string{v}, slices.Delete(dm.values, i, i+1)...)
			}
		}
		dims[od.Name] = dm
		w.dims = append(w.dims, dm)
	}
	perByCol := map[string]*periods{}
	for _, om := range ont.Metrics {
		m, err := w.metric(ctx, db, ont, om, dims, perByCol)
		if err != nil {
			w.skipped = append(w.skipped, "metric "+om.Name)
			continue
		}
		w.metrics = append(w.metrics, m)
	}
	for _, oe := range ont.Entities {
		e, err := w.entity(ctx, db, sch, oe)
		if err != nil {
			w.skipped = append(w.skipped, "entity "+oe.Name)
			continue
		}
		w.entities = append(w.entities, e)
	}
	if len(w.metrics) == 0 && len(w.entities) == 0 {
		return nil, fmt.Errorf("no usable metric or entity in ontology %s (skipped: %s)", ont.Name, strings.Join(w.skipped, ", "))
	}
	return w, nil
}

func (w *world) metric(ctx context.Context, db *sql.DB, ont *ontology.Ontology, om ontology.Metric, dims map[string]*dim, perByCol map[string]*periods) (*metric, error) {
	if om.CTE != "" || strings.Contains(strings.ToUpper(om.Formula), "GROUP BY") || len(om.Tables) == 0 {
		return nil, fmt.Errorf("metric %s: unsupported form", om.Name)
	}
	m := &metric{name: om.Name, names: names(om.Name, om.Synonyms), formula: om.Formula,
		tables: om.Tables, unit: om.Unit, groups: map[string][]float64{}}
	m.timeCol = om.TimeColumn
	if m.timeCol == "" {
		for _, t := range om.Tables {
			if tc := ont.Tables[t].TimeColumn; tc != "" {
				m.timeCol = t + "." + tc
				break
			}
		}
	}
	from, _, err := w.joins.from(w.d, m.tables)
	if err != nil {
		return nil, err
	}
	if err := probe(ctx, db, "SELECT "+m.formula+" FROM "+from); err != nil {
		return nil, err
	}
	if m.timeCol != "" {
		t, _ := splitCol(m.timeCol)
		if !slices.Contains(m.tables, t) {
			m.tables = append(slices.Clone(m.tables), t)
		}
		p, ok := perByCol[m.timeCol]
		if !ok {
			p, err = samplePeriods(ctx, db, w.d, m.timeCol)
			if err != nil {
				return nil, err
			}
			perByCol[m.timeCol] = p
		}
		if len(p.years) > 0 {
			m.periods = p
		}
	}
	pick := func(list []string) []*dim {
		var out []*dim
		for _, n := range list {
			if dm := dims[n]; dm != nil {
				if _, _, err := w.joins.from(w.d, append(slices.Clone(m.tables), dm.table)); err == nil {
					out = append(out, dm)
				}
			}
		}
		return out
	}
	dimList := om.Dimensions
	if len(dimList) == 0 {
		for _, od := range ont.Dimensions {
			dimList = append(dimList, od.Name)
		}
	}
	m.dims = pick(dimList)
	if len(om.Filters) > 0 {
		m.filters = pick(om.Filters)
	} else {
		m.filters = m.dims
	}
	return m, nil
}

func (w *world) entity(ctx context.Context, db *sql.DB, sch *schema.Schema, oe ontology.Entity) (*entity, error) {
	if len(oe.Tables) == 0 {
		return nil, fmt.Errorf("entity %s: no table", oe.Name)
	}
	t := oe.Tables[0]
	st := sch.Table(t)
	if st == nil {
		return nil, fmt.Errorf("entity %s: no table %s", oe.Name, t)
	}
	e := &entity{name: oe.Name, names: names(oe.Name, oe.Synonyms), table: t, key: oe.Key, label: oe.Label}
	qual := func(c string) string {
		if strings.Contains(c, ".") {
			return c
		}
		return t + "." + c
	}
	if e.key == "" && len(st.PrimaryKey) == 1 {
		e.key = t + "." + st.PrimaryKey[0]
	}
	if e.label == "" {
		e.label = e.key
	}
	if e.key == "" {
		return nil, fmt.Errorf("entity %s: no key", oe.Name)
	}
	if tk, _ := splitCol(e.key); tk != t {
		return nil, fmt.Errorf("entity %s: key outside %s", oe.Name, t)
	}
	if tl, _ := splitCol(e.label); tl != t {
		return nil, fmt.Errorf("entity %s: label outside %s", oe.Name, t)
	}
	labels, err := sampleValues(ctx, db, w.d, e.label, 40)
	if err != nil {
		return nil, err
	}
	e.labels = labels
	for _, c := range oe.Columns {
		qc := qual(c)
		tc, cn := splitCol(qc)
		col := st.Column(cn)
		if tc != t || col == nil || qc == e.key || qc == e.label || col.PK > 0 || strings.HasSuffix(cn, "ID") {
			continue
		}
		ty := strings.ToUpper(col.Type)
		switch {
		case strings.Contains(ty, "INT") || strings.Contains(ty, "NUM") || strings.Contains(ty, "REAL") || strings.Contains(ty, "DEC") || strings.Contains(ty, "FLOA") || strings.Contains(ty, "DOUB"):
			e.numeric = append(e.numeric, qc)
		case strings.Contains(ty, "DATE") || strings.Contains(ty, "TIME") || strings.Contains(ty, "BLOB"):
		default:
			vals, err := sampleValues(ctx, db, w.d, qc, 12)
			if err != nil || len(vals) < 2 {
				continue
			}
			e.text = append(e.text, &dim{name: words(cn), names: []string{columnWords(cn)}, col: qc, table: t, values: vals})
		}
	}
	return e, nil
}

// columnWords turns a column name into words: "UnitsInStock" -> "units in stock".
func columnWords(c string) string {
	var b strings.Builder
	rs := []rune(c)
	for i, r := range rs {
		if i > 0 && r >= 'A' && r <= 'Z' && (rs[i-1] < 'A' || rs[i-1] > 'Z' || (i+1 < len(rs) && rs[i+1] >= 'a' && rs[i+1] <= 'z')) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return words(b.String())
}
