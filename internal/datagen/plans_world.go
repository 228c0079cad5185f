package datagen

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/sqlforge/sqlforge/internal/dialect"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
	"github.com/sqlforge/sqlforge/internal/plan/compile"
)

// planWorld is what the plan sampler draws from: the metrics that compile and run, what
// each may be broken down, filtered and restricted by, and sampled values.
type planWorld struct {
	c       *compile.Compiler
	ont     *ontology.Ontology
	db      *sql.DB
	metrics []*pmetric
	// values holds sample values per dimension name (most frequent first).
	values map[string][]string
	// years and months of the data (ascending), for periods.
	years  []int
	months []string
	// thresholds caches each metric's per-group values, keyed "metric/dimension".
	thresholds map[string][]float64
	skipped    []string
}

type pmetric struct {
	m        *ontology.Metric
	id       string
	groups   []*ontology.Dimension // non-calendar dimensions with several values
	grains   []*ontology.Dimension // calendar grains of its time column
	filters  []*ontology.Dimension // dimensions with sample values it may be filtered by
	segs     []*ontology.Segment
	timed    bool
	additive bool
}

func buildPlanWorld(ctx context.Context, db *sql.DB, ont *ontology.Ontology, c *compile.Compiler) (*planWorld, error) {
	w := &planWorld{c: c, ont: ont, db: db, values: map[string][]string{}, thresholds: map[string][]float64{}}
	if err := c.SetLatest(ctx, db); err != nil {
		return nil, err
	}
	for i := range ont.Dimensions {
		d := &ont.Dimensions[i]
		if d.Grain != "" {
			continue
		}
		vals, err := sampleValues(ctx, db, c.Dialect, d.Column, 25)
		if err != nil {
			w.skipped = append(w.skipped, "dimension "+d.Name)
			continue
		}
		w.values[d.Name] = vals
		if len(d.Labels) > 1 {
			if full, err := fullNames(ctx, db, c.Dialect, d); err == nil {
				w.values[d.Name] = append(w.values[d.Name], full...)
			}
		}
	}
	for i := range ont.Metrics {
		m := &ont.Metrics[i]
		if m.Descriptive || m.CTE != "" {
			continue
		}
		pm := &pmetric{m: m, id: ontology.MetricID(m.Name), timed: m.TimeColumn != "" && m.Period == "", additive: additiveFormula(m.Formula)}
		if err := w.probe(ctx, &plan.Plan{Measures: []string{pm.id}}); err != nil {
			w.skipped = append(w.skipped, "metric "+m.Name)
			continue
		}
		for j := range ont.Dimensions {
			d := &ont.Dimensions[j]
			if !c.DimensionAllowed(m, d) {
				continue
			}
			switch {
			case d.Grain != "":
				if pm.timed {
					pm.grains = append(pm.grains, d)
				}
			case len(w.values[d.Name]) > 1 && d.Kind != "flag":
				// Flags (0/1) are asked about through segments ("discontinued products"),
				// not by their raw values.
				pm.groups = append(pm.groups, d)
				pm.filters = append(pm.filters, d)
			}
		}
		for j := range ont.Segments {
			if c.SegmentAllowed(m, &ont.Segments[j]) {
				pm.segs = append(pm.segs, &ont.Segments[j])
			}
		}
		w.metrics = append(w.metrics, pm)
		if pm.timed && len(w.years) == 0 {
			p, err := samplePeriods(ctx, db, c.Dialect, m.TimeColumn)
			if err == nil {
				w.years, w.months = p.years, p.months
			}
		}
	}
	if len(w.metrics) == 0 {
		return nil, fmt.Errorf("no metric of ontology %s compiles and runs", ont.Name)
	}
	return w, nil
}

// fullNames samples "First Last" values of a person dimension.
func fullNames(ctx context.Context, db *sql.DB, dl dialect.Dialect, d *ontology.Dimension) ([]string, error) {
	from, err := (&ontology.Ontology{}).FromClause([]string{d.Table()})
	if err != nil {
		return nil, err
	}
	q, err := dialect.Render(dl, fmt.Sprintf("SELECT DISTINCT %s || ' ' || %s FROM %s WHERE %s IS NOT NULL LIMIT 10",
		d.Labels[0], d.Labels[len(d.Labels)-1], from, d.Labels[0]))
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	rows, err := query(ctx, conn, q)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range rows {
		if r[0] != `\N` {
			out = append(out, r[0])
		}
	}
	return out, nil
}

// probe compiles p and checks that it returns a non-NULL value.
func (w *planWorld) probe(ctx context.Context, p *plan.Plan) error {
	q, err := w.c.Compile(p)
	if err != nil {
		return err
	}
	var v any
	if err := w.db.QueryRowContext(ctx, q).Scan(&v); err != nil {
		return err
	}
	if v == nil {
		return fmt.Errorf("%s is NULL", plan.Format(p))
	}
	return nil
}

// threshold returns a round number that splits the metric's values per group of d, or false.
func (w *planWorld) threshold(ctx context.Context, pm *pmetric, d *ontology.Dimension, q float64) (float64, bool) {
	key := pm.id + "/" + d.Name
	vals, ok := w.thresholds[key]
	if !ok {
		p := &plan.Plan{Measures: []string{pm.id}, GroupBy: []plan.Group{{Dim: d.Name}}}
		sqlText, err := w.c.Compile(p)
		if err == nil {
			vals, _ = measureColumn(ctx, w.db, sqlText)
		}
		sort.Float64s(vals)
		w.thresholds[key] = vals
	}
	if len(vals) < 4 {
		return 0, false
	}
	v := roundNice(vals[int(q*float64(len(vals)-1))])
	if v <= vals[0] || v >= vals[len(vals)-1] {
		return 0, false
	}
	return v, true
}

// measureColumn reads the last column of q's rows as numbers.
func measureColumn(ctx context.Context, db *sql.DB, q string) ([]float64, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	rows, err := query(ctx, conn, q)
	if err != nil {
		return nil, err
	}
	var out []float64
	for _, r := range rows {
		if f, err := strconv.ParseFloat(r[len(r)-1], 64); err == nil {
			out = append(out, f)
		}
	}
	return out, nil
}

// roundNice keeps two significant digits: 12345.6 → 12000, 0.347 → 0.35.
func roundNice(v float64) float64 {
	if v == 0 {
		return 0
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 2, 64), 64)
	if math.Abs(r) >= 100 {
		return math.Round(r)
	}
	return r
}

func pickDim(r interface{ IntN(int) int }, ds []*ontology.Dimension, not ...*ontology.Dimension) *ontology.Dimension {
	var ok []*ontology.Dimension
	for _, d := range ds {
		if !slices.Contains(not, d) {
			ok = append(ok, d)
		}
	}
	if len(ok) == 0 {
		return nil
	}
	return ok[r.IntN(len(ok))]
}
