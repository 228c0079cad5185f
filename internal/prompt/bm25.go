package prompt

import (
	"math"
	"regexp"
	"sort"
	"strings"
)

// BM25 parameters (Robertson's usual values).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// Index ranks example questions by BM25 similarity to a query. It is pure Go and built in
// memory: a training split of a few thousand questions indexes in milliseconds, needs no
// database connection, and its tokenizer is ours, so values are folded the same way at
// index and query time (years become "#year", other numbers "#num", dates "#date"), which
// makes questions that differ only in their values rank as equals.
//
// An Index is immutable after NewIndex and safe for concurrent use.
type Index struct {
	examples []Example
	docs     []map[string]int // term frequencies per example
	lens     []int
	avgLen   float64
	df       map[string]int
}

// Hit is one ranked example.
type Hit struct {
	// Example is the matching example.
	Example Example
	// Pos is its position in the slice given to NewIndex.
	Pos int
	// Score is its BM25 score for the query (higher is closer).
	Score float64
}

// NewIndex indexes the questions of examples.
func NewIndex(examples []Example) *Index {
	ix := &Index{examples: examples, df: map[string]int{}}
	total := 0
	for _, ex := range examples {
		tf := map[string]int{}
		toks := Terms(ex.Question)
		for _, t := range toks {
			tf[t]++
		}
		for t := range tf {
			ix.df[t]++
		}
		ix.docs = append(ix.docs, tf)
		ix.lens = append(ix.lens, len(toks))
		total += len(toks)
	}
	if len(examples) > 0 {
		ix.avgLen = float64(total) / float64(len(examples))
	}
	return ix
}

// Len is the number of indexed examples.
func (ix *Index) Len() int { return len(ix.examples) }

// Search returns the k examples whose questions score highest for query, best first; ties
// keep index order. Examples that share no term with the query are left out.
func (ix *Index) Search(query string, k int) []Hit {
	if ix == nil || k <= 0 {
		return nil
	}
	qt := Terms(query)
	n := float64(len(ix.examples))
	var hits []Hit
	for i, tf := range ix.docs {
		s := 0.0
		seen := map[string]bool{}
		for _, t := range qt {
			if seen[t] {
				continue
			}
			seen[t] = true
			f := float64(tf[t])
			if f == 0 {
				continue
			}
			df := float64(ix.df[t])
			idf := math.Log(1 + (n-df+0.5)/(df+0.5))
			s += idf * f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*float64(ix.lens[i])/ix.avgLen))
		}
		if s > 0 {
			hits = append(hits, Hit{Example: ix.examples[i], Pos: i, Score: s})
		}
	}
	sort.SliceStable(hits, func(a, b int) bool { return hits[a].Score > hits[b].Score })
	if len(hits) > k {
		hits = hits[:k]
	}
	return hits
}

var (
	dateRE = regexp.MustCompile(`^\d{4}-\d{2}(-\d{2})?$`)
	yearRE = regexp.MustCompile(`^(19|20)\d{2}$`)
	numRE  = regexp.MustCompile(`^\d+(\.\d+)?$`)
	wordRE = regexp.MustCompile(`[\p{L}\p{N}]+(?:[-.'][\p{L}\p{N}]+)*`)
)

// stopwords carry no meaning for retrieval.
var stopwords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "for": true, "in": true, "on": true, "to": true,
	"is": true, "are": true, "was": true, "were": true, "me": true, "i": true, "we": true, "what": true,
	"and": true, "or": true, "by": true, "with": true, "do": true, "did": true, "does": true, "it": true,
	"please": true, "show": true, "give": true, "tell": true, "list": true, "our": true, "us": true,
}

// Terms splits text into the lower-case retrieval terms Index uses: stop words dropped,
// dates, years and numbers folded into "#date", "#year" and "#num", and a plural "s" removed.
func Terms(text string) []string {
	var out []string
	for _, w := range wordRE.FindAllString(strings.ToLower(text), -1) {
		switch {
		case stopwords[w]:
			continue
		case dateRE.MatchString(w):
			w = "#date"
		case yearRE.MatchString(w):
			w = "#year"
		case numRE.MatchString(w):
			w = "#num"
		case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
			w = w[:len(w)-1]
		}
		out = append(out, w)
	}
	return out
}
