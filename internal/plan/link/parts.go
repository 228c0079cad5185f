package link

import (
	"fmt"
	"regexp"
	"time"

	"github.com/sqlforge/sqlforge/internal/plan"
)

// firstLastNRE: "the first 6 months of 2024", "the last two quarters of 2023".
var firstLastNRE = regexp.MustCompile(`\b(?:the )?(first|last|final) (\d+|two|three|four|five|six|seven|eight|nine|ten|eleven) (months|quarters) (?:of )?(?:the year )?` + yearRE + `\b`)

// partsOfYear reads the first or last N months or quarters of a year as the range of them
// ("the first 6 months of 2024": 2024-01..2024-06), before "last N months" could read it
// as the latest months of the data.
func partsOfYear(toks []token, used []bool) []periodAt {
	w := newWords(toks)
	var out []periodAt
	for _, m := range w.findAll(firstLastNRE, used) {
		sub := func(k int) string { return w.s[m[2*k]:m[2*k+1]] }
		n, y := countOf(sub(2)), sub(4)
		size, kind, format := 12, plan.Month, "%s-%02d"
		if sub(3) == "quarters" {
			size, kind, format = 4, plan.Quarter, "%s-Q%d"
		}
		if n < 2 || n >= size {
			continue
		}
		a, b := 1, n
		if sub(1) != "first" {
			a, b = size-n+1, size
		}
		sp := w.tokens(m[0], m[1])
		mark(used, sp)
		out = append(out, periodAt{fmt.Sprintf(format, y, a), kind, sp}, periodAt{fmt.Sprintf(format, y, b), kind, sp})
	}
	return out
}

// lastDaysRE: "the last 90 days", "the past 4 weeks".
var lastDaysRE = regexp.MustCompile(`\b(?:in |over |during |for )?(?:the )?(?:last|past|previous|prior|trailing) (\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty) (days|weeks)\b`)

// lastDays reads "the last 90 days" as the days up to the data's latest date, both included
// (plans count whole months, quarters and years back, but not days or weeks).
func lastDays(toks []token, used []bool, latest time.Time) *plan.Window {
	if latest.IsZero() {
		return nil
	}
	w := newWords(toks)
	for _, m := range w.findAll(lastDaysRE, used) {
		n := countOf(w.s[m[2]:m[3]])
		if w.s[m[4]:m[5]] == "weeks" {
			n *= 7
		}
		if n <= 0 {
			continue
		}
		mark(used, w.tokens(m[0], m[1]))
		return &plan.Window{From: latest.AddDate(0, 0, 1-n).Format(time.DateOnly), To: latest.Format(time.DateOnly)}
	}
	return nil
}
