package link

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a question: its lower-case text, its stem (for matching), where it
// sits in the question and whether it was written with a capital letter.
type token struct {
	text  string // lower case, as written
	stem  string // singular, lower case: what lexicon phrases are matched on
	orig  string // as written
	start int    // byte offset in the question
	cap   bool   // first letter upper case
	slash bool   // written right after a '/' ("orders/month")
}

// tokenize splits s into words. Digits keep the '-', '.', ',' and '/' between them
// ("2023-03", "10,000" → "10000", "2020-2024"); '%' is a token of its own; everything else
// that is not a letter or digit separates words ("AC/DC" → "ac", "dc"; "customer's" →
// "customer", "s" is dropped).
func tokenize(s string) []token {
	var out []token
	start, end := -1, 0
	flush := func() {
		if start < 0 {
			return
		}
		w := s[start:end]
		w = strings.ReplaceAll(w, ",", "")
		switch {
		case w == "" || w == "s" && start > 0 && (s[start-1] == '\'' || s[start-1] == 0x99):
		case yearPairRE.MatchString(w): // "2020-2024": two years and the dash between
			out = append(out, newToken(w[:4], start), newToken(w[5:], start+5))
		case gluedCountRE.MatchString(w): // "top5": the word and its count
			k := strings.IndexAny(w, "0123456789")
			out = append(out, newToken(w[:k], start), newToken(w[k:], start+k))
		default:
			out = append(out, newToken(w, start))
		}
		start = -1
	}
	for i, r := range s {
		n := utf8.RuneLen(r)
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
			end = i + n
		case strings.ContainsRune("-.,/", r) && start >= 0 && isDigitAt(s, i-1) && isDigitAt(s, i+1):
			end = i + n
		case r == '%':
			flush()
			out = append(out, newToken("%", i))
		default:
			flush()
		}
	}
	flush()
	for i := range out {
		out[i].slash = out[i].start > 0 && s[out[i].start-1] == '/'
	}
	return out
}

var gluedCountRE = regexp.MustCompile(`^(?i:top|bottom|first|last|best|worst)\d{1,3}$`)

var yearPairRE = regexp.MustCompile(`^(19|20)\d\d[-/](19|20)\d\d$`)

func isDigitAt(s string, i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }

func newToken(w string, at int) token {
	r, _ := utf8.DecodeRuneInString(w)
	low := strings.ToLower(w)
	return token{text: low, stem: stem(low), orig: w, start: at, cap: unicode.IsUpper(r)}
}

// stem makes a plural singular, crudely but the same way on both sides of a match.
func stem(w string) string {
	n := len(w)
	switch {
	case n <= 3 || isNumber(w):
		return w
	case strings.HasSuffix(w, "ies") && n > 4:
		return w[:n-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "xes"):
		return w[:n-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "s"):
		return w[:n-1]
	}
	return w
}

func isNumber(w string) bool {
	if w == "" {
		return false
	}
	for _, r := range w {
		if !(r >= '0' && r <= '9' || r == '.') {
			return false
		}
	}
	return true
}

// stems tokenizes a phrase and returns the stems joined by single spaces: the key a phrase is
// stored and looked up under.
func stems(phrase string) string {
	toks := tokenize(phrase)
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.stem
	}
	return strings.Join(parts, " ")
}

// numberWords are the spelled-out counts analysts write ("top five").
var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "dozen": 12,
}

// stopwords carry no content of their own: question words, articles, prepositions, common
// verbs, and the cue words the linker reads structure from. A question's other words are its
// content; what no link covers is reported as missing.
var stopwords = setOf(`a an the of in on at to for from by per with without and or vs versus
	what which who whom whose how when where why is are was were be been being do does did
	has have had having will would could should can may might must shall me my we our us
	you your i it its their they them there here this that these those all any each every some
	show list give tell find get display see return report provide calculate compute break
	down broken split group grouped please total overall many much more most less least fewer
	fewest top bottom best worst highest lowest largest smallest biggest greatest leading
	than over under above below about around between during within across among into out
	up only also just as so if then else not no yes same other another both either
	made make makes making placed place places placing generated generate generates brought bring
	come came comes coming handled handle handles handling sold sell sells selling bought
	buy buys buying purchased purchase ordered received receive earned earn got get
	did done record recorded recorded hit reach reached account accounted amount
	value values figure figures number count much overall sum summed whole entire
	year years quarter quarters month months day days period time times last past previous prior
	next this current latest recent most-recent first second third fourth half
	share percentage percent proportion fraction ratio portion part %
	compare compared comparison against difference differences growth grew grow change changed increase increased
	decrease decreased decline declined rise rose fell drop dropped yoy
	rank ranked ranking rankings order ordered sort sorted sorting ascending descending
	alphabetically alphabetical cumulative running trend trends
	exceed exceeds exceeded exceeding least greater fewer smaller larger
	one two three four five six seven eight nine ten twelve twenty dozen
	we've we're i'd it's
	did does doing done like look looking want wanted need needed
	take takes took taken pay pays paid spend spends spent charge charged deliver delivered
	carry carried sent send after before look looks looked breakdown split combined together altogether average mean avg go went have got keep kept belong belongs
	currently presently now nowadays today still moment fiscal far include includes included contain contains contained containing
	s t`)

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// editDistance1 reports whether a and b differ by exactly one edit (insert, delete, substitute
// or swap of two neighbours).
func editDistance1(a, b string) bool {
	if a == b {
		return false
	}
	la, lb := len(a), len(b)
	if la > lb {
		a, b, la, lb = b, a, lb, la
	}
	if lb-la > 1 {
		return false
	}
	i := 0
	for i < la && a[i] == b[i] {
		i++
	}
	if la == lb {
		if a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	}
	return a[i:] == b[i+1:]
}
