package ontology

import (
	"strings"
	"unicode"
)

// words splits an identifier into lower-case words at underscores, spaces, hyphens and
// CamelCase boundaries: "InvoiceLine" → [invoice line], "order_details" → [order details],
// "customerID" → [customer id], "HTTPStatus" → [http status].
func words(ident string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(ident)
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if i > 0 && len(cur) > 0 {
			prev := rs[i-1]
			lowerToUpper := unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev))
			acronymEnd := unicode.IsUpper(r) && unicode.IsUpper(prev) && i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if lowerToUpper || acronymEnd {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return out
}

// snake joins words with underscores: "InvoiceLine" → "invoice_line".
func snake(ws []string) string { return strings.Join(ws, "_") }

// title capitalises each word: [unit price] → "Unit Price".
func title(ws []string) string {
	out := make([]string, len(ws))
	for i, w := range ws {
		r := []rune(w)
		if w == "id" {
			out[i] = "ID"
			continue
		}
		r[0] = unicode.ToUpper(r[0])
		out[i] = string(r)
	}
	return strings.Join(out, " ")
}

// irregular plurals, singular → plural.
var irregular = map[string]string{"person": "people", "child": "children", "man": "men", "woman": "women",
	"staff": "staff", "data": "data", "media": "media", "series": "series", "news": "news"}

// singular returns the singular of an English noun, by the common rules: categories →
// category, boxes → box, addresses → address, orders → order; status, analysis stay.
func singular(w string) string {
	for s, p := range irregular {
		if w == p {
			return s
		}
	}
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"),
		strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "zes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"), len(w) <= 3:
		return w
	case strings.HasSuffix(w, "s"):
		return w[:len(w)-1]
	}
	return w
}

// plural returns the plural of a singular English noun: category → categories, box → boxes,
// order → orders.
func plural(w string) string {
	if p, ok := irregular[w]; ok {
		return p
	}
	switch {
	case strings.HasSuffix(w, "y") && len(w) > 1 && !strings.ContainsRune("aeiou", rune(w[len(w)-2])):
		return w[:len(w)-1] + "ies"
	case strings.HasSuffix(w, "s"), strings.HasSuffix(w, "x"), strings.HasSuffix(w, "z"),
		strings.HasSuffix(w, "ch"), strings.HasSuffix(w, "sh"):
		return w + "es"
	}
	return w + "s"
}

// lastTo applies f to the last word of ws (a copy): the head noun of a compound name.
func lastTo(ws []string, f func(string) string) []string {
	out := append([]string(nil), ws...)
	if len(out) > 0 {
		out[len(out)-1] = f(out[len(out)-1])
	}
	return out
}

// tableWords are the singular words of a table's name: "order_details" → [order detail].
func tableWords(table string) []string { return lastTo(words(table), singular) }

// dedupStrings drops empty and repeated strings (case-insensitive), keeping the first.
func dedupStrings(list []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range list {
		k := strings.ToLower(s)
		if s == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	return out
}
