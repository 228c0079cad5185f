// Package phrase turns a query plan into questions as business analysts write them, and into
// a one-line explanation. Questions draws on many templates per plan feature and on the
// ontology's synonyms, so one plan yields many different questions, each mentioning every part
// of the plan (filters, windows, limits, segments) and nothing the plan lacks.
package phrase

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/sqlforge/sqlforge/internal/plan"
)

// Questions returns up to n distinct questions for p (fewer if the plan has fewer phrasings),
// chosen with r: the same seed gives the same questions.
func Questions(r *rand.Rand, p *plan.Plan, v *Vocab, n int) []string {
	var out []string
	seen := map[string]bool{}
	for try := 0; try < 30*n+50 && len(out) < n; try++ {
		g := &gen{r: r, v: v, p: p}
		q := g.sentence()
		if q == "" || seen[q] {
			continue
		}
		seen[q] = true
		out = append(out, q)
	}
	return out
}

// parts a frame renders itself; the rest are appended by tail.
const (
	pOrder = 1 << iota
	pLimit
	pTies
	pRank
	pRunning
	pHaving
)

type gen struct {
	r    *rand.Rand
	v    *Vocab
	p    *plan.Plan
	done int
	// extra lists the measures a top/bottom frame did not order by ("" when none).
	extra []string
}

type tmpl func(g *gen) string

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) chance(f float64) bool    { return g.r.Float64() < f }

// apply runs a random template of ts that fits the plan (a template returns "" when not).
func (g *gen) apply(ts []tmpl) string {
	for _, i := range g.r.Perm(len(ts)) {
		if s := ts[i](g); s != "" {
			return finish(s)
		}
	}
	return ""
}

// finish capitalises a sentence; one starting with "~" is a terse lower-case form.
func finish(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.ReplaceAll(s, " ,", ",")
	s = strings.ReplaceAll(s, " ?", "?")
	s = strings.ReplaceAll(s, ",,", ",")
	if t, ok := strings.CutPrefix(s, "~"); ok {
		return strings.TrimSpace(t)
	}
	return capFirst(s)
}

// sentence picks the frame family for the plan's main feature.
func (g *gen) sentence() string {
	p := g.p
	topk := len(p.GroupBy) > 0 && p.Limit > 0 && p.Order != nil && p.Order.By != plan.ByLabel
	switch {
	case len(p.Measures) == 0 && p.Count:
		return g.apply(entityCountT)
	case len(p.Measures) == 0:
		return g.apply(entityT)
	case p.Count:
		g.done |= pHaving
		return g.apply(countT)
	case p.Compare != nil && p.Compare.Growth && topk:
		g.done |= pOrder | pLimit
		return g.apply(growthTopT)
	case p.Compare != nil && p.Compare.Growth:
		return g.apply(growthT)
	case p.Compare != nil:
		return g.apply(compareT)
	case p.Share != nil && len(p.Share.Filters)+len(p.Share.Segments) > 0:
		return g.apply(subsetShareT)
	case p.Share != nil:
		return g.apply(groupShareT)
	case p.Per != "" && topk:
		g.done |= pOrder | pLimit
		return g.apply(perT)
	case p.Running:
		g.done |= pRunning
		return g.apply(runningT)
	case p.Rank:
		g.done |= pRank
		return g.apply(rankT)
	case topk:
		g.done |= pOrder | pLimit
		return g.apply(topT)
	case len(p.GroupBy) > 0:
		return g.apply(listT)
	}
	return g.apply(scalarT)
}

// many reports whether the plan asks for several measures (verb agreement).
func (g *gen) many() bool { return len(g.p.Measures) > 1 }

func (g *gen) was() string {
	if g.many() {
		return "were"
	}
	return "was"
}

func (g *gen) is() string {
	if g.many() {
		return "are"
	}
	return "is"
}

// m renders all the measures: "revenue", "revenue and order count".
func (g *gen) m() string { return g.list(g.p.Measures, g.form) }

// form is one of a metric's names.
func (g *gen) form(id string) string { return g.pick(g.v.metric(id).forms...) }

func (g *gen) list(ids []string, f func(string) string) string {
	var xs []string
	for _, id := range ids {
		xs = append(xs, f(id))
	}
	return joinAnd(xs, "and")
}

func joinAnd(xs []string, conj string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " " + conj + " " + xs[len(xs)-1]
}

// orderID is the measure a top/bottom-k orders by; the other measures go to g.extra.
func (g *gen) orderID() string {
	id := g.p.Measures[0]
	if o := g.p.Order; o != nil && o.By != "" && o.By != plan.ByLabel {
		id = o.By
	}
	g.extra = nil
	for _, m := range g.p.Measures {
		if m != id {
			g.extra = append(g.extra, m)
		}
	}
	return id
}

// also mentions the measures a frame did not name (", along with order count").
func (g *gen) also() string {
	if len(g.extra) == 0 {
		return ""
	}
	x := g.list(g.extra, g.form)
	g.extra = nil
	return g.pick(", with ", ", along with ", ", also showing ", " and their ", ", plus ") + x
}

// amount reports whether "the most X" reads well for metric id (totals, not averages or rates).
func (g *gen) amount(id, form string) bool {
	w := g.v.metric(id)
	if w.unit != "currency" && w.unit != "count" && w.unit != "units" {
		return false
	}
	for _, bad := range []string{"average", "mean", "per ", "rate", "ratio", "typical", "price", "value", "index", "size", "frequency", "aov", "asp",
		"number", "count", "volume", "base"} {
		if strings.Contains(strings.ToLower(form), bad) {
			return false
		}
	}
	return true
}

// num writes n as digits or, up to twelve, sometimes as a word.
func (g *gen) num(n int) string {
	if n >= 1 && n <= 12 && g.chance(0.35) {
		return numWords[n]
	}
	return strconv.Itoa(n)
}

var numWords = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"}

// number formats a threshold: 10000 → "10,000", "10000" or "10k"; percent units get "%".
func (g *gen) number(v float64, unit string) string {
	var s string
	switch {
	case v == float64(int64(v)) && int64(v)%1000 == 0 && v >= 1000 && v < 1e6 && g.chance(0.35):
		s = strconv.FormatInt(int64(v)/1000, 10) + "k"
	case v == float64(int64(v)) && v >= 1000 && g.chance(0.6):
		s = thousands(int64(v))
	default:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	}
	if unit == "percent" {
		s += "%"
	}
	return s
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
