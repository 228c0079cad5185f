package datagen

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

var monthNames = []string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

var ordinals = []string{"first", "second", "third", "fourth"}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// plural makes a plural of an English noun phrase (its last word).
func plural(s string) string {
	switch {
	case s == "":
		return s
	case strings.HasSuffix(s, "s") || strings.HasSuffix(s, "x") || strings.HasSuffix(s, "ch") || strings.HasSuffix(s, "sh"):
		return s + "es"
	case strings.HasSuffix(s, "y") && len(s) > 1 && !strings.ContainsRune("aeiou", rune(s[len(s)-2])):
		return s[:len(s)-1] + "ies"
	case strings.HasSuffix(s, "person"):
		return s[:len(s)-6] + "people"
	}
	return s + "s"
}

// slots are the words a template is filled with; every field is chosen afresh for each
// phrasing, so two phrasings of one query may name the metric differently.
type slots map[string]string

// render fills {name} placeholders, collapses spaces, capitalises the first letter and
// ends a question with "?" (an imperative with ".").
func render(tmpl string, s slots) string {
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		if tmpl[i] == '{' {
			if j := strings.IndexByte(tmpl[i:], '}'); j > 0 {
				b.WriteString(s[tmpl[i+1:i+j]])
				i += j
				continue
			}
		}
		b.WriteByte(tmpl[i])
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	out = strings.NewReplacer(" ,", ",", " ?", "?", " .", ".", " :", ":").Replace(out)
	if out == "" {
		return out
	}
	out = strings.ToUpper(out[:1]) + out[1:]
	if !strings.HasSuffix(out, "?") && !strings.HasSuffix(out, ".") {
		out += "?"
	}
	return out
}

// phrasings renders n distinct templates, each with slots from fill (called once per
// phrasing so synonyms vary between them).
func phrasings(r *rand.Rand, n int, templates []string, fill func() slots) []string {
	order := r.Perm(len(templates))
	var out []string
	for _, i := range order {
		if len(out) == n {
			break
		}
		q := render(templates[i], fill())
		dup := false
		for _, o := range out {
			if o == q {
				dup = true
			}
		}
		if !dup {
			out = append(out, q)
		}
	}
	return out
}

// period is a time filter with its SQL predicate and ways to say it.
type period struct {
	kind  string // year, quarter, month, range
	pred  string
	words func(r *rand.Rand) string
	label string // for reasoning
}

func (g *gen) randomPeriod(r *rand.Rand, m *metric) *period {
	p := m.periods
	d := g.w.d
	col := m.timeCol
	y := pick(r, p.years)
	ys := strconv.Itoa(y)
	switch k := r.IntN(10); {
	case k < 4:
		return &period{kind: "year", pred: d.Year(col) + " = " + ys, label: "year " + ys,
			words: func(r *rand.Rand) string {
				return pick(r, []string{"in " + ys, "during " + ys, "for " + ys, "in the year " + ys, "for fiscal year " + ys, "over " + ys})
			}}
	case k < 6:
		q := 1 + r.IntN(4)
		qs := strconv.Itoa(q)
		return &period{kind: "quarter", pred: d.Year(col) + " = " + ys + " AND " + d.Quarter(col) + " = " + qs, label: "Q" + qs + " " + ys,
			words: func(r *rand.Rand) string {
				return pick(r, []string{"in Q" + qs + " " + ys, "during the " + ordinals[q-1] + " quarter of " + ys, "for Q" + qs + " of " + ys, "in " + ys + " Q" + qs})
			}}
	case k < 8:
		ym := pick(r, p.months)
		mn, _ := strconv.Atoi(ym[5:])
		name := monthNames[mn-1]
		return &period{kind: "month", pred: d.YearMonth(col) + " = '" + ym + "'", label: "month " + ym,
			words: func(r *rand.Rand) string {
				return pick(r, []string{"in " + name + " " + ym[:4], "during " + name + " " + ym[:4], "for " + name[:3] + " " + ym[:4], "in " + ym})
			}}
	default:
		i := r.IntN(len(p.months))
		j := i + 1 + r.IntN(5)
		if j >= len(p.months) {
			j = len(p.months) - 1
		}
		if j <= i {
			i = j - 1
		}
		a, b := p.months[i], p.months[j]
		from := a + "-01"
		to := nextMonth(b) + "-01"
		an, _ := strconv.Atoi(a[5:])
		bn, _ := strconv.Atoi(b[5:])
		return &period{kind: "range", pred: d.InRange(col, from, to), label: "from " + from + " up to " + to,
			words: func(r *rand.Rand) string {
				return pick(r, []string{
					"between " + monthNames[an-1] + " " + a[:4] + " and " + monthNames[bn-1] + " " + b[:4],
					"from " + monthNames[an-1][:3] + " " + a[:4] + " through " + monthNames[bn-1][:3] + " " + b[:4],
					"from " + from + " to " + lastDay(b),
				})
			}}
	}
}

func nextMonth(ym string) string {
	y, _ := strconv.Atoi(ym[:4])
	m, _ := strconv.Atoi(ym[5:])
	m++
	if m == 13 {
		m, y = 1, y+1
	}
	return strconv.Itoa(y) + "-" + pad2(m)
}

func lastDay(ym string) string {
	y, _ := strconv.Atoi(ym[:4])
	m, _ := strconv.Atoi(ym[5:])
	days := []int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return ym + "-" + pad2(days)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// filterWords says "restricted to dimension dm = v" in one of several ways.
func filterWords(r *rand.Rand, dm *dim, v string) string {
	dn := pick(r, dm.names)
	switch dm.kind {
	case "geography":
		return pick(r, []string{"in " + v, "for " + v, "from " + dn + " " + v, "where the " + dn + " is " + v})
	case "person":
		return pick(r, []string{"by " + v, "handled by " + dn + " " + v, "for " + dn + " " + v, "where the " + dn + " is " + v})
	case "category":
		return pick(r, []string{"in the " + v + " " + dn, "for " + dn + " " + v, "for " + v, "where the " + dn + " is " + v})
	default:
		return pick(r, []string{"for " + dn + " " + v, "for " + v, "where the " + dn + " is " + v, "with " + dn + " " + v})
	}
}
