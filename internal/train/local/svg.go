package local

import (
	"fmt"
	"math"
	"strings"
)

// LossPlotFile is the name of the loss plot in a run directory.
const LossPlotFile = "loss.svg"

// lossSVG draws the training loss (line) and the validation loss (line
// with dots) against the step as a self-contained SVG of 640×360.
func lossSVG(history []Row) string {
	const w, h, left, right, top, bottom = 640.0, 360.0, 56.0, 16.0, 28.0, 40.0
	lo, hi, last := math.Inf(1), math.Inf(-1), 1
	for _, r := range history {
		for _, v := range []float64{r.TrainLoss, r.ValidLoss} {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		last = max(last, r.Step)
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	if hi-lo < 1e-9 {
		hi = lo + 1
	}
	lo = max(0, lo-0.05*(hi-lo))
	x := func(step int) float64 { return left + (w-left-right)*float64(step)/float64(last) }
	y := func(v float64) float64 { return top + (h-top-bottom)*(hi-v)/(hi-lo) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" font-family="sans-serif" font-size="11">`+"\n", w, h, w, h)
	fmt.Fprintf(&b, `<rect width="%g" height="%g" fill="white"/>`+"\n", w, h)
	for i := 0; i <= 4; i++ {
		v := lo + (hi-lo)*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="#e5e5e5"/><text x="%g" y="%.1f" text-anchor="end">%.3g</text>`+"\n",
			left, w-right, y(v), y(v), left-4, y(v)+4, v)
	}
	fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="%g" y2="%g" stroke="black"/>`+"\n", left, w-right, h-bottom, h-bottom)
	fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="%g" y2="%g" stroke="black"/>`+"\n", left, left, top, h-bottom)
	for i := 0; i <= 4; i++ {
		s := int(math.Round(float64(last) * float64(i) / 4))
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" text-anchor="middle">%d</text>`+"\n", x(s), h-bottom+14, s)
	}
	fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="middle">step</text>`+"\n", (left+w-right)/2, h-6)
	series := func(get func(Row) float64, color string, dots bool) {
		var pts []string
		for _, r := range history {
			if v := get(r); !math.IsNaN(v) && !math.IsInf(v, 0) {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(r.Step), y(v)))
				if dots {
					fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"/>`+"\n", x(r.Step), y(v), color)
				}
			}
		}
		if len(pts) > 0 {
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`+"\n", color, strings.Join(pts, " "))
		}
	}
	series(func(r Row) float64 { return r.TrainLoss }, "#1f77b4", false)
	series(func(r Row) float64 { return r.ValidLoss }, "#d62728", true)
	fmt.Fprintf(&b, `<text x="%g" y="16" fill="#1f77b4">— train loss</text><text x="%g" y="16" fill="#d62728">● validation loss</text>`+"\n", left, left+110)
	b.WriteString("</svg>\n")
	return b.String()
}
