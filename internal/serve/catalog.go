package serve

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/schema"
)

// DefaultCurrency is the ISO 4217 code the page shows currency metrics in when
// ServiceConfig.Currency is empty.
const DefaultCurrency = "USD"

// maxExamples bounds the example questions of a catalog.
const maxExamples = 6

// newCatalog describes ont and sch for the page: the concepts a question may use, the
// tables behind them, and example questions made from the ontology. Either may be nil.
func newCatalog(ont *ontology.Ontology, sch *schema.Schema, currency string) *Catalog {
	c := &Catalog{Currency: currency, Examples: []string{}, Metrics: []CatalogMetric{}, Dimensions: []CatalogDimension{},
		Segments: []CatalogSegment{}, Tables: []CatalogTable{}}
	if c.Currency == "" {
		c.Currency = DefaultCurrency
	}
	if ont != nil {
		c.Database = ont.Name
		for _, m := range ont.Metrics {
			if m.Descriptive {
				continue
			}
			c.Metrics = append(c.Metrics, CatalogMetric{ID: ontology.MetricID(m.Name), Name: m.Name,
				Description: oneLine(m.Description), Unit: m.Unit, Synonyms: m.Synonyms})
			if f := normalizeSQL(m.Formula); f != "" && m.CTE == "" {
				c.formulas = append(c.formulas, formula{id: ontology.MetricID(m.Name), text: f})
			}
		}
		for _, d := range ont.Dimensions {
			c.Dimensions = append(c.Dimensions, CatalogDimension{ID: d.Name, Name: humanize(d.Name),
				Description: oneLine(d.Description), Kind: d.Kind, Synonyms: d.Synonyms})
		}
		for _, s := range ont.Segments {
			c.Segments = append(c.Segments, CatalogSegment{ID: s.Name, Name: humanize(s.Name), Description: oneLine(s.Description)})
		}
		c.Examples = examples(ont)
	}
	if sch != nil {
		for _, t := range sch.Tables {
			ct := CatalogTable{Name: t.Name, Rows: t.RowCount, Columns: make([]string, len(t.Columns))}
			for i, col := range t.Columns {
				ct.Columns[i] = col.Name
			}
			if ont != nil {
				ct.Description = oneLine(ont.Tables[t.Name].Description)
			}
			c.Tables = append(c.Tables, ct)
		}
	}
	return c
}

// formula is a metric's formula as measuresIn looks for it.
type formula struct{ id, text string }

// measuresIn lists the metrics whose formula sql contains, in the order they appear; a
// formula found only inside a longer one found (revenue inside gross profit) is left out.
func (c *Catalog) measuresIn(sql string) []string {
	s := normalizeSQL(sql)
	type hit struct {
		id, text string
		at       int
	}
	var hits []hit
	for _, f := range c.formulas {
		if i := strings.Index(s, f.text); i >= 0 {
			hits = append(hits, hit{f.id, f.text, i})
		}
	}
	var out []hit
	for _, h := range hits {
		inner := false
		for _, o := range hits {
			if len(o.text) > len(h.text) && strings.Contains(o.text, h.text) {
				inner = true
			}
		}
		if !inner {
			out = append(out, h)
		}
	}
	slices.SortStableFunc(out, func(a, b hit) int { return a.at - b.at })
	ids := make([]string, len(out))
	for i, h := range out {
		ids[i] = h.id
	}
	return ids
}

// normalizeSQL lower-cases SQL and folds its runs of white space, so a formula written over
// several lines is found in a query written on one.
func normalizeSQL(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// examples makes up to maxExamples questions from the ontology's metrics and dimensions,
// phrased as analysts ask them: a total for the latest year, a monthly trend, a top 5
// and breakdowns by a category or a place, amounts and counts before ratios. Only metrics that run as plain aggregates and
// list dimensions are used; the order follows the ontology, so the list is stable.
func examples(ont *ontology.Ontology) []string {
	var metrics []ontology.Metric
	for _, m := range ont.Metrics {
		if !m.Descriptive && m.Period == "" && len(m.Dimensions) > 0 {
			metrics = append(metrics, m)
		}
	}
	// Amounts and counts first: "revenue by category" reads better than a ratio by it.
	slices.SortStableFunc(metrics, func(a, b ontology.Metric) int { return unitRank(a.Unit) - unitRank(b.Unit) })
	dims := map[string]ontology.Dimension{}
	year, month := "", ""
	for _, d := range ont.Dimensions {
		dims[d.Name] = d
		switch {
		case d.Grain == ontology.GrainYear && len(d.Values) > 0 && year == "":
			year = d.Values[len(d.Values)-1]
		case d.Grain == ontology.GrainYearMonth && month == "":
			month = d.Name
		}
	}
	var out []string
	seen := map[string]bool{}
	add := func(q string) {
		if q != "" && !seen[q] && len(out) < maxExamples {
			seen[q] = true
			out = append(out, q)
		}
	}
	usedDim := map[string]bool{}
	for i, m := range metrics {
		name := metricWords(m.Name)
		if i == 0 && m.TimeDependent && year != "" {
			add(fmt.Sprintf("What was the total %s in %s?", name, year))
		}
		if d, ok := pickDimension(m, dims, usedDim); ok {
			usedDim[d.Name] = true
			if topKind(d.Kind) {
				add(fmt.Sprintf("Top 5 %s by %s", plural(humanize(d.Name)), name))
			} else {
				add(fmt.Sprintf("%s by %s", capitalize(name), humanize(d.Name)))
			}
		}
		if i == 0 && m.TimeDependent && month != "" && year != "" && slices.Contains(m.Dimensions, month) {
			add(fmt.Sprintf("%s by month in %s", capitalize(name), year))
		}
		if len(out) >= maxExamples {
			break
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// unitRank orders metrics for examples: currency, counts, quantities, then the rest.
func unitRank(unit string) int {
	switch unit {
	case "currency":
		return 0
	case "count":
		return 1
	case "units":
		return 2
	}
	return 3
}

// pickDimension is the first non-time dimension of m not used by an earlier example and not
// already named by the metric ("regional freight distribution by region" says it twice).
func pickDimension(m ontology.Metric, dims map[string]ontology.Dimension, used map[string]bool) (ontology.Dimension, bool) {
	metric := strings.ToLower(m.Name)
	for _, name := range m.Dimensions {
		d, ok := dims[name]
		if ok && d.Kind != "time" && d.Grain == "" && !used[name] && !strings.Contains(metric, humanize(d.Name)) {
			return d, true
		}
	}
	return ontology.Dimension{}, false
}

// topKind says whether a dimension's values are things one ranks ("top 5 products").
func topKind(kind string) bool {
	return kind == "product" || kind == "organisation" || kind == "person"
}

// humanize turns an identifier into words: "customer_country" → "customer country".
func humanize(id string) string { return strings.Join(strings.FieldsFunc(id, isSep), " ") }

func isSep(r rune) bool { return r == '_' || r == '-' || unicode.IsSpace(r) }

// metricWords is a metric name as a sentence uses it: lower case, acronyms kept
// ("Gross Profit" → "gross profit", "AOV" → "AOV").
func metricWords(name string) string {
	words := strings.Fields(name)
	for i, w := range words {
		if strings.ToUpper(w) != w {
			words[i] = strings.ToLower(w)
		}
	}
	return strings.Join(words, " ")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// plural is the English plural of the last word of a phrase, for the common endings.
func plural(s string) string {
	switch {
	case strings.HasSuffix(s, "y") && !strings.HasSuffix(s, "ay") && !strings.HasSuffix(s, "ey") && !strings.HasSuffix(s, "oy"):
		return strings.TrimSuffix(s, "y") + "ies"
	case strings.HasSuffix(s, "s"), strings.HasSuffix(s, "x"), strings.HasSuffix(s, "ch"), strings.HasSuffix(s, "sh"):
		return s + "es"
	}
	return s + "s"
}

// oneLine folds a description written over several lines into one.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (s *Server) handleCatalog(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.cfg.Service.Catalog())
}
