package link

import (
	"strings"

	"github.com/sqlforge/sqlforge/internal/ontology"
)

// complements maps each segment to the segment that is its negation, where the ontology has
// one: a segment listed as "not <the other's name or synonym>" (unshipped: "not shipped"), or
// whose condition is the other's with the comparison turned around (IS NULL / IS NOT NULL,
// > / <=, < / >=, = 0 / = 1).
func complements(ont *ontology.Ontology) map[string]string {
	out := map[string]string{}
	names := func(s ontology.Segment) []string {
		return append([]string{strings.ReplaceAll(s.Name, "_", " ")}, s.Synonyms...)
	}
	for _, a := range ont.Segments {
		for _, b := range ont.Segments {
			if a.Name == b.Name {
				continue
			}
			if negatedCondition(a.Condition, b.Condition) {
				out[a.Name] = b.Name
				continue
			}
			for _, na := range names(a) {
				for _, nb := range names(b) {
					if stems(nb) == "not "+stems(na) {
						out[a.Name], out[b.Name] = b.Name, a.Name
					}
				}
			}
		}
	}
	return out
}

// negatedCondition reports whether b is a with its one comparison turned around.
func negatedCondition(a, b string) bool {
	a, b = normCond(a), normCond(b)
	for _, pair := range [][2]string{
		{" is not null", " is null"}, {" <= ", " > "}, {" >= ", " < "}, {" = 1", " = 0"}, {" = 0", " > 0"},
	} {
		for _, p := range [][2]string{pair, {pair[1], pair[0]}} {
			if strings.Count(a, p[0]) == 1 && strings.Replace(a, p[0], p[1], 1) == b {
				return true
			}
		}
	}
	return false
}

func normCond(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// contractions are the first halves of "haven't", "isn't" ... as the tokenizer splits them
// ("haven", "t").
var contractions = setOf(`haven hasn hadn isn aren wasn weren don doesn didn won wouldn can couldn`)

// glued are contractions written without the apostrophe ("havent shipped").
var glued = setOf(`havent hasnt hadnt isnt arent wasnt werent dont doesnt didnt wont cant couldnt`)

// segmentNegated reports (and marks) a negation just before a segment word: "not shipped",
// "haven't shipped", "never shipped", "yet to be shipped", "excluding discontinued products".
func segmentNegated(toks []token, used []bool, i int) bool {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		t := toks[j].text
		switch {
		case t == "never" || negators[t] || glued[t]: // "not shipped", "excluding discontinued products"
			used[j] = true
			return true
		case t == "t" && j > 0 && contractions[toks[j-1].text]:
			used[j], used[j-1] = true, true
			return true
		case t == "yet" && j+1 < len(toks) && toks[j+1].text == "to":
			used[j] = true
			return true
		case t == "been" || t == "be" || t == "yet" || t == "to" || t == "got" || t == "gotten" || t == "still" || t == "the" || t == "all" || t == "any":
			continue
		}
		break
	}
	return false
}
