package link

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/sqlforge/sqlforge/internal/plan"
)

const countRE = `(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)`

var (
	thresholdRE = regexp.MustCompile(`\b(more than|greater than|larger than|higher than|bigger than|over|above|exceeds?|exceeded|exceeding|in excess of|at least|no less than|not less than|a minimum of|minimum of|less than|lower than|smaller than|fewer than|under|below|at most|no more than|not more than|a maximum of|maximum of|up to)(?: (?:usd|eur|dollars))? (\d+(?:\.\d+)?)(k|m|bn)?(?: (thousand|million|billion))?(?: (%|percent))?(?: (?:dollars|usd|euros|eur|bucks))?`)
	topRE       = regexp.MustCompile(`\b(top|best|bottom|worst|first|leading|highest|lowest|largest|biggest|smallest|greatest|strongest|weakest|busiest|quietest|poorest) ` + countRE + `\b`)
	countTopRE  = regexp.MustCompile(`\b` + countRE + ` (best|top|worst|biggest|largest|highest|lowest|smallest|most|least|leading|greatest|fewest|strongest|weakest|busiest|quietest|poorest)\b`)
)

var thresholdOps = map[string]string{
	"at least": ">=", "no less than": ">=", "not less than": ">=", "a minimum of": ">=", "minimum of": ">=",
	"less than": "<", "lower than": "<", "smaller than": "<", "fewer than": "<", "under": "<", "below": "<",
	"at most": "<=", "no more than": "<=", "not more than": "<=", "a maximum of": "<=", "maximum of": "<=", "up to": "<=",
}

// findThreshold reads "more than 10,000", "over 10k", "at least 5", "below 2 million".
func findThreshold(ls *Links, used []bool) {
	w := newWords(ls.toks)
	for _, m := range w.findAll(thresholdRE, used) {
		sub := func(k int) string {
			if m[2*k] < 0 {
				return ""
			}
			return w.s[m[2*k]:m[2*k+1]]
		}
		v, err := strconv.ParseFloat(sub(2), 64)
		if err != nil {
			continue
		}
		if sub(3)+sub(4) != "" || strings.Contains(w.s[m[0]:m[1]], "dollar") || strings.Contains(w.s[m[0]:m[1]], "usd") ||
			strings.Contains(w.s[m[0]:m[1]], "eur") || moneyBefore(ls.Question) {
			ls.money = true
		}
		switch sub(3) + sub(4) {
		case "k", "thousand":
			v *= 1e3
		case "m", "million":
			v *= 1e6
		case "bn", "billion":
			v *= 1e9
		}
		op, ok := thresholdOps[sub(1)]
		if !ok {
			op = ">"
		}
		ls.Having = &plan.Threshold{Op: op, Value: v}
		ls.thr = w.tokens(m[0], m[1])
		mark(used, ls.thr)
		return
	}
}

// moneyBefore reports a currency sign in the question ("over $5,000").
func moneyBefore(q string) bool { return strings.ContainsAny(q, "$€£") }

// findTopK reads "top 5", "bottom three", "5 best", "the 3 largest".
func findTopK(ls *Links, used []bool) {
	w := newWords(ls.toks)
	for k, re := range []*regexp.Regexp{topRE, countTopRE} {
		for _, m := range w.findAll(re, used) {
			word, num := w.s[m[2]:m[3]], w.s[m[4]:m[5]]
			if k == 1 {
				word, num = num, word
			}
			n := countOf(num)
			if n <= 0 {
				continue
			}
			ls.Limit, ls.Desc, ls.Direction = n, !ascWords[word], true
			mark(used, w.tokens(m[0], m[1]))
			return
		}
	}
}

var (
	descWords  = setOf(`most highest largest biggest greatest top best max maximum leading strongest longest busiest`)
	ascWords   = setOf(`least lowest smallest fewest bottom worst min minimum weakest shortest quietest poorest`)
	byWords    = setOf(`by per each every across which what among list show`)
	eachWords  = setOf(`each every per`)
	splitWords = setOf(`by per each every across`) // a breakdown of amounts, not a list
	// agentVerbs before "by" name who did something, not a breakdown.
	agentVerbs = setOf(`placed made bought ordered handled shipped sold generated purchased spent processed served delivered booked earned brought paid carried`)
	countWords = setOf(`most fewest least more fewer`)
	skipWords  = setOf(`the our all of its their different various individual me us`)
	adjWords   = setOf(`selling performing grossing earning popular ordered valuable profitable`)
)

// findCues reads breakdowns, superlatives, sorting, share, running-total, rank and tie words.
func findCues(ls *Links, used []bool) {
	toks := ls.toks
	for k := range ls.Mentions {
		markBreakdown(ls, used, &ls.Mentions[k])
	}
	findFromTo(ls, used)
	for i, t := range toks {
		if used[i] {
			continue
		}
		switch {
		case descWords[t.text] || ascWords[t.text]:
			if !ls.Direction {
				ls.Desc, ls.Direction = descWords[t.text], true
			}
		case t.text == "share" || t.text == "percentage" || t.text == "proportion" || t.text == "fraction" || t.text == "portion" || t.text == "contribution" || t.text == "ratio" ||
			(t.text == "percent" || t.text == "%") && (i == 0 || !isNumber(toks[i-1].text)):
			ls.Share, ls.ShareAt = true, i
			ls.Ratio = ls.Ratio || t.text == "proportion" || t.text == "fraction" || t.text == "ratio"
		case t.text == "cumulative" || t.text == "cumulatively" || t.text == "accumulate" || t.text == "accumulated" ||
			t.text == "running" && i+1 < len(toks) && (toks[i+1].text == "total" || toks[i+1].text == "sum"):
			ls.Running = true
		case t.text == "rank" || t.text == "ranking" || t.text == "rankings" || t.text == "ranked":
			ls.Rank = true
		case t.text == "ties" || t.text == "tied" || t.text == "tie":
			ls.Ties = true
		default:
			continue
		}
		used[i] = true
	}
	findOrder(ls, used)
}

// markBreakdown sets By (and Each) on a dimension or grain mention that a breakdown word,
// a top-k or a count comes just before ("by country", "which product", "top 5 customers").
func markBreakdown(ls *Links, used []bool, m *Mention) {
	if m.Kind != KindDimension && m.Kind != KindGrain {
		return
	}
	if at := ls.toks[m.Start].start; at > 0 && ls.Question[at-1] == '/' {
		m.By = true // "orders/month": per month
		return
	}
	j, adjective := m.Start-1, false
	for j >= 0 && (skipWords[ls.toks[j].text] || adjWords[ls.toks[j].text] || ownNameWord(ls, used, m, j) || speedSelling(ls, j)) {
		adjective = adjective || adjWords[ls.toks[j].text]
		if ownNameWord(ls, used, m, j) {
			used[j] = true
		}
		j--
	}
	if j < 0 {
		return
	}
	t := ls.toks[j].text
	if (t == "across" || t == "over") && j+1 < m.Start && ls.toks[j+1].text == "all" {
		used[j] = true
		return // "across all products": a total, not a breakdown
	}
	if t == "by" && j > 0 && agentVerbs[ls.toks[j-1].text] && !ls.Direction && ls.Limit == 0 && ls.people[m.ID] && qualifiedNext(ls, m) {
		used[j] = true
		return // "orders placed by customers from Italy": who did it, not a breakdown
	}
	switch {
	case countWords[t] && m.Plural && !adjective:
		return // "the most customers": a count, not a breakdown
	case byWords[t] || descWords[t] || ascWords[t]:
		if (descWords[t] || ascWords[t]) && !ls.Direction {
			ls.Desc, ls.Direction = descWords[t], true
		}
		m.By = true
		m.Each = eachWords[t]
		m.split = splitWords[t]
		used[j] = true
	case t == "many" && j > 0 && ls.toks[j-1].text == "how", t == "of" && m.Start-j == 1 && j > 0 && (ls.toks[j-1].text == "number" || ls.toks[j-1].text == "count"):
		m.By = true
	case (t == "and" || t == "&") && continuesBreakdown(ls, j):
		m.By = true
	case isCount(t) && !isYear(t) && !(j >= ls.thr.from && j < ls.thr.to):
		m.By = true
		if ls.Limit == 0 {
			ls.Limit = countOf(t)
		}
		used[j] = true
	case used[j] && j+1 == m.Start && ls.Limit > 0:
		m.By = true // "top 5 products"
	}
}

// speedSelling: token j is a speed word before a selling word ("10 slowest selling products").
func speedSelling(ls *Links, j int) bool {
	t := ls.toks[j].text
	return (slowWords[t] || fastWords[t]) && sellingAfter(ls.toks, j)
}

// ownNameWord: token j, just before the mention and linked to nothing, is a word of the
// dimension's own names ("by media format": media type's "media"), so it qualifies the
// mention rather than standing between it and a breakdown word.
func ownNameWord(ls *Links, used []bool, m *Mention, j int) bool {
	return j == m.Start-1 && !used[j] && !isNumber(ls.toks[j].text) && ls.nameWords[m.ID][ls.toks[j].stem]
}

// qualifiedNext: a value follows the mention closely ("customers from Italy"): those are the
// ones meant, not each of them.
func qualifiedNext(ls *Links, m *Mention) bool {
	if !m.Plural {
		return false
	}
	for _, o := range ls.Mentions {
		if o.Kind == KindValue && !o.Negated && o.Start >= m.End && o.Start <= m.End+2 {
			return true
		}
	}
	return false
}

// continuesBreakdown: the mention just before token j is a breakdown ("by employee and year").
func continuesBreakdown(ls *Links, j int) bool {
	for _, m := range ls.Mentions {
		if m.End == j && m.By && (m.Kind == KindDimension || m.Kind == KindGrain) {
			return true
		}
	}
	return false
}

func isYear(s string) bool { return len(s) == 4 && isNumber(s) && (s[:2] == "19" || s[:2] == "20") }

var fromToRE = regexp.MustCompile(`\b(?:from )?(?:the )?(highest|largest|biggest|most|greatest|lowest|smallest|least|fewest) (?:to (?:the )?(?:highest|largest|biggest|most|greatest|lowest|smallest|least|fewest)|first)\b`)

// findFromTo reads "from highest to lowest" and "largest first" as a sort.
func findFromTo(ls *Links, used []bool) {
	w := newWords(ls.toks)
	for _, m := range w.findAll(fromToRE, used) {
		mark(used, w.tokens(m[0], m[1]))
		ls.Order = &plan.Order{Desc: descWords[w.s[m[2]:m[3]]]}
		return
	}
}

var orderRE = regexp.MustCompile(`\b(?:sorted|ordered|sort|order|arranged|listed|ranked) (?:them |it |results |the results )?(?:by|on|in)\b`)

// findOrder reads "sorted by", "alphabetically", "from highest to lowest", "ascending".
func findOrder(ls *Links, used []bool) {
	w := newWords(ls.toks)
	label, dir, asked := false, 0, false
	for _, m := range w.findAll(orderRE, used) {
		sp := w.tokens(m[0], m[1])
		mark(used, sp)
		asked = true
		ls.orderAt = sp.to
		if sp.to < len(ls.toks) && (ls.toks[sp.to].text == "name" || ls.toks[sp.to].text == "alphabetical") {
			label = true
			used[sp.to] = true
		}
	}
	for i, t := range ls.toks {
		switch t.text {
		case "alphabetically", "alphabetical", "chronologically", "chronological":
			label, asked = true, true
		case "ascending", "increasing":
			dir, asked = 1, true
		case "descending", "decreasing":
			dir, asked = -1, true
		default:
			continue
		}
		used[i] = true
	}
	if !asked || ls.Order != nil && !label && dir == 0 {
		return
	}
	switch {
	case label:
		ls.Order = &plan.Order{By: plan.ByLabel, Desc: dir < 0}
	case dir != 0:
		ls.Order = &plan.Order{Desc: dir < 0}
	default:
		ls.Order = &plan.Order{Desc: !ls.Direction || ls.Desc}
	}
	if ls.Rank && ls.Order.By != plan.ByLabel {
		ls.Rank = false // "ranked by revenue": a sort
	}
}

// attachThreshold links the threshold to the metric written next to it: "more than 20
// orders", "revenue over 10k", "whose revenue exceeds 5000".
func attachThreshold(ls *Links) {
	if ls.Having == nil {
		return
	}
	best, bestD := -1, 4
	for k, m := range ls.Mentions {
		if m.Kind != KindMetric {
			continue
		}
		d := m.Start - ls.thr.to // after: "more than 20 orders"
		if m.Start < ls.thr.from {
			d = ls.thr.from - m.End + 1 // before: "revenue over 10k"
		}
		if d >= 0 && d < bestD {
			best, bestD = k, d
		}
	}
	if best >= 0 {
		ls.Mentions[best].Threshold = true
		ls.Having.Measure = ls.Mentions[best].ID
	}
}

// eventNouns are the things a verb counts when a threshold is written in times ("ordered more
// than 10 times": more than 10 orders).
var eventNouns = map[string]string{
	"ordered": "orders", "order": "orders", "purchased": "purchases", "purchase": "purchases",
	"bought": "purchases", "buy": "purchases", "invoiced": "invoices", "billed": "invoices",
	"shipped": "shipments", "ship": "shipments",
}

// timesThreshold: "customers who ordered more than 10 times" thresholds the count of the
// verb's events, the ontology's "number of orders" metric, per customer.
func (l *Linker) timesThreshold(ls *Links) {
	if ls.Having == nil || ls.thr.to >= len(ls.toks) || ls.toks[ls.thr.to].text != "times" {
		return
	}
	for j := ls.thr.from - 1; j >= 0 && j >= ls.thr.from-3; j-- {
		noun, ok := eventNouns[ls.toks[j].text]
		if !ok {
			continue
		}
		probe := []token{newToken("number", 0), newToken("of", 0), newToken(noun, 0)}
		n, es := l.lex.lookup(probe, make([]bool, len(probe)), 0, false)
		if n != len(probe) || topKind(es) != KindMetric {
			return
		}
		ls.Having.Measure = es[0].id
		if ls.howManyMetric >= 0 {
			ls.Mentions[ls.howManyMetric].Threshold = false // the things counted, not the measure
		}
		at := len(ls.Mentions)
		for k, m := range ls.Mentions {
			if m.Start > j {
				at = k
				break
			}
		}
		m := Mention{Kind: KindMetric, ID: es[0].id, Start: j, End: j + 1, Text: ls.toks[j].orig, Threshold: true}
		ls.Mentions = append(ls.Mentions[:at], append([]Mention{m}, ls.Mentions[at:]...)...)
		if ls.howManyMetric >= at {
			ls.howManyMetric++
		}
		return
	}
}

// countThreshold: "countries with at least 10 customers" thresholds the count of the things
// written right after the number; the ontology's "number of <things>" metric reads it, and
// the things are then counted, not broken down by.
func (l *Linker) countThreshold(ls *Links) {
	if ls.Having == nil || ls.Having.Measure != "" {
		return
	}
	for k := range ls.Mentions {
		m := &ls.Mentions[k]
		if m.Kind != KindDimension || m.Start != ls.thr.to {
			continue
		}
		probe := append([]token{newToken("number", 0), newToken("of", 0)}, ls.toks[m.Start:m.End]...)
		if n, es := l.lex.lookup(probe, make([]bool, len(probe)), 0, false); n == len(probe) && topKind(es) == KindMetric {
			*m = Mention{Kind: KindMetric, ID: es[0].id, Start: m.Start, End: m.End, Text: m.Text, Threshold: true}
			ls.Having.Measure = es[0].id
		}
		return
	}
}
