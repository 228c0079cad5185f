package phrase

import (
	"strings"
	"unicode"

	"github.com/sqlforge/sqlforge/internal/ontology"
)

// Vocab holds the words for an ontology's metrics, dimensions and segments: their names and
// synonyms as people write them, singular and plural, and entity nouns ("shipping companies").
type Vocab struct {
	metrics map[string]*metricWords
	dims    map[string]*dimWords
	segs    map[string]*segWords
}

type metricWords struct {
	name  string   // display name, e.g. "Revenue"
	forms []string // name and synonyms usable as a noun phrase ("revenue", "net sales")
	unit  string
	// count is the plural noun a count metric counts ("orders"), "" when none.
	count string
	// worse marks a metric where higher is worse (best/worst wording is avoided).
	worse bool
}

type dimWords struct {
	name   string   // display form of the id, e.g. "customer country"
	sing   []string // singular nouns
	plural []string // plural nouns, parallel to sing
	kind   string
	grain  string
}

type segWords struct {
	name string   // display form ("late shipments")
	nps  []string // plural noun phrases ("late shipments", "orders shipped late")
}

// NewVocab collects the words of ont's metrics, dimensions and segments.
func NewVocab(ont *ontology.Ontology) *Vocab {
	v := &Vocab{metrics: map[string]*metricWords{}, dims: map[string]*dimWords{}, segs: map[string]*segWords{}}
	for _, m := range ont.Metrics {
		v.metrics[ontology.MetricID(m.Name)] = newMetricWords(m)
	}
	for _, d := range ont.Dimensions {
		v.dims[d.Name] = newDimWords(d, ont.Entities)
	}
	for _, s := range ont.Segments {
		v.segs[s.Name] = newSegWords(s)
	}
	return v
}

func newMetricWords(m ontology.Metric) *metricWords {
	w := &metricWords{name: m.Name, unit: m.Unit, worse: m.Higher == "false"}
	for _, f := range append([]string{m.Name}, m.Synonyms...) {
		f = lowerWords(f)
		if rest, ok := strings.CutPrefix(f, "number of "); ok && w.count == "" {
			w.count = rest
		}
		if m.Unit == "count" && !strings.Contains(f, " ") && isPlural(f) {
			if w.count == "" {
				w.count = f
			}
			continue // "orders" reads badly as "the orders was ..."
		}
		w.forms = appendNew(w.forms, f)
	}
	return w
}

func newDimWords(d ontology.Dimension, ents []ontology.Entity) *dimWords {
	w := &dimWords{name: human(d.Name), kind: d.Kind, grain: d.Grain}
	add := func(s string) {
		s = lowerWords(s)
		if strings.HasSuffix(s, " name") || strings.HasSuffix(s, " flag") || uncountable[s] {
			return
		}
		if d.Kind == "flag" {
			s += " status"
		}
		if !contains(w.sing, s) {
			w.sing = append(w.sing, s)
			w.plural = append(w.plural, plural(s))
		}
	}
	add(w.name)
	for _, s := range d.Synonyms {
		add(s)
	}
	for _, e := range ents {
		if e.Label != "" && e.Label == d.Column {
			add(e.Name)
			for _, s := range e.Synonyms {
				add(s)
			}
		}
	}
	return w
}

var uncountable = map[string]bool{"merchandise": true, "goods": true, "staff": true, "stock": true, "inventory": true}

// newSegWords finds plural noun phrases for a segment: its synonyms that are noun phrases,
// adjectives and participles joined to the head noun of its description ("orders").
func newSegWords(s ontology.Segment) *segWords {
	w := &segWords{}
	head := headNoun(s.Description)
	if head == "" {
		head = "records"
	}
	desc := strings.TrimSuffix(strings.TrimSpace(s.Description), ".")
	cands := s.Synonyms
	if !strings.Contains(s.Name, "_") {
		cands = append([]string{s.Name}, cands...)
	}
	for _, c := range cands {
		if np := segNP(lowerWords(c), head); np != "" {
			w.nps = appendNew(w.nps, np)
		}
	}
	if desc != "" && len(strings.Fields(desc)) <= 8 {
		w.nps = appendNew(w.nps, lowerWords(desc))
	}
	if len(w.nps) == 0 {
		w.nps = []string{human(s.Name)}
	}
	w.name = w.nps[0]
	want := plural(human(s.Name))
	for _, np := range w.nps {
		if strings.ReplaceAll(np, "-", " ") == want {
			w.name = np
		}
	}
	return w
}

var postStarts = []string{"with ", "without ", "on ", "out of ", "no longer ", "not ", "still ", "longer ",
	"shorter ", "below ", "above ", "under ", "over ", "to ", "in ", "more ", "fewer ", "less "}

// segNP makes a plural noun phrase of a segment synonym, or "" when it cannot.
func segNP(s, head string) string {
	ws := strings.Fields(s)
	if len(ws) == 0 {
		return ""
	}
	for _, p := range postStarts {
		if strings.HasPrefix(s, p) {
			return head + " " + s
		}
	}
	if ws[0] == "needs" || ws[0] == "has" || ws[0] == "is" {
		return ""
	}
	if isPlural(ws[0]) || isPlural(ws[len(ws)-1]) {
		return s
	}
	if len(ws) > 1 && (strings.HasSuffix(ws[0], "ed") || ws[0] == "sold" || ws[0] == "paid") {
		return head + " " + s
	}
	if len(ws) == 1 {
		return s + " " + head
	}
	return ""
}

// headNoun is the leading plural noun of a description ("Order lines sold at ..." → "order lines").
func headNoun(desc string) string {
	ws := strings.Fields(strings.ToLower(desc))
	for i := 0; i < len(ws) && i < 3; i++ {
		if isPlural(ws[i]) {
			return strings.Join(ws[:i+1], " ")
		}
	}
	return ""
}

func isPlural(w string) bool {
	w = strings.ToLower(w)
	return len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is")
}

// plural makes the plural of a noun phrase ("country" → "countries", "month of the year" →
// "months of the year").
func plural(s string) string {
	ws := strings.Fields(s)
	if len(ws) == 0 {
		return s
	}
	i := len(ws) - 1
	for j, w := range ws {
		if j > 0 && w == "of" {
			i = j - 1
			break
		}
	}
	ws[i] = pluralWord(ws[i])
	return strings.Join(ws, " ")
}

func pluralWord(w string) string {
	switch {
	case w == "person":
		return "people"
	case strings.ToUpper(w) == w && len(w) > 1:
		return w + "s" // SKU → SKUs
	case strings.HasSuffix(w, "y") && len(w) > 1 && !strings.ContainsRune("aeiou", rune(w[len(w)-2])):
		return w[:len(w)-1] + "ies"
	case strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x") || strings.HasSuffix(w, "ch") || strings.HasSuffix(w, "sh"):
		return w + "es"
	}
	return w + "s"
}

// lowerWords lower-cases the words of s that are not acronyms or mixed case (AOV, YoY stay).
func lowerWords(s string) string {
	ws := strings.Fields(s)
	for i, w := range ws {
		upper := 0
		for _, r := range w[1:] {
			if unicode.IsUpper(r) {
				upper++
			}
		}
		if upper == 0 {
			ws[i] = strings.ToLower(w)
		}
	}
	return strings.Join(ws, " ")
}

// human turns an id into words: "customer_country" → "customer country".
func human(id string) string { return strings.ReplaceAll(id, "_", " ") }

func appendNew(xs []string, s string) []string {
	if s == "" || contains(xs, s) {
		return xs
	}
	return append(xs, s)
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// metric returns the words for a metric id, falling back to the id itself.
func (v *Vocab) metric(id string) *metricWords {
	if w, ok := v.metrics[id]; ok {
		return w
	}
	name := human(id)
	return &metricWords{name: capFirst(name), forms: []string{name}}
}

func (v *Vocab) dim(id string) *dimWords {
	if w, ok := v.dims[id]; ok {
		return w
	}
	n := human(id)
	return &dimWords{name: n, sing: []string{n}, plural: []string{plural(n)}}
}

func (v *Vocab) seg(id string) *segWords {
	if w, ok := v.segs[id]; ok {
		return w
	}
	return &segWords{name: human(id), nps: []string{human(id)}}
}

func capFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
