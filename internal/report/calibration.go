package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"

	"github.com/sqlforge/sqlforge/internal/eval"
)

// calibrationTable is the calibration section as cells, shared by report.md
// and report.html: one row per model, "n/a" for a model without confidence.
type calibrationTable struct {
	Header []string
	Rows   [][]string
}

// calibration lays out every model's calibration: items, mean confidence, EX,
// ECE, then per bin "EX / mean confidence (items)", "—" for an empty bin.
func calibration(r *eval.Report) calibrationTable {
	t := calibrationTable{Header: []string{"model", "items", "mean confidence", "EX", "ECE", "conf. right / wrong"}}
	for b := range eval.CalibrationBins {
		lo, hi := float64(b)/eval.CalibrationBins, float64(b+1)/eval.CalibrationBins
		closing := ")"
		if b == eval.CalibrationBins-1 {
			closing = "]"
		}
		t.Header = append(t.Header, fmt.Sprintf("[%.1f, %.1f%s", lo, hi, closing))
	}
	for _, m := range r.Models {
		row := []string{m.Model}
		c := m.Calibration
		if c == nil {
			for range len(t.Header) - 1 {
				row = append(row, eval.NA)
			}
			t.Rows = append(t.Rows, row)
			continue
		}
		row = append(row, fmt.Sprint(c.Items), fmt.Sprintf("%.3f", c.MeanConfidence), pct(c.Accuracy), fmt.Sprintf("%.3f", c.ECE),
			fmt.Sprintf("%.2f / %.2f", c.MeanRight, c.MeanWrong))
		for _, b := range c.Bins {
			if b.Items == 0 {
				row = append(row, "—")
				continue
			}
			row = append(row, fmt.Sprintf("%s / %.2f (%d)", pct(b.Accuracy), b.MeanConfidence, b.Items))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// writeCalibrationMarkdown writes the calibration section of report.md.
func writeCalibrationMarkdown(b *strings.Builder, r *eval.Report) {
	t := calibration(r)
	b.WriteString("\n## Calibration\n\n")
	b.WriteString("Confidence as `sqlforge serve` computes it (`internal/confidence`) against EX. " +
		"Per bin: EX / mean confidence (items). ECE: expected calibration error, 0 when confidence equals accuracy. " +
		"Conf. right / wrong: the mean confidence of the right and of the wrong answers.\n\n")
	writeTableMarkdown(b, t.Header, t.Rows)
	if why := noConfidence(r); len(why) > 0 {
		b.WriteString("\nn/a: no calibration for\n")
		for _, w := range why {
			b.WriteString("- " + mdCell(w) + "\n")
		}
	}
}

// reliabilityChart draws accuracy (EX) against mean confidence per bin as
// inline SVG: the diagonal of perfect calibration, the bin edges, and per
// model with a calibration a line through its non-empty bins, each a circle
// whose area grows with the bin's items.
func reliabilityChart(id string, r *eval.Report) template.HTML {
	const w, left, top, right = 420.0, 48.0, 40.0, 16.0
	plot := w - left - right
	x := func(v float64) float64 { return left + plot*v }
	y := func(v float64) float64 { return top + plot*(1-v) }
	title := "Reliability: EX per confidence bin"
	var names []string
	var colors []string
	for mi, m := range r.Models {
		if m.Calibration != nil {
			names = append(names, fmt.Sprintf("%s (ECE %.3f)", m.Model, m.Calibration.ECE))
			colors = append(colors, palette[mi%len(palette)])
		}
	}
	leg, legH := legend(names, func(i int) string { return colors[i] }, left, y(0)+46, w-left-right)
	h := y(0) + 46 + math.Max(legH, lineH) + 8
	var b strings.Builder
	svgOpen(&b, id, title, w, h, left)
	for i := 0; i <= eval.CalibrationBins; i++ {
		v := float64(i) / eval.CalibrationBins
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="grid"/><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="grid"/>`,
			x(v), y(0), x(v), y(1), x(0), y(v), x(1), y(v))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="axis" text-anchor="middle">%.1f</text><text x="%.1f" y="%.1f" class="axis" text-anchor="end">%s</text>`,
			x(v), y(0)+18, v, x(0)-6, y(v)+4, pctShort(v))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="axis" text-anchor="middle">mean confidence</text>`, x(0.5), y(0)+36)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="diagonal"><title>perfect calibration</title></line>`, x(0), y(0), x(1), y(1))
	drawn := 0
	for mi, m := range r.Models {
		c := m.Calibration
		if c == nil {
			continue
		}
		color := palette[mi%len(palette)]
		var pts []string
		var dots strings.Builder
		for _, bin := range c.Bins {
			if bin.Items == 0 {
				continue
			}
			px, py := x(bin.MeanConfidence), y(bin.Accuracy)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px, py))
			rad := 3 + 9*math.Sqrt(float64(bin.Items)/float64(c.Items))
			fmt.Fprintf(&dots, `<circle class="calibration-bin" cx="%.1f" cy="%.1f" r="%.1f" fill="%s"><title>%s · confidence [%.1f, %.1f]: EX %s, mean confidence %.2f, %d items</title></circle>`,
				px, py, rad, color, html.EscapeString(m.Model), bin.Lo, bin.Hi, pct(bin.Accuracy), bin.MeanConfidence, bin.Items)
		}
		fmt.Fprintf(&b, `<polyline class="calibration-line" points="%s" fill="none" stroke="%s"/>`, strings.Join(pts, " "), color)
		b.WriteString(dots.String())
		drawn++
	}
	b.WriteString(leg)
	if drawn == 0 {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="legend" text-anchor="middle">n/a: no model reports a confidence</text>`, x(0.5), y(0.55))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
