package link

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/plan"
)

// span is a regular-expression match over the question's words, as a range of tokens.
type span struct{ from, to int }

// words is the question's tokens as one lower-case string, for regular expressions, with the
// offset of each token in it.
type words struct {
	s      string
	starts []int
}

func newWords(toks []token) words {
	var b strings.Builder
	w := words{starts: make([]int, len(toks))}
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		w.starts[i] = b.Len()
		b.WriteString(t.text)
	}
	w.s = b.String()
	return w
}

// tokens converts a byte range of w.s to the tokens it covers.
func (w words) tokens(a, b int) span {
	sp := span{-1, -1}
	for i, st := range w.starts {
		if st >= a && st < b {
			if sp.from < 0 {
				sp.from = i
			}
			sp.to = i + 1
		}
	}
	return sp
}

// findAll returns the submatch indexes of re in w.s whose tokens are all unused.
func (w words) findAll(re *regexp.Regexp, used []bool) [][]int {
	var out [][]int
	for _, m := range re.FindAllStringSubmatchIndex(w.s, -1) {
		sp := w.tokens(m[0], m[1])
		if sp.from < 0 || anyUsed(used, sp) {
			continue
		}
		out = append(out, m)
	}
	return out
}

func anyUsed(used []bool, sp span) bool {
	for i := sp.from; i < sp.to; i++ {
		if used[i] {
			return true
		}
	}
	return false
}

func mark(used []bool, sp span) {
	for i := sp.from; i < sp.to; i++ {
		used[i] = true
	}
}

const monthRE = `(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)`
const ordRE = `(first|second|third|fourth|1st|2nd|3rd|4th)`
const yearRE = `((?:19|20)\d\d)`

// periodPatterns turn a phrase into a plan period; the first that matches a span wins it.
// quarterRangeRE: "Q1-Q2 2024", "Q1 to Q3 2023", "H1 through H2 2022": two periods of one year.
var quarterRangeRE = regexp.MustCompile(`\b(q[1-4]|h[12]) (?:to |through |thru |until |and |- )?(q[1-4]|h[12]) (?:of )?` + yearRE + `\b`)

var periodPatterns = []struct {
	re   *regexp.Regexp
	make func(m []string) string
}{
	{regexp.MustCompile(`\b` + yearRE + `-(\d\d)-(\d\d)\b`), func(m []string) string { return m[1] + "-" + m[2] + "-" + m[3] }},
	{regexp.MustCompile(`\b` + monthRE + ` (\d{1,2})(?:st|nd|rd|th)? ` + yearRE + `\b`), func(m []string) string { return fmt.Sprintf("%s-%02d-%02d", m[3], monthNum(m[1]), atoi(m[2])) }},
	{regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)? (?:of )?` + monthRE + ` ` + yearRE + `\b`), func(m []string) string { return fmt.Sprintf("%s-%02d-%02d", m[3], monthNum(m[2]), atoi(m[1])) }},
	{regexp.MustCompile(`\b` + yearRE + `-(0[1-9]|1[0-2])\b`), func(m []string) string { return m[1] + "-" + m[2] }},
	{regexp.MustCompile(`\b` + monthRE + ` (?:of )?` + yearRE + `\b`), func(m []string) string { return fmt.Sprintf("%s-%02d", m[2], monthNum(m[1])) }},
	{regexp.MustCompile(`\bq([1-4]) (?:of )?(?:fy ?)?` + yearRE + `\b`), func(m []string) string { return m[2] + "-Q" + m[1] }},
	{regexp.MustCompile(`\b` + yearRE + ` q([1-4])\b`), func(m []string) string { return m[1] + "-Q" + m[2] }},
	{regexp.MustCompile(`\b(?:the )?` + ordRE + ` quarter (?:of )?(?:fy ?)?` + yearRE + `\b`), func(m []string) string { return m[2] + "-Q" + strconv.Itoa(ordNum(m[1])) }},
	{regexp.MustCompile(`\bh([12]) (?:of )?` + yearRE + `\b`), func(m []string) string { return m[2] + "-H" + m[1] }},
	{regexp.MustCompile(`\b` + yearRE + ` h([12])\b`), func(m []string) string { return m[1] + "-H" + m[2] }},
	{regexp.MustCompile(`\b(?:the )?` + ordRE + ` half (?:of )?` + yearRE + `\b`), func(m []string) string { return m[2] + "-H" + strconv.Itoa(ordNum(m[1])) }},
	{regexp.MustCompile(`\bq([1-4]) (?:of )?(?:fy ?)?(\d\d)\b`), func(m []string) string { return "20" + m[2] + "-Q" + m[1] }},
	{regexp.MustCompile(`\bh([12]) (?:of )?(?:fy ?)?(\d\d)\b`), func(m []string) string { return "20" + m[2] + "-H" + m[1] }},
	{regexp.MustCompile(`\bfy ?(\d\d)\b`), func(m []string) string { return "20" + m[1] }},
	{regexp.MustCompile(`\b(?:the year |fy ?)?` + yearRE + `\b`), func(m []string) string { return m[1] }},
}

// periodAt is a period phrase found in the question.
type periodAt struct {
	p    string
	kind string
	sp   span
}

func monthNum(s string) int {
	for i, m := range []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
		if strings.HasPrefix(s, m) {
			return i + 1
		}
	}
	return 0
}

func ordNum(s string) int {
	switch s[:1] {
	case "f", "1":
		if strings.HasPrefix(s, "fo") {
			return 4
		}
		return 1
	case "s", "2":
		return 2
	case "t", "3":
		return 3
	}
	return 4
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// thresholdBefore: words after which a four-digit number is an amount, not a year.
var thresholdBefore = setOf(`than over above under below exceeds exceed exceeding least most`)

// findPeriods returns the question's periods in order, marking their tokens used.
func findPeriods(toks []token, used []bool) []periodAt {
	w := newWords(toks)
	out := sharedYearRanges(w, used)
	for _, pp := range periodPatterns {
		for _, m := range w.findAll(pp.re, used) {
			sp := w.tokens(m[0], m[1])
			if sp.from > 0 && thresholdBefore[toks[sp.from-1].text] && sp.to-sp.from == 1 {
				continue
			}
			var sub []string
			for k := 0; k+1 < len(m); k += 2 {
				if m[k] < 0 {
					sub = append(sub, "")
				} else {
					sub = append(sub, w.s[m[k]:m[k+1]])
				}
			}
			p := pp.make(sub)
			pr, err := plan.ParsePeriod(p)
			if err != nil {
				continue
			}
			mark(used, sp)
			out = append(out, periodAt{p, pr.Kind, sp})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].sp.from < out[j].sp.from })
	return out
}

// relativePeriods resolves "this year", "last year", "the latest quarter", "last month" and
// "since 2022" against the data's latest date.
func relativePeriods(toks []token, used []bool, latest time.Time) []periodAt {
	if latest.IsZero() {
		return nil
	}
	w := newWords(toks)
	re := regexp.MustCompile(`\b(this|current|latest|most recent|last|previous|prior) (year|quarter|month)\b`)
	var out []periodAt
	// "the first quarter of this year", "Q1 of last year", "March of this year".
	for _, m := range w.findAll(partOfYearRE, used) {
		sp := w.tokens(m[0], m[1])
		back := 0
		// as for "last year" alone: the latest year, unless "this year" is asked too
		if rel := w.s[m[10]:m[11]]; strings.Contains(rel, "previous") || strings.Contains(rel, "prior") ||
			strings.Contains(rel, "last") && thisToo(toks) {
			back = 1
		}
		y := shiftPeriod(latest, "year", back)
		var p string
		switch {
		case m[2] >= 0: // ordinal quarter or half
			unit := "Q"
			if w.s[m[4]:m[5]] == "half" {
				unit = "H"
			}
			p = y + "-" + unit + strconv.Itoa(ordNum(w.s[m[2]:m[3]]))
		case m[6] >= 0: // q1, h2
			p = y + "-" + strings.ToUpper(w.s[m[6]:m[7]])
		default: // a month name
			p = fmt.Sprintf("%s-%02d", y, monthNum(w.s[m[8]:m[9]]))
		}
		pr, err := plan.ParsePeriod(p)
		if err != nil {
			continue
		}
		mark(used, sp)
		out = append(out, periodAt{p, pr.Kind, sp})
	}
	for _, m := range w.findAll(re, used) {
		sp := w.tokens(m[0], m[1])
		if sp.to < len(toks) && isCount(toks[sp.to].text) {
			continue
		}
		back := 0
		switch w.s[m[2]:m[3]] {
		case "last":
			if sp.from > 0 && (toks[sp.from-1].text == "the" || toks[sp.from-1].text == "over") {
				continue // "over the last year": the last 1 years
			}
			if thisToo(toks) {
				back = 1 // "this year compared to last year"
			}
		case "previous", "prior":
			back = 1
		}
		p := shiftPeriod(latest, w.s[m[4]:m[5]], back)
		mark(used, sp)
		pr, _ := plan.ParsePeriod(p)
		out = append(out, periodAt{p, pr.Kind, sp})
	}
	// "year to date" (YTD), "quarter to date": the period holding the latest date, so far.
	for _, m := range w.findAll(toDateRE, used) {
		sp := w.tokens(m[0], m[1])
		p := shiftPeriod(latest, w.s[m[2]:m[3]], 0)
		mark(used, sp)
		pr, _ := plan.ParsePeriod(p)
		out = append(out, periodAt{p, pr.Kind, sp})
	}
	return out
}

var partOfYearRE = regexp.MustCompile(`\b(?:(?:the )?` + ordRE + ` (quarter|half)|(q[1-4]|h[12])|` + monthRE + `) (?:of )?(this|the current|current|last|the last|previous|the previous|prior|the prior) year\b`)

var toDateRE = regexp.MustCompile(`\b(year|quarter|month) to date\b`)

// thisToo: the question also says "this" or "current" period, so "last" is the one before.
func thisToo(toks []token) bool {
	for i, t := range toks {
		if (t.text == "this" || t.text == "current") && i+1 < len(toks) && (toks[i+1].text == "year" || toks[i+1].text == "quarter" || toks[i+1].text == "month") {
			return true
		}
	}
	return false
}

func isCount(s string) bool { _, ok := numberWords[s]; return ok || isNumber(s) }

// shiftPeriod returns the year, quarter or month holding latest, back periods earlier.
func shiftPeriod(latest time.Time, unit string, back int) string {
	y, mo := latest.Year(), int(latest.Month())
	switch unit {
	case "year":
		return strconv.Itoa(y - back)
	case "quarter":
		q := (mo-1)/3 + 1 - back
		if q < 1 {
			q, y = q+4, y-1
		}
		return fmt.Sprintf("%d-Q%d", y, q)
	}
	t := time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -back, 0)
	return t.Format("2006-01")
}

var lastNRE = regexp.MustCompile(`\b(?:in |over |during |for )?(?:the )?(?:last|past|previous|prior|trailing|recent|latest|most recent) (\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|year|quarter|month)(?: full| calendar| complete)? ?(years?|quarters?|months?)?\b`)

// lastN finds "the last 3 years" (and "over the last year": the last 1 years).
func lastN(toks []token, used []bool) (*plan.Window, span) {
	w := newWords(toks)
	for _, m := range w.findAll(lastNRE, used) {
		n, unit := 1, ""
		if m[4] >= 0 {
			unit = w.s[m[4]:m[5]]
			n = countOf(w.s[m[2]:m[3]])
		} else {
			unit = w.s[m[2]:m[3]]
		}
		if n <= 0 || unit == "" {
			continue
		}
		unit = strings.TrimSuffix(unit, "s") + "s"
		sp := w.tokens(m[0], m[1])
		mark(used, sp)
		return &plan.Window{Last: n, Unit: unit}, sp
	}
	return nil, span{}
}

func countOf(s string) int {
	if n, ok := numberWords[s]; ok {
		return n
	}
	if isNumber(s) {
		return atoi(s)
	}
	return 0
}

// Day ranges that give the year once: "between February 10 and April 23, 2020",
// "from 27 March to 27 June 2023".
var (
	mdRangeRE = regexp.MustCompile(`\b` + monthRE + ` (\d{1,2})(?:st|nd|rd|th)? (?:and|to|through|thru|until|till) ` + monthRE + ` (\d{1,2})(?:st|nd|rd|th)? ` + yearRE + `\b`)
	// "from March to June 2023", "between March and June 2023": two months of one year.
	monthRangeRE = regexp.MustCompile(`\b(?:(?:from|between) ` + monthRE + ` (?:and|to|through|thru|until|till)|` + monthRE + ` (?:to|through|thru|until|till)) ` + monthRE + ` (?:of )?` + yearRE + `\b`)
	dmRangeRE    = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)? (?:of )?` + monthRE + ` (?:and|to|through|thru|until|till) (\d{1,2})(?:st|nd|rd|th)? (?:of )?` + monthRE + ` ` + yearRE + `\b`)
)

func sharedYearRanges(w words, used []bool) []periodAt {
	var out []periodAt
	add := func(m []int, y string, m1, d1, m2, d2 string) {
		a := fmt.Sprintf("%s-%02d-%02d", y, monthNum(m1), atoi(d1))
		b := fmt.Sprintf("%s-%02d-%02d", y, monthNum(m2), atoi(d2))
		if _, err := plan.ParsePeriod(a); err != nil {
			return
		}
		if _, err := plan.ParsePeriod(b); err != nil {
			return
		}
		sp := w.tokens(m[0], m[1])
		mark(used, sp)
		out = append(out, periodAt{a, plan.Day, sp}, periodAt{b, plan.Day, sp})
	}
	sub := func(m []int, k int) string { return w.s[m[2*k]:m[2*k+1]] }
	for _, m := range w.findAll(mdRangeRE, used) {
		add(m, sub(m, 5), sub(m, 1), sub(m, 2), sub(m, 3), sub(m, 4))
	}
	for _, m := range w.findAll(dmRangeRE, used) {
		add(m, sub(m, 5), sub(m, 2), sub(m, 1), sub(m, 4), sub(m, 3))
	}
	for _, m := range w.findAll(quarterRangeRE, used) {
		a, b, y := strings.ToUpper(sub(m, 1)), strings.ToUpper(sub(m, 2)), sub(m, 3)
		if a[0] != b[0] || a >= b {
			continue
		}
		kind := plan.Quarter
		if a[0] == 'H' {
			kind = plan.Half
		}
		sp := w.tokens(m[0], m[1])
		mark(used, sp)
		out = append(out, periodAt{y + "-" + a, kind, sp}, periodAt{y + "-" + b, kind, sp})
	}
	for _, m := range w.findAll(monthRangeRE, used) {
		first := 1
		if m[2] < 0 {
			first = 2
		}
		y := sub(m, 4)
		a, b := fmt.Sprintf("%s-%02d", y, monthNum(sub(m, first))), fmt.Sprintf("%s-%02d", y, monthNum(sub(m, 3)))
		if a >= b {
			continue
		}
		sp := w.tokens(m[0], m[1])
		mark(used, sp)
		out = append(out, periodAt{a, plan.Month, sp}, periodAt{b, plan.Month, sp})
	}
	return out
}
