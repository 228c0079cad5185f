package llm

import (
	"strings"
	"unicode"
)

// DefaultBackThreshold is the least Similarity between a question and the back-translation
// of its SQL for the pair to be kept.
const DefaultBackThreshold = 0.3

// Similarity compares a question with the question written back from its SQL: the Dice
// coefficient 2|A∩B| / (|A|+|B|) of their content-word sets. Content words are lower-cased
// runs of letters and digits, without the stop words below (function words and the words
// every analytics question shares: "how", "many", "total", "show", ...), with a crude
// English stemming (a plural "s"/"es", "ing", "ed" removed). Numbers are kept, so a year or
// a threshold that the SQL lost shows as a difference.
//
// A paraphrase keeps the concept, the filters and the period, so it scores high ("number of
// orders shipped to Germany" / "How many orders were shipped to Germany?" = 1.0), while SQL
// that answers another question is written back with other content words (0 to 0.2). The
// result is in [0, 1]; two texts without content words score 1.
func Similarity(a, b string) float64 {
	wa, wb := contentWords(a), contentWords(b)
	if len(wa) == 0 && len(wb) == 0 {
		return 1
	}
	common := 0
	for w := range wa {
		if wb[w] {
			common++
		}
	}
	return 2 * float64(common) / float64(len(wa)+len(wb))
}

var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the of in on at to for by with from and or as is are was were be been
		what which who whom whose how many much number count total amount overall all each every per
		show list give tell me us our we you your i please could would can do does did get find return
		display report provide there their that this these those it its than then into over across
		hey so just some any value values get got have has had want need know let`) {
		stopWords[w] = true
	}
}

// contentWords is the set of stemmed content words of s.
func contentWords(s string) map[string]bool {
	out := map[string]bool{}
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for _, w := range words {
		if stopWords[w] {
			continue
		}
		out[stem(w)] = true
	}
	return out
}

// stem removes a common English inflection from a word longer than four letters.
func stem(w string) string {
	if len(w) <= 4 || unicode.IsDigit(rune(w[0])) {
		return w
	}
	for _, suf := range []string{"ies", "ing", "ed", "es", "s"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 {
			if suf == "ies" {
				return w[:len(w)-3] + "y"
			}
			if suf == "es" && !strings.HasSuffix(w, "ses") && !strings.HasSuffix(w, "xes") && !strings.HasSuffix(w, "ches") {
				return w[:len(w)-1]
			}
			w = w[:len(w)-len(suf)]
			if n := len(w); (suf == "ed" || suf == "ing") && w[n-1] == w[n-2] && !strings.ContainsRune("aeiousl", rune(w[n-1])) {
				w = w[:n-1] // shipped -> ship, planning -> plan
			}
			return w
		}
	}
	return w
}
