package link

import (
	"strings"

	"github.com/sqlforge/sqlforge/internal/plan"
)

// Mention is one phrase of the question linked to the ontology or the data.
type Mention struct {
	// Kind is metric, segment, dimension, grain or value.
	Kind string
	// ID is the metric, segment or dimension id; for a value, its most likely dimension; for a
	// grain, the dimension when the ontology names one ("" for "monthly").
	ID string
	// Dims lists every dimension a value may belong to, most likely first.
	Dims []string
	// Value is the database value a value mention stands for.
	Value string
	// Grain is the calendar grain of a grain mention (year, year_month, ...).
	Grain string
	// Text is the phrase as written; Start and End its token range.
	Text       string
	Start, End int
	// By marks a breakdown ("by country", "which product", "top 5 customers", "monthly").
	By bool
	// Each marks a breakdown written "for each"/"in each": a partition for per-group top-k.
	Each bool
	// Negated marks an excluded value ("excluding Beverages").
	Negated bool
	// Plural says the dimension word was written in the plural ("which products").
	Plural bool
	// Threshold marks a metric a threshold reads ("more than 20 orders").
	Threshold bool

	vals  []string // a value's database value in each of Dims
	split bool     // the breakdown was written "by", "per", "for each": amounts are asked
}

// Links is everything the linker found in one question.
type Links struct {
	Question string
	Mentions []Mention
	// Time is the period asked about; Compare two periods to compare (Growth for a change).
	Time    *plan.Window
	Compare *plan.Compare
	// Limit is an explicit or implied top/bottom-k (0: none); Desc its direction. Direction
	// says whether a superlative or order word gave the direction.
	Limit     int
	Desc      bool
	Direction bool
	// Order is a sort asked for in words ("sorted by", "alphabetically").
	Order *plan.Order
	// Having is a threshold; its Measure is "" until a metric is linked to it.
	Having *plan.Threshold
	// Share asks for a part of a total (Ratio: as a fraction); ShareAt is the cue's token.
	Share   bool
	Ratio   bool
	ShareAt int
	// HowMany is the dimension a "how many <things>" question counts ("" when none).
	HowMany string
	// Running, Rank and Ties are the cumulative, ranking and "including ties" cues.
	Running, Rank, Ties bool
	// Missing are content words no link covers.
	Missing []string

	toks    []token
	covered []bool
	thr     span // the threshold's words
	orderAt int  // the token after "sorted by"
	// howManyAt is the token of the dimension word a count question counts (-1: none).
	howManyAt int
	// money says an amount was written as money ("$200k", "200k", "5,000 dollars").
	money bool
	// absorbed are metrics a growth metric stands for ("year over year revenue growth").
	absorbed []string
	// whoDim is the dimension a "who ..." question asks for (a person), "" when none.
	whoDim string
	// people are the dimensions of persons and organisations (customers, employees, shippers).
	people map[string]bool
	// nameWords are the stems of each dimension's names and synonyms ("media" of media type).
	nameWords map[string]map[string]bool
	// dimGrain is each calendar dimension's grain, for comparing plans with grain words.
	dimGrain map[string]string
	// howManyMetric is the mention of the count metric "how many <things>" named (-1: none).
	howManyMetric int
	content       int // number of content words
}

// Metrics returns the metric mentions' ids in order, without repeats.
func (ls *Links) Metrics() []string { return ls.ids(KindMetric) }

// Segments returns the segment mentions' ids in order, without repeats.
func (ls *Links) Segments() []string { return ls.ids(KindSegment) }

func (ls *Links) ids(kind string) []string {
	var out []string
	for _, m := range ls.Mentions {
		if m.Kind == kind && !contains(out, m.ID) {
			out = append(out, m.ID)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Links finds every mention in the question.
func (l *Linker) Links(question string) *Links {
	toks := expandAbbreviations(tokenize(question))
	l.lex.repair(toks)
	ls := &Links{Question: question, toks: toks, ShareAt: -1, orderAt: -1, howManyMetric: -1, howManyAt: -1, dimGrain: l.dimGrain, people: l.people, nameWords: l.nameWords}
	used := make([]bool, len(toks))
	l.findTime(ls, used)
	findThreshold(ls, used)
	findTopK(ls, used)
	l.findPhrases(ls, used)
	l.joinSplitMetrics(ls)
	l.findSpeed(ls, used)
	findCues(ls, used)
	l.soldThings(ls)
	l.adjectiveWords(ls, used)
	l.perThing(ls, used)
	attachThreshold(ls)
	l.timesThreshold(ls)
	l.countThreshold(ls)
	l.rankDimWords(ls)
	l.rankValueDims(ls) // after rankDimWords: a value fits the breakdown it names
	for _, m := range ls.Mentions {
		if m.Kind == KindDimension && m.Start == ls.howManyAt {
			ls.HowMany = m.ID // the word counted, as rankDimWords read it
		}
	}
	declineFlip(ls)
	l.rateNotShare(ls)
	sortedByMetric(ls)
	l.findWho(ls)
	ls.covered = used
	ls.Missing, ls.content = missing(toks, used)
	return ls
}

// missing groups the content words no link covers into phrases.
func missing(toks []token, used []bool) ([]string, int) {
	var out []string
	content := 0
	var run []string
	flush := func() {
		if len(run) > 0 {
			out = append(out, strings.Join(run, " "))
			run = nil
		}
	}
	for i, t := range toks {
		if isContent(t) {
			content++
			if !used[i] {
				run = append(run, t.orig)
				continue
			}
		}
		flush()
	}
	flush()
	return out, content
}

func isContent(t token) bool {
	return !stopwords[t.text] && !stopwords[t.stem] && !verbsOnly[t.text] && !isNumber(t.text) && len(t.text) > 1
}

// verbsOnly are verbs that say nothing a link has not said ("which cities do we ship the most
// orders to"), but that still cue a dimension, so they are not stopwords.
var verbsOnly = setOf(`ship ships`)

// abbreviations analysts type for the words the ontology spells out.
var abbreviations = map[string]string{
	"rev": "revenue", "revs": "revenue", "avg": "average", "qty": "quantity", "cat": "category",
	"cats": "categories", "cust": "customer", "custs": "customers", "emp": "employee", "emps": "employees",
	"prod": "product", "prods": "products", "yr": "year", "yrs": "years", "mo": "month", "mos": "months",
	"qtr": "quarter", "qtrs": "quarters", "pct": "percentage", "num": "number", "amt": "amount", "no": "number",
	"gp": "gross profit", "disc": "discount", "discs": "discounts", "frt": "freight", "inv": "inventory", "ytd": "year to date", "qtd": "quarter to date", "mtd": "month to date", "mom": "month over month", "tot": "total", "sup": "supplier", "supp": "supplier",
}

// expandAbbreviations spells out the abbreviations (the original text is kept for messages).
func expandAbbreviations(toks []token) []token {
	out := toks[:0:0]
	for i, t := range toks {
		full, ok := abbreviations[t.text]
		if !ok || t.text == "no" && (i+1 >= len(toks) || toks[i+1].text != "of") {
			out = append(out, t)
			continue
		}
		for _, w := range strings.Fields(full) {
			nt := newToken(w, t.start)
			nt.orig = t.orig
			out = append(out, nt)
		}
	}
	return out
}

// declineWords ask for the largest fall: "the biggest drop in sales" ranks growth ascending.
var declineWords = setOf(`drop drops dropped decline declined declines decrease decreased decreases fall fell falls loss losses shrink shrank shrunk downturn`)

// declineFlip turns the direction of a growth ranking asked as a fall.
func declineFlip(ls *Links) {
	if ls.Compare == nil || !ls.Compare.Growth || !ls.Direction {
		return
	}
	for _, t := range ls.toks {
		if declineWords[t.text] {
			ls.Desc = !ls.Desc
			return
		}
	}
}

// buyWords make a "who" question ask for the customer; other verbs ask for a person on staff.
var buyWords = setOf(`bought buy buys buying purchased purchase purchases spent spend spends ordered order orders paid pay`)

// findWho reads "who sold the most", "who bought the most": a question opening with "who" and
// naming no dimension asks for people; buyers are the customer dimension, others the first
// person dimension that is not the customer.
func (l *Linker) findWho(ls *Links) {
	if len(ls.toks) == 0 || ls.toks[0].text != "who" && ls.toks[0].text != "whose" {
		return
	}
	for _, m := range ls.Mentions {
		if m.Kind == KindDimension || m.Kind == KindGrain {
			return
		}
	}
	buyer := false
	for _, t := range ls.toks {
		buyer = buyer || buyWords[t.text]
	}
	for _, d := range l.ont.Dimensions {
		if buyer && d.Name == "customer" {
			ls.whoDim = d.Name
			return
		}
		if !buyer && d.Kind == "person" && d.Name != "customer" && ls.whoDim == "" {
			ls.whoDim = d.Name
		}
	}
}

// rateNotShare: "on-time delivery percentage", "late shipment %": a share word right after a
// metric that is a percentage already only names its unit.
func (l *Linker) rateNotShare(ls *Links) {
	if !ls.Share || ls.ShareAt < 0 {
		return
	}
	for _, m := range ls.Mentions {
		if m.Kind != KindMetric || m.End != ls.ShareAt {
			continue
		}
		if mt := l.ont.MetricByID(m.ID); mt != nil && (mt.Unit == "percent" || mt.Unit == "ratio") {
			ls.Share, ls.Ratio, ls.ShareAt = false, false, -1
			return
		}
	}
}

// sortedByMetric: "customers in London by revenue", "products by units sold": "by" before a
// metric sorts the things named before it, so the first dimension written is the breakdown.
func sortedByMetric(ls *Links) {
	byMetric := false
	for _, m := range ls.Mentions {
		if m.Kind == KindMetric && m.Start > 0 && ls.toks[m.Start-1].text == "by" {
			byMetric = true
		}
		if (m.Kind == KindDimension || m.Kind == KindGrain) && m.By {
			return
		}
	}
	if !byMetric {
		return
	}
	for k := range ls.Mentions {
		m := &ls.Mentions[k]
		if m.Kind == KindDimension && m.Plural && m.Start <= 1 {
			m.By = true
			return
		}
	}
}
