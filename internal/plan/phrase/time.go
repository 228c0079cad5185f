package phrase

import (
	"strconv"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/plan"
)

var ordinals = []string{"first", "second", "third", "fourth"}
var halfWords = []string{"first half", "second half"}

// periodNP is a noun phrase for a period: "2023", "Q3 2024", "the first half of 2022",
// "March 2023", "January 5, 2023". Unknown forms pass through.
func (g *gen) periodNP(s string) string { return g.pick(periodForms(s)...) }

// periodPair renders two periods of the same kind in the same style.
func (g *gen) periodPair(a, b string) (string, string) {
	fa, fb := periodForms(a), periodForms(b)
	if len(fa) != len(fb) {
		return g.periodNP(a), g.periodNP(b)
	}
	i := g.r.IntN(len(fa))
	return fa[i], fb[i]
}

// periodForms lists the ways of writing a period.
func periodForms(s string) []string {
	pe, err := plan.ParsePeriod(s)
	if err != nil {
		return []string{s}
	}
	y := strconv.Itoa(pe.Start.Year())
	switch pe.Kind {
	case plan.Quarter:
		q := (int(pe.Start.Month())-1)/3 + 1
		n := strconv.Itoa(q)
		return []string{"Q" + n + " " + y, "the " + ordinals[q-1] + " quarter of " + y, y + " Q" + n, "Q" + n + " of " + y, s, "Q" + n + " " + y}
	case plan.Half:
		h := (int(pe.Start.Month())-1)/6 + 1
		n := strconv.Itoa(h)
		return []string{"H" + n + " " + y, "the " + halfWords[h-1] + " of " + y, y + " H" + n, "H" + n + " of " + y, s, "H" + n + " " + y}
	case plan.Month:
		return []string{monthName(pe.Start) + " " + y, pe.Start.Format("Jan") + " " + y, s, monthName(pe.Start) + " of " + y}
	case plan.Day:
		return []string{s, pe.Start.Format("January 2, 2006"), pe.Start.Format("Jan 2, 2006"), pe.Start.Format("2 January 2006")}
	}
	return []string{y}
}

func monthName(t time.Time) string { return t.Month().String() }

// windowMod renders the time window as a modifier: "in 2023", "between 2020 and 2024",
// "over the past five years".
func (g *gen) windowMod(w *plan.Window) string {
	switch {
	case w.Last > 0:
		return g.lastN(w.Last, w.Unit)
	case w.To == "":
		return g.singleMod(w.From)
	}
	return g.rangeMod(w.From, w.To)
}

func (g *gen) singleMod(s string) string {
	pe, err := plan.ParsePeriod(s)
	if err != nil {
		return "in " + s
	}
	np := g.periodNP(s)
	switch pe.Kind {
	case plan.Day:
		return g.pick("on ", "on ", "for ") + np
	case plan.Year:
		return g.pick("in "+np, "during "+np, "for "+np, "in calendar year "+np, "for the year "+np,
			"over "+np, "throughout "+np, "in the year "+np)
	case plan.Month:
		return g.pick("in ", "during ", "for ", "over ", "for the month of ") + np
	}
	return g.pick("in ", "during ", "for ", "over ", "throughout ") + np
}

func (g *gen) rangeMod(from, to string) string {
	a, errA := plan.ParsePeriod(from)
	b, errB := plan.ParsePeriod(to)
	if errA != nil || errB != nil {
		return "from " + from + " to " + to
	}
	if a.Kind == plan.Year {
		x, y := from, to
		return g.pick("from "+x+" to "+y, "between "+x+" and "+y, x+"-"+y, "in "+x+"-"+y, "for "+x+" through "+y,
			"over "+x+"-"+y, "from "+x+" through "+y, "for the years "+x+" to "+y, "across "+x+" to "+y)
	}
	sameYear := a.Start.Year() == b.Start.Year()
	y := strconv.Itoa(a.Start.Year())
	if sameYear && a.Kind == plan.Month && g.chance(0.4) {
		return g.pick("between "+monthName(a.Start)+" and "+monthName(b.Start)+" "+y,
			"from "+a.Start.Format("Jan")+" to "+b.Start.Format("Jan")+" "+y,
			"from "+monthName(a.Start)+" through "+monthName(b.Start)+" "+y)
	}
	if sameYear && a.Kind == plan.Day && g.chance(0.4) {
		return g.pick("from "+a.Start.Format("Jan 2")+" to "+b.Start.Format("Jan 2, 2006"),
			"between "+a.Start.Format("January 2")+" and "+b.Start.Format("January 2, 2006"),
			"from "+a.Start.Format("2 January")+" to "+b.Start.Format("2 January 2006"))
	}
	x, z := g.periodPair(from, to)
	return g.pick("from "+x+" to "+z, "between "+x+" and "+z, "from "+x+" through "+z,
		"for "+x+" through "+z, "in the period "+x+" to "+z, "spanning "+x+" to "+z)
}

// lastN renders "the last N units" ending with the latest data.
func (g *gen) lastN(n int, unit string) string {
	u := unit
	if n == 1 {
		u = strings.TrimSuffix(unit, "s")
		return g.pick("in the last ", "over the past ", "for the last ", "in the most recent ", "in the latest ",
			"during the last ", "for the most recent ", "within the last ") + u
	}
	num := g.num(n)
	return g.pick("in the last ", "over the past ", "for the last ", "during the past ", "in the most recent ",
		"over the latest ", "across the last ", "within the last ", "last ", "for the past ") + num + " " + u
}

// grainBy renders a breakdown by a calendar grain: "by month", "each year", "month by month".
// It returns "" for a dimension with no grain.
func (g *gen) grainBy(d *dimWords) string {
	n := d.sing[0]
	switch d.grain {
	case "year":
		return g.pick("by year", "per year", "for each year", "each year", "year by year", "by "+n,
			"broken down by year", "across years", "for every year")
	case "year_quarter":
		return g.pick("by quarter", "per quarter", "for each quarter", "each quarter", "quarter by quarter",
			"by "+n, "broken down by quarter", "on a quarterly basis")
	case "year_month":
		return g.pick("by month", "per month", "for each month", "each month", "month by month", "by "+n,
			"broken down by month", "on a monthly basis")
	case "month":
		return g.pick("by month of the year", "by calendar month", "for each calendar month across years",
			"per month of the year", "by month of year (all years combined)", "for each month of the year",
			"broken down by calendar month", "by calendar month, all years pooled")
	case "quarter":
		return g.pick("by quarter of the year", "by calendar quarter", "per calendar quarter across years",
			"for each quarter of the year", "by quarter of year (all years combined)",
			"broken down by calendar quarter", "for each calendar quarter, across all years", "per quarter of the year")
	}
	return ""
}

// grainAdj is the adjective of a calendar grain ("monthly"), or "".
func grainAdj(grain string) []string {
	switch grain {
	case "year":
		return []string{"yearly", "annual"}
	case "year_quarter":
		return []string{"quarterly"}
	case "year_month":
		return []string{"monthly"}
	}
	return nil
}

// timeValue renders a calendar dimension's value as a period ("2022", "March 2023", "March of
// every year"); ok is false when the value does not fit the grain.
func (g *gen) timeValue(d *dimWords, v string) (string, bool) {
	switch d.grain {
	case "year", "year_month", "year_quarter":
		if _, err := plan.ParsePeriod(v); err == nil {
			return g.periodNP(v), true
		}
	case "month":
		if m, err := strconv.Atoi(v); err == nil && m >= 1 && m <= 12 {
			name := time.Month(m).String()
			return g.pick(name+" of every year", name+" (all years)", name+" across all years", "the month of "+name+" in any year"), true
		}
	case "quarter":
		if q, err := strconv.Atoi(v); err == nil && q >= 1 && q <= 4 {
			n := strconv.Itoa(q)
			return g.pick("Q"+n+" of every year", "Q"+n+" (all years)", "the "+ordinals[q-1]+" quarter of each year", "calendar quarter "+n), true
		}
	}
	return "", false
}
