package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// palette colours series (models) in charts.
var palette = []string{"#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5"}

// Text metrics of the charts' small labels (class axis and legend, 11px system-ui), used to
// lay labels out so that none overlaps another.
const (
	charW     = 7.0  // a generous mean glyph width (DejaVu Sans is wide), px
	lineH     = 16.0 // a legend or label line, px
	legendGap = 18.0 // between legend entries, px
)

// textWidth estimates the width of s in a small label.
func textWidth(s string) float64 { return charW * float64(len([]rune(s))) }

// series is one named row of values in a grouped bar chart.
type series struct {
	Name   string
	Values []float64
}

// svgOpen starts a chart of w×h with its title.
func svgOpen(b *strings.Builder, id, title string, w, h, left float64) {
	fmt.Fprintf(b, `<svg id="%s" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="%s">`,
		html.EscapeString(id), w, h, w, h, html.EscapeString(title))
	fmt.Fprintf(b, `<title>%s</title><text x="%g" y="18" class="title">%s</text>`, html.EscapeString(title), left, html.EscapeString(title))
}

// legend lays out one entry per name (a colour square and the name), wrapping to a new
// line before an entry would pass width; it returns the SVG and the height it takes.
func legend(names []string, colors func(int) string, x0, y0, width float64) (string, float64) {
	var b strings.Builder
	x, y := x0, y0
	for i, name := range names {
		w := 14 + textWidth(name)
		if x > x0 && x+w > x0+width {
			x, y = x0, y+lineH
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="10" height="10" fill="%s"/><text x="%.1f" y="%.1f" class="legend">%s</text>`,
			x, y, colors(i), x+14, y+9, html.EscapeString(name))
		x += w + legendGap
	}
	if len(names) == 0 {
		return "", 0
	}
	return b.String(), y - y0 + lineH
}

func seriesColor(i int) string { return palette[i%len(palette)] }

func seriesNames(ss []series) []string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = s.Name
	}
	return names
}

// axisMax is max, or the largest value when max is 0 (1 when there is none).
func axisMax(ss []series, max float64) float64 {
	if max > 0 {
		return max
	}
	for _, s := range ss {
		for _, v := range s.Values {
			max = math.Max(max, v)
		}
	}
	if max <= 0 {
		return 1
	}
	return max
}

// barChart draws a grouped vertical bar chart as inline SVG: one group per category, one
// bar per series, value labels and a legend that wraps. Category labels that would not fit
// their group's width are turned 35° so that they never overlap. format renders a value;
// max is the top of the axis (0 to use the largest value).
func barChart(id, title string, categories []string, ss []series, max float64, format func(float64) string) template.HTML {
	const w, left, top, plotH = 640.0, 48.0, 40.0, 212.0
	max = axisMax(ss, max)
	plotW := w - left - 16
	n := max1(len(categories))
	groupW := plotW / float64(n)
	barW := groupW * 0.8 / float64(max1(len(ss)))
	widest := 0.0
	for _, c := range categories {
		widest = math.Max(widest, textWidth(c))
	}
	rotate := widest > groupW-6
	labelH := lineH + 8
	if rotate {
		labelH = widest*math.Sin(35*math.Pi/180) + 20
	}
	leg, legH := legend(seriesNames(ss), seriesColor, left, top+plotH+labelH, plotW)
	h := top + plotH + labelH + legH + 8
	var b strings.Builder
	svgOpen(&b, id, title, w, h, left)
	for i := 0; i <= 4; i++ {
		y := top + plotH - plotH*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" class="grid"/><text x="%g" y="%.1f" class="axis" text-anchor="end">%s</text>`,
			left, y, left+plotW, y, left-4, y+4, html.EscapeString(format(max*float64(i)/4)))
	}
	for ci, c := range categories {
		gx := left + groupW*float64(ci) + groupW*0.1
		for si, s := range ss {
			v := 0.0
			if ci < len(s.Values) {
				v = s.Values[ci]
			}
			bh := plotH * math.Min(v, max) / max
			x := gx + barW*float64(si)
			fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s · %s: %s</title></rect>`,
				x, top+plotH-bh, math.Max(barW-2, 1), bh, seriesColor(si),
				html.EscapeString(s.Name), html.EscapeString(c), html.EscapeString(format(v)))
			if barW >= textWidth(format(v))+2 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="val" text-anchor="middle">%s</text>`, x+barW/2-1, top+plotH-bh-3, html.EscapeString(format(v)))
			}
		}
		cx, cy := gx+groupW*0.4, top+plotH+16
		if rotate {
			fmt.Fprintf(&b, `<text x="%.1f" y="%g" class="axis" text-anchor="end" transform="rotate(-35 %.1f %g)">%s</text>`, cx, cy, cx, cy, html.EscapeString(c))
		} else {
			fmt.Fprintf(&b, `<text x="%.1f" y="%g" class="axis" text-anchor="middle">%s</text>`, cx, cy, html.EscapeString(c))
		}
	}
	b.WriteString(leg)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// hbarChart draws a grouped horizontal bar chart: one row per category, its label written
// in full on the left, one bar per series with its value at the end, and a legend that
// wraps. It suits many categories with long names (error classes).
func hbarChart(id, title string, categories []string, ss []series, format func(float64) string) template.HTML {
	const w, top, barH, gap, valueW = 640.0, 40.0, 12.0, 10.0, 44.0
	max := axisMax(ss, 0)
	labelW := 40.0
	for _, c := range categories {
		labelW = math.Max(labelW, textWidth(c)+12)
	}
	left := math.Min(labelW+12, w/2)
	plotW := w - left - valueW - 8
	rowH := barH*float64(max1(len(ss))) + gap
	plotH := rowH * float64(max1(len(categories)))
	leg, legH := legend(seriesNames(ss), seriesColor, 12, top+plotH+8, w-24)
	h := top + plotH + 8 + legH + 8
	var b strings.Builder
	svgOpen(&b, id, title, w, h, 12)
	fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" class="grid"/>`, left, top, left, top+plotH)
	for ci, c := range categories {
		y0 := top + rowH*float64(ci) + gap/2
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" class="axis" text-anchor="end">%s</text>`, left-6, y0+rowH/2-gap/2+4, html.EscapeString(c))
		for si, s := range ss {
			v := 0.0
			if ci < len(s.Values) {
				v = s.Values[ci]
			}
			bw := plotW * v / max
			y := y0 + barH*float64(si)
			fmt.Fprintf(&b, `<rect class="bar" x="%g" y="%.1f" width="%.1f" height="%g" fill="%s"><title>%s · %s: %s</title></rect>`,
				left, y, math.Max(bw, 0.5), barH-1, seriesColor(si), html.EscapeString(s.Name), html.EscapeString(c), html.EscapeString(format(v)))
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="val">%s</text>`, left+bw+4, y+barH-2.5, html.EscapeString(format(v)))
		}
	}
	b.WriteString(leg)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// emptyChart is a chart's frame with a message where there is nothing to draw.
func emptyChart(id, title, msg string) template.HTML {
	const w, h = 640.0, 90.0
	var b strings.Builder
	svgOpen(&b, id, title, w, h, 48)
	fmt.Fprintf(&b, `<text x="48" y="56" class="legend">%s</text></svg>`, html.EscapeString(msg))
	return template.HTML(b.String())
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}
