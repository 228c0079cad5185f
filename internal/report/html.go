package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"

	"github.com/sqlforge/sqlforge/internal/eval"
)

//go:embed report.html.tmpl
var htmlTemplate string

var htmlTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":     pct,
	"meaning": meaning,
	"json":    jsonCell,
	"f3":      func(f *float64) string { return fmt.Sprintf("%.3f", *f) },
	"f2":      func(f *float64) string { return fmt.Sprintf("%.2f", *f) },
}).Parse(htmlTemplate))

// htmlData is what the template renders.
type htmlData struct {
	R                              *eval.Report
	Metrics, Hardness, Errors, Lat template.HTML
	// Difficulty charts EX per BIRD difficulty (BIRD data only); Difficulties
	// lists the classes and DifficultyRows the table, one row per model.
	Difficulty     template.HTML
	Difficulties   []string
	DifficultyRows [][]string
	// VES says whether and how R-VES was measured.
	VES string
	// SummaryHeader and Summary are the summary table (n/a where not measured).
	SummaryHeader []string
	Summary       [][]string
	// Glossary explains the figures; NoConfidence says why models have no calibration.
	Glossary     []term
	NoConfidence []string
	// Reliability is the calibration chart; Calibration its table.
	Reliability template.HTML
	Calibration calibrationTable
}

// WriteHTML writes a self-contained HTML page: inline CSS, inline SVG charts
// (metrics per model, EX per hardness, EX per BIRD difficulty, error classes,
// latency, reliability of the confidence), the difficulty and calibration
// tables and a
// details/summary drill-down of every item. It loads nothing from the network
// and runs no script.
func WriteHTML(w io.Writer, r *eval.Report) error {
	d := htmlData{R: r}
	metricNames := []string{"EX", "EM", "ESM", "valid", "F1", "sim"}
	var ms []series
	for _, m := range r.Models {
		s := m.Summary
		ms = append(ms, series{m.Model, []float64{s.EX, s.EM, s.ESM, s.Valid, s.F1, s.Sim}})
	}
	d.Metrics = barChart("chart-metrics", "Accuracy per model", metricNames, ms, 1, pctShort)

	hs := hardnesses(r)
	var hss []series
	for _, m := range r.Models {
		vals := make([]float64, len(hs))
		for i, h := range hs {
			for _, x := range m.ByHardness {
				if x.Hardness == h {
					vals[i] = x.Summary.EX
				}
			}
		}
		hss = append(hss, series{m.Model, vals})
	}
	d.Hardness = barChart("chart-hardness", "EX per hardness", hs, hss, 1, pctShort)

	if d.Difficulties = difficulties(r); len(d.Difficulties) > 0 {
		var dss []series
		for _, m := range r.Models {
			vals := make([]float64, len(d.Difficulties))
			row := []string{m.Model}
			for i, c := range d.Difficulties {
				for _, x := range m.ByDifficulty {
					if x.Difficulty == c {
						vals[i] = x.Summary.EX
					}
				}
				row = append(row, difficultyCell(m, c))
			}
			dss = append(dss, series{m.Model, vals})
			d.DifficultyRows = append(d.DifficultyRows, row)
		}
		d.Difficulty = barChart("chart-difficulty", "EX per BIRD difficulty", d.Difficulties, dss, 1, pctShort)
	}
	d.VES = vesSetting(r)
	d.SummaryHeader, d.Summary = summaryHeader, summaryRows(r)
	d.Glossary, d.NoConfidence = glossary, noConfidence(r)

	classes := errorClasses(r)
	var es []series
	for _, m := range r.Models {
		vals := make([]float64, len(classes))
		for i, c := range classes {
			vals[i] = float64(m.Summary.Errors[c])
		}
		es = append(es, series{m.Model, vals})
	}
	d.Errors = hbarChart("chart-errors", "Error classes (items)", classes, es, count)

	var ls []series
	for _, m := range r.Models {
		if l := m.Summary.LatencyMS; measuredOf(m).latency {
			ls = append(ls, series{m.Model, []float64{l.Mean, l.P50, l.P95, l.Max}})
		}
	}
	d.Lat = emptyChart("chart-latency", "Model latency (ms)", "n/a: no model was called (gold and file: predictions take no time)")
	if len(ls) > 0 {
		d.Lat = barChart("chart-latency", "Model latency (ms), models that were called", []string{"mean", "p50", "p95", "max"}, ls, 0, count)
	}
	d.Reliability = reliabilityChart("chart-calibration", r)
	d.Calibration = calibration(r)
	return htmlTmpl.Execute(w, d)
}

func pctShort(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) }

func count(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%.1f", f)
}

// jsonCell renders one result cell: NULL for nil, the value otherwise.
func jsonCell(v any) string {
	if v == nil {
		return "NULL"
	}
	return fmt.Sprint(v)
}
