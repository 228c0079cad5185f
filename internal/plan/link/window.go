package link

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
)

// compareWords and growthWords turn two periods into a comparison rather than a range.
var (
	compareWords = setOf(`vs versus compared compare comparing comparison against relative side difference differences`)
	growthWords  = setOf(`growth grow grew grown change changed changes increase increased decrease
		decreased decline declined rise rose drop dropped fell yoy evolve evolved`)
	rangeWords = setOf(`to through thru until till and`)
)

// findTime reads the question's time window or comparison.
func (l *Linker) findTime(ls *Links, used []bool) {
	toks := ls.toks
	periods := relativePeriods(toks, used, l.latest)
	periods = append(periods, partsOfYear(toks, used)...)
	if w := lastDays(toks, used, l.latest); w != nil {
		ls.Time = w
	} else if w, sp := lastN(toks, used); w != nil {
		ls.Time = w
		eachOfLast(ls, used, sp, w.Unit)
	}
	periods = append(periods, findPeriods(toks, used)...)
	sortPeriods(periods)
	growth, compare := timeCues(toks, used)
	compare = compare || listedPair(toks, periods)
	if len(periods) >= 2 && (growth || compare) {
		a, b := periods[0], periods[1]
		if a.kind == b.kind && a.p != b.p {
			if b.p < a.p {
				a, b = b, a
			}
			ls.Compare = &plan.Compare{Base: a.p, Current: b.p, Growth: growth}
			markBetween(toks, used, a.sp, b.sp)
			return
		}
	}
	if len(periods) == 1 && growth && ls.Time == nil {
		if base := previousPeriod(periods[0].p, yoyAsked(toks)); base != "" {
			ls.Compare = &plan.Compare{Base: base, Current: periods[0].p, Growth: true}
			return
		}
	}
	if ls.Time == nil {
		ls.Time = l.window(ls, used, periods)
	}
}

// listedPair: two periods of one kind listed with "and" ("freight for 2022 and 2023"), not
// spanned ("between 2022 and 2023", "from 2022 and 2023"), ask for each: a comparison.
func listedPair(toks []token, periods []periodAt) bool {
	if len(periods) != 2 || periods[0].kind != periods[1].kind {
		return false
	}
	a, b := periods[0].sp, periods[1].sp
	if b.from != a.to+1 || toks[a.to].text != "and" || a.to == b.to {
		return false
	}
	return a.from == 0 || toks[a.from-1].text != "between" && toks[a.from-1].text != "from"
}

func sortPeriods(ps []periodAt) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].sp.from < ps[j-1].sp.from; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// timeCues reports growth and comparison words, marking them used.
func timeCues(toks []token, used []bool) (growth, compare bool) {
	for i, t := range toks {
		switch {
		case growthWords[t.text]:
			growth = true
		case compareWords[t.text]:
			compare = true
		case t.text == "over" && i > 0 && i+1 < len(toks) && toks[i-1].text == "year" && toks[i+1].text == "year":
			growth = true
			used[i-1], used[i+1] = true, true
		}
	}
	return growth, compare
}

func yoyAsked(toks []token) bool {
	for i, t := range toks {
		if t.text == "yoy" || t.text == "over" && i > 0 && i+1 < len(toks) && toks[i-1].text == "year" && toks[i+1].text == "year" {
			return true
		}
	}
	return false
}

func markBetween(toks []token, used []bool, a, b span) {
	for i := a.to; i < b.from; i++ {
		if rangeWords[toks[i].text] {
			used[i] = true
		}
	}
}

// previousPeriod is the period before p: the same period a year earlier when yoy, else the
// one just before (2024-Q3 → 2024-Q2).
func previousPeriod(p string, yoy bool) string {
	pr, err := plan.ParsePeriod(p)
	if err != nil {
		return ""
	}
	y := pr.Start.Year()
	switch {
	case pr.Kind == plan.Year || yoy:
		return strconv.Itoa(y-1) + p[4:]
	case pr.Kind == plan.Quarter:
		return shiftPeriod(pr.Start, "quarter", 1)
	case pr.Kind == plan.Month:
		return shiftPeriod(pr.Start, "month", 1)
	case pr.Kind == plan.Half && p[6] == '2':
		return p[:6] + "1"
	case pr.Kind == plan.Half:
		return strconv.Itoa(y-1) + "-H2"
	}
	return ""
}

// window makes one window of the periods: a range ("from 2020 to 2024", "2020-2024",
// "between 2021 and 2023", "since 2022"), one period, or the span of several years.
func (l *Linker) window(ls *Links, used []bool, ps []periodAt) *plan.Window {
	toks := ls.toks
	if len(ps) == 0 {
		return nil
	}
	a := ps[0]
	if len(ps) >= 2 && ps[1].kind == a.kind && ps[1].p > a.p && (ps[1].sp == a.sp || isRange(ls, a.sp, ps[1].sp)) {
		markBetween(toks, used, a.sp, ps[1].sp)
		return &plan.Window{From: a.p, To: ps[1].p}
	}
	if w := l.sinceWindow(ls, used, a); w != nil {
		return w
	}
	if from := a.sp.from; from > 0 && (toks[from-1].text == "since" || toks[from-1].text == "after" && a.kind == plan.Year) && a.kind == plan.Year && !l.latest.IsZero() {
		used[from-1] = true
		start := a.p
		if toks[from-1].text == "after" {
			start = strconv.Itoa(atoi(a.p) + 1)
		}
		if last := strconv.Itoa(l.latest.Year()); last > start {
			return &plan.Window{From: start, To: last}
		}
		return &plan.Window{From: start}
	}
	if w := l.untilWindow(ls, used, a); w != nil {
		return w
	}
	if len(ps) >= 2 && a.kind == plan.Year && sameKind(ps) {
		lo, hi := a.p, a.p
		for _, p := range ps {
			lo, hi = min(lo, p.p), max(hi, p.p)
		}
		return &plan.Window{From: lo, To: hi}
	}
	return &plan.Window{From: a.p}
}

// untilWindow reads "before 2022" (up to 2021) and "until 2022", "through 2022", "up to 2022"
// (2022 included), from the data's earliest year.
func (l *Linker) untilWindow(ls *Links, used []bool, a periodAt) *plan.Window {
	toks := ls.toks
	from := a.sp.from
	if a.kind != plan.Year || l.earliest.IsZero() || from == 0 {
		return nil
	}
	end, words := a.p, 1
	switch t := toks[from-1].text; {
	case t == "before" || t == "to" && from > 1 && toks[from-2].text == "prior":
		end = strconv.Itoa(atoi(a.p) - 1)
		if t == "to" {
			words = 2
		}
	case t == "until" || t == "till" || t == "through" || t == "thru":
	case t == "to" && from > 1 && toks[from-2].text == "up":
		words = 2
	default:
		return nil
	}
	start := strconv.Itoa(l.earliest.Year())
	if end < start {
		return nil
	}
	mark(used, span{from - words, from})
	if end == start {
		return &plan.Window{From: start}
	}
	return &plan.Window{From: start, To: end}
}

func sameKind(ps []periodAt) bool {
	for _, p := range ps {
		if p.kind != ps[0].kind {
			return false
		}
	}
	return true
}

// isRange: the two periods are joined by "to", "through", "and" (after "between") or a dash.
func isRange(ls *Links, a, b span) bool {
	toks := ls.toks
	switch b.from - a.to {
	case 0:
		q := toks[a.to-1]
		gap := ""
		if end := q.start + len(q.orig); end <= toks[b.from].start {
			gap = ls.Question[end:toks[b.from].start]
		}
		return strings.ContainsAny(gap, "-–—") || strings.Contains(gap, "..")
	case 1:
		w := toks[a.to].text
		if w == "and" {
			return a.from > 0 && toks[a.from-1].text == "between"
		}
		return rangeWords[w]
	}
	return false
}

// eachOfLast reads "each of the last 3 years" (and "per year over the last 3 years" is read
// by the grain word) as a breakdown by that unit.
func eachOfLast(ls *Links, used []bool, sp span, unit string) {
	j := sp.from - 1
	if j >= 0 && ls.toks[j].text == "of" {
		j--
	}
	if j < 0 || !eachWords[ls.toks[j].text] {
		return
	}
	used[j] = true
	grain := map[string]string{"years": ontology.GrainYear, "quarters": ontology.GrainYearQuarter, "months": ontology.GrainYearMonth}[unit]
	ls.Mentions = append(ls.Mentions, Mention{Kind: KindGrain, Grain: grain, By: true, Start: sp.from, End: sp.from, Text: ls.toks[j].orig})
}

// sinceWindow reads "since March 2024", "on or after 2024-06-01", "from Q2 2023 onwards": the
// period up to the one holding the data's latest date, of the same kind. Years keep the rule
// below (which also reads "after 2021" as from 2022).
func (l *Linker) sinceWindow(ls *Links, used []bool, a periodAt) *plan.Window {
	toks := ls.toks
	if a.kind == plan.Year || l.latest.IsZero() {
		return nil
	}
	from := a.sp.from
	since := from > 0 && toks[from-1].text == "since" ||
		from > 2 && toks[from-1].text == "after" && toks[from-2].text == "or" && toks[from-3].text == "on" ||
		a.sp.to < len(toks) && (toks[a.sp.to].text == "onwards" || toks[a.sp.to].text == "onward")
	if !since {
		return nil
	}
	last := latestOfKind(l.latest, a.kind)
	if last == "" || last <= a.p {
		return nil
	}
	if from > 0 {
		used[from-1] = true
	}
	return &plan.Window{From: a.p, To: last}
}

// latestOfKind is the period of that kind holding t: 2024-12-31 is 2024-Q4, 2024-H2, 2024-12.
func latestOfKind(t time.Time, kind string) string {
	y, m := t.Year(), int(t.Month())
	switch kind {
	case plan.Quarter:
		return fmt.Sprintf("%d-Q%d", y, (m+2)/3)
	case plan.Half:
		return fmt.Sprintf("%d-H%d", y, (m+5)/6)
	case plan.Month:
		return fmt.Sprintf("%d-%02d", y, m)
	case plan.Day:
		return t.Format("2006-01-02")
	}
	return ""
}
