package knn

import (
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/ontology"
)

// A lexicon maps phrases (1 to 3 lower-case words) to the concepts (ontology metrics,
// dimensions, entities, as named in dataset.Record.Concepts) they signal. It is learned
// from the training questions — a phrase is kept for a concept when at least lexMinSupport
// training questions contain it and at least lexPrecision of the questions that contain
// it are labelled with that concept — and seeded with the ontology's names and synonyms.
// BM25 weighs a question's rare words (a value, an odd paraphrase) and often returns the
// right shape over the wrong metric; the lexicon reads which metric and dimensions the
// question is about, and rerank discounts candidates labelled otherwise.
type lexicon struct {
	phrases map[string][]int // phrase → concept ids
	names   []string         // concept id → name (lower case)
	ids     map[string]int
}

const (
	lexMaxN       = 3
	lexMinSupport = 3
	lexPrecision  = 0.9
)

// words splits s into lower-case words, leaving out numbers (values, not concepts).
func words(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := f[:0]
	for _, w := range f {
		if w[0] < '0' || w[0] > '9' {
			out = append(out, w)
		}
	}
	return out
}

// ngrams calls fn once for each distinct phrase of 1 to lexMaxN consecutive words of s.
func ngrams(s string, fn func(string)) {
	w := words(s)
	seen := map[string]bool{}
	for i := range w {
		for n := 1; n <= lexMaxN && i+n <= len(w); n++ {
			g := strings.Join(w[i:i+n], " ")
			if !seen[g] {
				seen[g] = true
				fn(g)
			}
		}
	}
}

func (l *lexicon) id(name string) int {
	name = strings.ToLower(strings.TrimSpace(name))
	if i, ok := l.ids[name]; ok {
		return i
	}
	l.ids[name] = len(l.names)
	l.names = append(l.names, name)
	return len(l.names) - 1
}

// newLexicon learns a lexicon from records' questions and concepts and adds ont's names and
// synonyms (ont may be nil). It returns nil when no record is labelled with concepts.
func newLexicon(records []dataset.Record, ont *ontology.Ontology) *lexicon {
	l := &lexicon{phrases: map[string][]int{}, ids: map[string]int{}}
	total := map[string]int{}
	joint := map[string]map[int]int{}
	labelled := 0
	for _, r := range records {
		if len(r.Concepts) == 0 {
			continue
		}
		labelled++
		cs := make([]int, len(r.Concepts))
		for i, c := range r.Concepts {
			cs[i] = l.id(c)
		}
		ngrams(r.Question, func(g string) {
			total[g]++
			m := joint[g]
			if m == nil {
				m = map[int]int{}
				joint[g] = m
			}
			for _, c := range cs {
				m[c]++
			}
		})
	}
	if labelled == 0 {
		return nil
	}
	for g, m := range joint {
		for c, n := range m {
			if n >= lexMinSupport && float64(n) >= lexPrecision*float64(total[g]) {
				l.phrases[g] = append(l.phrases[g], c)
			}
		}
	}
	if ont != nil {
		add := func(name string, syn []string) {
			c := l.id(name)
			for _, p := range append([]string{name, strings.ReplaceAll(name, "_", " ")}, syn...) {
				p = strings.Join(words(p), " ")
				if p != "" && !containsInt(l.phrases[p], c) {
					l.phrases[p] = append(l.phrases[p], c)
				}
			}
		}
		for _, m := range ont.Metrics {
			add(m.Name, m.Synonyms)
		}
		for _, d := range ont.Dimensions {
			add(d.Name, d.Synonyms)
		}
	}
	for _, cs := range l.phrases {
		sort.Ints(cs)
	}
	return l
}

func containsInt(s []int, x int) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// conceptSet is a sorted set of concept ids.
type conceptSet []int

// detect returns the concepts the phrases of question signal.
func (l *lexicon) detect(question string) conceptSet {
	if l == nil {
		return nil
	}
	var out conceptSet
	ngrams(question, func(g string) {
		for _, c := range l.phrases[g] {
			if !containsInt(out, c) {
				out = append(out, c)
			}
		}
	})
	sort.Ints(out)
	return out
}

// labels returns the concept ids of r: its Concepts when labelled, else those its question signals.
func (l *lexicon) labels(r dataset.Record) conceptSet {
	if l == nil {
		return nil
	}
	if len(r.Concepts) == 0 {
		return l.detect(r.Question)
	}
	var out conceptSet
	for _, c := range r.Concepts {
		if i, ok := l.ids[strings.ToLower(strings.TrimSpace(c))]; ok && !containsInt(out, i) {
			out = append(out, i)
		}
	}
	sort.Ints(out)
	return out
}

// conceptMismatch is |want \ have| + conceptExtra × |have \ want|: the concepts the question
// asks for that the candidate lacks weigh fully, those the candidate adds (often a filter's
// dimension the question names only by its value) less.
func conceptMismatch(want, have conceptSet) float64 {
	missing, extra := 0, 0
	for _, c := range want {
		if !containsInt(have, c) {
			missing++
		}
	}
	for _, c := range have {
		if !containsInt(want, c) {
			extra++
		}
	}
	return float64(missing) + conceptExtra*float64(extra)
}

// conceptExtra weighs a candidate's concepts the question does not signal; conceptPenalty is
// how much each unit of concept mismatch discounts a score (chosen on the inference split with
// BenchmarkEvalSplit).
const (
	conceptExtra   = 0.5
	conceptPenalty = 1.0
)

// conceptFactor is exp(−conceptPenalty × mismatch), 1 when the question signals no concept.
func conceptFactor(want, have conceptSet) float64 {
	if len(want) == 0 {
		return 1
	}
	return math.Exp(-conceptPenalty * conceptMismatch(want, have))
}
