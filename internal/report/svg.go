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

// series is one named row of values in a grouped bar chart.
type series struct {
	Name   string
	Values []float64
}

// barChart draws a grouped vertical bar chart as inline SVG: one group per
// category, one bar per series, a legend, and value labels. format renders a
// value; max is the top of the axis (0 to use the largest value).
func barChart(id, title string, categories []string, ss []series, max float64, format func(float64) string) template.HTML {
	const w, h, left, top, bottom = 640.0, 300.0, 48.0, 40.0, 48.0
	if max <= 0 {
		for _, s := range ss {
			for _, v := range s.Values {
				max = math.Max(max, v)
			}
		}
		if max <= 0 {
			max = 1
		}
	}
	plotW, plotH := w-left-16, h-top-bottom
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="%s" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="%s">`,
		html.EscapeString(id), w, h, w, h, html.EscapeString(title))
	fmt.Fprintf(&b, `<title>%s</title><text x="%g" y="18" class="title">%s</text>`, html.EscapeString(title), left, html.EscapeString(title))
	for i := 0; i <= 4; i++ {
		y := top + plotH - plotH*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" class="grid"/><text x="%g" y="%.1f" class="axis" text-anchor="end">%s</text>`,
			left, y, left+plotW, y, left-4, y+4, html.EscapeString(format(max*float64(i)/4)))
	}
	n := len(categories)
	if n == 0 {
		n = 1
	}
	groupW := plotW / float64(n)
	barW := groupW * 0.8 / float64(max1(len(ss)))
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
				x, top+plotH-bh, math.Max(barW-2, 1), bh, palette[si%len(palette)],
				html.EscapeString(s.Name), html.EscapeString(c), html.EscapeString(format(v)))
			if barW >= 18 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="val" text-anchor="middle">%s</text>`, x+barW/2-1, top+plotH-bh-3, html.EscapeString(format(v)))
			}
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" class="axis" text-anchor="middle">%s</text>`, gx+groupW*0.4, top+plotH+16, html.EscapeString(c))
	}
	lx := left
	for si, s := range ss {
		fmt.Fprintf(&b, `<rect x="%.1f" y="%g" width="10" height="10" fill="%s"/><text x="%.1f" y="%g" class="legend">%s</text>`,
			lx, h-16, palette[si%len(palette)], lx+14, h-7, html.EscapeString(s.Name))
		lx += 24 + 7*float64(len([]rune(s.Name)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}
