// Package plot draws a fine-tuning job's results.csv as a self-contained SVG: two panels by
// step, loss and mean token accuracy, each with the training curve (line) and the validation
// curve (dashed line with dots, only at the steps where it was measured). No dependency: the
// SVG is written by hand so it opens in any browser next to results.csv.
package plot

import (
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"strings"

	"github.com/sqlforge/sqlforge/internal/train"
)

// File is the name of the curves file written next to results.csv.
const File = "curves.svg"

// Panel geometry, in SVG user units.
const (
	width, panelH          = 720.0, 280.0
	left, right, top, bott = 60.0, 20.0, 36.0, 40.0
)

const (
	trainColor = "#1f77b4"
	validColor = "#d62728"
)

// series is one curve: the points (step, value) that were measured.
type series struct {
	name, color string
	dashed      bool
	x, y        []float64
}

// WriteFile writes the curves of rows to path.
func WriteFile(path, title string, rows []train.Metrics) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write curves: %w", err)
	}
	if err := SVG(f, title, rows); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write curves %s: %w", path, err)
	}
	return nil
}

// SVG writes the loss and accuracy panels of rows (one per step; NaN marks a value that was
// not measured) to w.
func SVG(w io.Writer, title string, rows []train.Metrics) error {
	pick := func(f func(train.Metrics) float64) (xs, ys []float64) {
		for _, r := range rows {
			if v := f(r); !math.IsNaN(v) && !math.IsInf(v, 0) {
				xs, ys = append(xs, r.Step), append(ys, v)
			}
		}
		return xs, ys
	}
	mk := func(name, color string, dashed bool, f func(train.Metrics) float64) series {
		x, y := pick(f)
		return series{name: name, color: color, dashed: dashed, x: x, y: y}
	}
	loss := []series{
		mk("train loss", trainColor, false, func(m train.Metrics) float64 { return m.TrainLoss }),
		mk("valid loss", validColor, true, func(m train.Metrics) float64 { return m.ValidLoss }),
	}
	acc := []series{
		mk("train token accuracy", trainColor, false, func(m train.Metrics) float64 { return m.TrainMeanTokenAccuracy }),
		mk("valid token accuracy", validColor, true, func(m train.Metrics) float64 { return m.ValidMeanTokenAccuracy }),
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		lo, hi = math.Min(lo, r.Step), math.Max(hi, r.Step)
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	if hi <= lo {
		hi = lo + 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" font-family="sans-serif" font-size="11">`+"\n",
		width, 2*panelH, width, 2*panelH)
	fmt.Fprintf(&b, `<rect width="%g" height="%g" fill="white"/>`+"\n", width, 2*panelH)
	fmt.Fprintf(&b, `<text x="%g" y="16" font-size="13" font-weight="bold">%s</text>`+"\n", left, html.EscapeString(title))
	panel(&b, 0, "loss", loss, lo, hi, false)
	panel(&b, panelH, "mean token accuracy", acc, lo, hi, true)
	b.WriteString("</svg>\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write curves: %w", err)
	}
	return nil
}

// panel draws one panel at vertical offset y0 with x from lo to hi steps; unit clamps the
// value axis to [0, 1] (accuracies).
func panel(b *strings.Builder, y0 float64, label string, ss []series, lo, hi float64, unit bool) {
	vmin, vmax := math.Inf(1), math.Inf(-1)
	for _, s := range ss {
		for _, v := range s.y {
			vmin, vmax = math.Min(vmin, v), math.Max(vmax, v)
		}
	}
	if math.IsInf(vmin, 1) {
		vmin, vmax = 0, 1
	}
	if pad := 0.05 * (vmax - vmin); pad > 0 {
		vmin, vmax = vmin-pad, vmax+pad
	} else {
		vmin, vmax = vmin-0.5, vmax+0.5
	}
	if unit {
		vmin, vmax = math.Max(0, vmin), math.Min(1, vmax)
		if vmax <= vmin {
			vmin, vmax = 0, 1
		}
	} else {
		vmin = math.Max(0, vmin)
	}
	x := func(step float64) float64 { return left + (width-left-right)*(step-lo)/(hi-lo) }
	y := func(v float64) float64 { return y0 + top + (panelH-top-bott)*(vmax-v)/(vmax-vmin) }
	fmt.Fprintf(b, `<g><text x="%g" y="%g" font-weight="bold">%s</text>`+"\n", left, y0+top-8, html.EscapeString(label))
	for i := 0; i <= 4; i++ {
		v := vmin + (vmax-vmin)*float64(i)/4
		fmt.Fprintf(b, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="#e5e5e5"/><text x="%g" y="%.1f" text-anchor="end">%.3g</text>`+"\n",
			left, width-right, y(v), y(v), left-4, y(v)+4, v)
	}
	for i := 0; i <= 4; i++ {
		s := lo + (hi-lo)*float64(i)/4
		fmt.Fprintf(b, `<text x="%.1f" y="%g" text-anchor="middle">%.4g</text>`+"\n", x(s), y0+panelH-bott+14, s)
	}
	fmt.Fprintf(b, `<text x="%g" y="%g" text-anchor="middle">step</text>`+"\n", (left+width-right)/2, y0+panelH-bott+28)
	fmt.Fprintf(b, `<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="#888"/>`+"\n", left, y0+top, width-left-right, panelH-top-bott)
	for i, s := range ss {
		dash := ""
		if s.dashed {
			dash = ` stroke-dasharray="5 3"`
		}
		fmt.Fprintf(b, `<line x1="%g" x2="%g" y1="%g" y2="%g" stroke="%s" stroke-width="2"%s/><text x="%g" y="%g">%s</text>`+"\n",
			width-right-170, width-right-150, y0+top+12+14*float64(i), y0+top+12+14*float64(i), s.color, dash,
			width-right-145, y0+top+16+14*float64(i), html.EscapeString(s.name))
		if len(s.x) == 0 {
			continue
		}
		var pts []string
		for j := range s.x {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(s.x[j]), y(s.y[j])))
		}
		fmt.Fprintf(b, `<polyline class="%s" fill="none" stroke="%s" stroke-width="1.5"%s points="%s"/>`+"\n",
			strings.ReplaceAll(s.name, " ", "-"), s.color, dash, strings.Join(pts, " "))
		if s.dashed {
			for j := range s.x {
				fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"/>`+"\n", x(s.x[j]), y(s.y[j]), s.color)
			}
		}
	}
	b.WriteString("</g>\n")
}
