package link

import (
	"sort"
	"strings"
)

// negators before a value exclude it ("excluding Beverages", "other than Germany").
// verbAfter: words after which a one-word segment ("shipped") is a verb.
var verbAfter = setOf(`to via from by with on in`)

// moneyHeads are money words that, right after a metric's name, only repeat it.
var moneyHeads = setOf(`spend spending spent money amount amounts cost costs total totals figure figures value dollars dollar usd`)

// partitive words between "how many" and the things counted ("how many of our products") change
// nothing either.
var partitive = setOf(`of our the your my all these those its their`)

// distinctWords between "how many" (or "number of") and the things counted change nothing.
var distinctWords = setOf(`different distinct unique separate individual`)

var negators = setOf(`excluding exclude excludes except not non without besides outside ignoring omitting`)

// findPhrases links the longest known phrases, left to right, to metrics, segments,
// dimensions, calendar grains and values.
func (l *Linker) findPhrases(ls *Links, used []bool) {
	toks := ls.toks
	for i := 0; i < len(toks); {
		if used[i] {
			i++
			continue
		}
		if i+1 < len(toks) && toks[i].text == "how" && toks[i+1].text == "many" {
			i = l.howMany(ls, used, i)
			continue
		}
		if ls.Having != nil && ls.HowMany == "" && i+2 < len(toks) && (toks[i].text == "number" || toks[i].text == "count") && toks[i+1].text == "of" {
			// "number of customers with revenue over 25k": customers counted, like "how many"
			if n, es := l.lex.lookup(toks, used, i+2, false); n > 0 && topKind(es) == KindDimension {
				i = l.howMany(ls, used, i)
				continue
			}
		}
		if next := l.ofInverted(ls, used, i); next > i {
			i = next
			continue
		}
		preferDim := i > 0 && (toks[i-1].text == "by" || toks[i-1].text == "per")
		n, es := l.lex.lookup(toks, used, i, preferDim)
		if n == 0 {
			i++
			continue
		}
		if n == 1 && toks[i].stem == "account" && i+1 < len(toks) && toks[i+1].text == "for" {
			used[i], used[i+1] = true, true // "account for the most revenue": a verb
			i += 2
			continue
		}
		if n == 1 && topKind(es) == KindDimension && l.lex.verbForm(toks[i]) {
			used[i] = true // "albums has Led Zeppelin released": a verb, not the release
			i++
			continue
		}
		if n == 1 && topKind(es) == KindSegment && i+1 < len(toks) && verbAfter[toks[i+1].text] {
			used[i] = true // "shipped to Germany": a verb, not the segment
			i++
			continue
		}
		l.addMention(ls, used, i, n, es)
		i += n
	}
}

// ofInverted reads a metric whose name is split around "of": "average length of a Jazz track"
// is "average track length", "average price of a track" "average track price". The words before
// "of" must start no phrase of their own; a value between the determiner and the thing named
// is left for its own link. It returns the next token to read (i when nothing was read).
func (l *Linker) ofInverted(ls *Links, used []bool, i int) int {
	toks := ls.toks
	if n, _ := l.lex.lookup(toks, used, i, false); n > 0 {
		return i
	}
	for j := i + 1; j <= i+2 && j < len(toks); j++ {
		if toks[j].text != "of" || anyUsed(used, span{i, j}) {
			continue
		}
		k := j + 1
		for k < len(toks) && (partitive[toks[k].text] || toks[k].text == "a" || toks[k].text == "an" || toks[k].text == "each" || toks[k].text == "every") {
			k++
		}
		for _, noun := range []int{k, k + 1, k + 2} {
			if noun >= len(toks) || used[noun] {
				continue
			}
			probe := append(append(append([]token(nil), toks[i]), toks[noun]), toks[i+1:j]...)
			n, es := l.lex.lookup(probe, make([]bool, len(probe)), 0, false)
			if n != len(probe) || topKind(es) != KindMetric {
				continue
			}
			l.addMention(ls, used, i, j-i, []entry{es[0]})
			mark(used, span{j, j + 1})
			used[noun] = true
			return j + 1
		}
	}
	return i
}

// howMany reads "how many <things>" as "number of <things>" (a count metric when the ontology
// has one) and remembers the dimension counted; it returns the next token to read.
func (l *Linker) howMany(ls *Links, used []bool, i int) int {
	toks := ls.toks
	used[i], used[i+1] = true, true
	for i+2 < len(toks) && (distinctWords[toks[i+2].text] || partitive[toks[i+2].text]) { // "how many different products", "how many of our products"
		used[i+2] = true
		i++
	}
	if n, es := l.lex.lookup(toks, used, i+2, false); n > 0 && topKind(es) == KindDimension {
		for _, e := range es {
			if e.kind == KindDimension {
				ls.HowMany, ls.howManyAt = e.id, i+2
				break
			}
		}
	}
	if ls.HowMany != "" && selling(toks) {
		// "how many tracks did we sell": tracks sold where the ontology has that metric,
		// else "how many products did we sell": the products with sales, counted.
		if n, _ := l.lex.lookup(toks, used, i+2, false); n > 0 {
			probe := append(append([]token(nil), toks[i+2:i+2+n]...), newToken("sold", 0))
			if pn, es := l.lex.lookup(probe, make([]bool, len(probe)), 0, false); pn == len(probe) && topKind(es) == KindMetric {
				ls.HowMany, ls.howManyAt = "", -1
				ls.howManyMetric = len(ls.Mentions)
				l.addMention(ls, used, i+2, n, []entry{es[0]})
				return i + 2 + n
			}
		}
		return i + 2
	}
	virtual := append([]token{newToken("number", 0), newToken("of", 0)}, toks[i+2:]...)
	vused := append([]bool{false, false}, used[i+2:]...)
	n, es := l.lex.lookup(virtual, vused, 0, false)
	if n > 2 && hasKind(es, KindMetric) {
		ls.howManyMetric = len(ls.Mentions)
		l.addMention(ls, used, i+2, n-2, es)
		return i + n
	}
	return i + 2
}

// selling reports a selling verb anywhere in the question.
func selling(toks []token) bool {
	for _, t := range toks {
		if sellWords[t.text] {
			return true
		}
	}
	return false
}

// topKind is the kind that wins among a phrase's meanings.
func topKind(es []entry) string {
	best := ""
	for _, e := range es {
		if best == "" || kindRank[e.kind] < kindRank[best] {
			best = e.kind
		}
	}
	return best
}

// addMention records the phrase toks[i:i+n] with its meanings es.
func (l *Linker) addMention(ls *Links, used []bool, i, n int, es []entry) {
	toks := ls.toks
	sort.SliceStable(es, func(a, b int) bool {
		if kindRank[es[a].kind] != kindRank[es[b].kind] {
			return kindRank[es[a].kind] < kindRank[es[b].kind]
		}
		return es[a].order < es[b].order
	})
	e := es[0]
	if e.kind == KindMetric && n == 1 && moneyHeads[toks[i].text] && len(ls.Mentions) > 0 {
		if prev := ls.Mentions[len(ls.Mentions)-1]; prev.Kind == KindMetric && prev.End == i && l.moneyMetric(prev.ID) {
			used[i] = true // "freight spend", "gross margin dollars": one measure
			return
		}
	}
	if e.kind == KindSegment {
		if not, ok := l.complement[e.id]; ok && segmentNegated(toks, used, i) {
			e.id = not // "orders that haven't shipped" → unshipped
		}
	}
	m := Mention{Kind: e.kind, ID: e.id, Grain: e.grain, Start: i, End: i + n, By: e.implicitBy, Text: phraseText(ls.Question, toks[i:i+n])}
	switch e.kind {
	case KindValue:
		for _, x := range es {
			if x.kind == KindValue && !contains(m.Dims, x.id) {
				m.Dims = append(m.Dims, x.id)
				m.vals = append(m.vals, x.value)
			}
		}
		m.Value = m.vals[0]
		m.Negated = negatedAt(toks, used, i)
	case KindDimension, KindGrain:
		last := toks[i+n-1]
		m.Plural = last.text != last.stem && !strings.HasSuffix(last.text, "ss") && !oneOf(toks, i, i+n)
		j := i - 1
		for j >= 0 && distinctWords[toks[j].text] { // "number of distinct customers"
			used[j] = true
			j--
		}
		if j >= 1 && (toks[j-1].text == "number" || toks[j-1].text == "count") && toks[j].text == "of" && e.kind == KindDimension && ls.HowMany == "" {
			ls.HowMany, ls.howManyAt = e.id, i
		}
	}
	mark(used, span{i, i + n})
	ls.Mentions = append(ls.Mentions, m)
}

// oneOf reports a plural picked from: "which of our carriers was slowest" asks for one.
func oneOf(toks []token, from, to int) bool {
	j := from - 1
	for j >= 0 && partitive[toks[j].text] && toks[j].text != "of" {
		j--
	}
	return j >= 1 && toks[j].text == "of" && (toks[j-1].text == "which" || toks[j-1].text == "who") &&
		to < len(toks) && singularVerbs[toks[to].text]
}

var singularVerbs = setOf(`is was has does`)

// moneyMetric reports a metric measured in money, which a money word right after its name
// ("freight spend", "margin dollars") only restates; after a count ("customers spent") the
// word is a verb of its own.
func (l *Linker) moneyMetric(id string) bool {
	m := l.ont.MetricByID(id)
	return m != nil && m.Unit == "currency"
}

// negatedAt reports (and marks) a negator just before token i.
func negatedAt(toks []token, used []bool, i int) bool {
	for j := i - 1; j >= 0 && j >= i-2; j-- {
		t := toks[j].text
		if negators[t] || t == "than" && j > 0 && toks[j-1].text == "other" || t == "from" && j > 0 && toks[j-1].text == "apart" {
			used[j] = true
			return true
		}
		if t != "the" && t != "and" && t != "or" {
			break
		}
	}
	return false
}

func phraseText(q string, toks []token) string {
	if len(toks) == 0 {
		return ""
	}
	last := toks[len(toks)-1]
	return q[toks[0].start : last.start+len(last.orig)]
}

// rankValueDims orders each value's possible dimensions by the words around it: "shipped to
// Germany" → ship_country, "suppliers in Germany" → supplier_country, and otherwise the
// ontology's order.
func (l *Linker) rankValueDims(ls *Links) {
	for k := range ls.Mentions {
		m := &ls.Mentions[k]
		if m.Kind != KindValue || len(m.Dims) < 2 {
			continue
		}
		cues := l.dimCues(m.Dims)
		score := make([]int, len(m.Dims))
		for d, dim := range m.Dims {
			for j := max(0, m.Start-5); j < min(len(ls.toks), m.End+2); j++ {
				if j >= m.Start && j < m.End {
					continue
				}
				if cueMatch(cues[dim], ls.toks[j].stem) || movedTo(ls.toks, j) && cueMatch(cues[dim], "ship") {
					score[d]++
				}
			}
			if l.besideDimension(ls, dim) {
				score[d]++ // "cities ... in France" with the cities of orders: the orders' country
			}
		}
		idx := make([]int, len(m.Dims))
		for d := range idx {
			idx[d] = d
		}
		sort.SliceStable(idx, func(a, b int) bool { return score[idx[a]] > score[idx[b]] })
		dims, vals := make([]string, len(idx)), make([]string, len(idx))
		for d, x := range idx {
			dims[d], vals[d] = m.Dims[x], m.vals[x]
		}
		m.Dims, m.vals, m.ID, m.Value = dims, vals, dims[0], vals[0]
	}
}

// dimCues returns, for each dimension, the words of its name and synonyms that the other
// candidate dimensions do not share ("ship", "destination" for ship_country).
func (l *Linker) dimCues(dims []string) map[string][]string {
	words := map[string][]string{}
	count := map[string]int{}
	for _, d := range dims {
		seen := map[string]bool{}
		for _, p := range append([]string{strings.ReplaceAll(d, "_", " ")}, l.dimSyn[d]...) {
			for _, w := range strings.Fields(stems(p)) {
				if !seen[w] && !stopwords[w] {
					seen[w] = true
					words[d] = append(words[d], w)
					count[w]++
				}
			}
		}
	}
	out := map[string][]string{}
	for _, d := range dims {
		for _, w := range words[d] {
			if count[w] < len(dims) {
				out[d] = append(out[d], w)
			}
		}
	}
	return out
}

// destinationVerbs followed by "to" say where goods went ("orders that went to Germany"),
// as "shipped to" does.
var destinationVerbs = setOf(`went gone going sent sending headed heading destined bound delivered delivering`)

// movedTo reports a destination verb at token j followed by "to".
func movedTo(toks []token, j int) bool {
	return destinationVerbs[toks[j].text] && j+1 < len(toks) && toks[j+1].text == "to"
}

// besideDimension reports another dimension of the question whose column is in dim's table, so
// that a value fits the thing the question breaks down by.
func (l *Linker) besideDimension(ls *Links, dim string) bool {
	d := l.dims[dim]
	if d == nil {
		return false
	}
	table, _, _ := strings.Cut(d.Column, ".")
	for _, m := range ls.Mentions {
		if m.Kind != KindDimension || m.ID == dim {
			continue
		}
		if o := l.dims[m.ID]; o != nil && strings.HasPrefix(o.Column, table+".") {
			return true
		}
	}
	return false
}

// cueMatch compares on the first four letters, so that "shipped" cues "ship".
func cueMatch(cues []string, w string) bool {
	for _, c := range cues {
		if c == w || len(c) >= 4 && len(w) >= 4 && c[:4] == w[:4] {
			return true
		}
	}
	return false
}

// rankDimWords moves a generic dimension word to the sibling dimension the question's other
// words point at: "city" with "shipped to" → ship_city, "country" with "suppliers" →
// supplier_country. Siblings share the last part of their name (customer_city, ship_city).
func (l *Linker) rankDimWords(ls *Links) {
	for k := range ls.Mentions {
		m := &ls.Mentions[k]
		if m.Kind != KindDimension || m.End-m.Start > 1 {
			continue // "customer country" names its dimension; only a generic word moves
		}
		last := m.ID[strings.LastIndex(m.ID, "_")+1:]
		var sibs []string
		for _, d := range l.ont.Dimensions {
			if d.Grain == "" && (d.Name == last || strings.HasSuffix(d.Name, "_"+last)) {
				sibs = append(sibs, d.Name)
			}
		}
		if len(sibs) < 2 {
			continue
		}
		cues := l.dimCues(sibs)
		best, bestScore := m.ID, cueScore(ls, m, cues[m.ID])
		for _, d := range sibs {
			if sc := cueScore(ls, m, cues[d]); sc > bestScore {
				best, bestScore = d, sc
			}
		}
		m.ID = best
	}
}

// cueScore counts the question's words outside m that match cues.
func cueScore(ls *Links, m *Mention, cues []string) int {
	n := 0
	for j, t := range ls.toks {
		if (j < m.Start || j >= m.End) && cueMatch(cues, t.stem) {
			n++
		}
	}
	return n
}
