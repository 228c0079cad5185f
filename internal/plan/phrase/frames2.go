package phrase

// per renders the Per dimension's noun, singular.
func (g *gen) per() string {
	n, _ := g.noun(g.v.dim(g.p.Per))
	return n
}

// perT asks for the top or bottom k groups within each value of Per.
var perT = []tmpl{
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return "For each " + g.per() + ", which " + g.gn() + " had the " + d.high + " " + s + g.rest() + "?"
		}
		return "For each " + g.per() + ", the " + d.top + " " + g.num(g.p.Limit) + " " + g.gns() + " by " + s + g.rest()
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return "~" + d.top + " " + g.gn() + " by " + s + " in each " + g.per() + g.rest()
		}
		return "~" + d.top + " " + g.num(g.p.Limit) + " " + g.gns() + " by " + s + " within each " + g.per() + g.rest()
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			verb := "led in "
			if !g.p.Order.Desc {
				verb = "trailed in "
			}
			return "Which " + g.gn() + " " + verb + s + " every " + g.per() + g.rest() + "?"
		}
		return "For every " + g.per() + ", list the " + g.num(g.p.Limit) + " " + g.gns() + " with " + g.most(id, s, d) + g.rest()
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			if !g.isPerson() {
				return ""
			}
			return "Who was the " + d.top + " " + g.gn() + " by " + s + " every " + g.per() + g.rest() + "?"
		}
		return "Which " + g.num(g.p.Limit) + " " + g.gns() + " had the " + d.high + " " + s + " in each " + g.per() + g.rest() + "?"
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			w, gs := g.v.metric(id), g.groups()
			if w.unit != "currency" && w.unit != "units" || w.worse || !g.amount(id, s) ||
				len(gs) != 1 || g.v.dim(gs[0].Dim).kind != "product" {
				return ""
			}
			sell := "best-selling "
			if !g.p.Order.Desc {
				sell = "worst-selling "
			}
			return "The " + sell + g.gn() + " by " + s + " in each " + g.per() + g.rest()
		}
		return "Show the " + g.num(g.p.Limit) + " " + d.best + " " + g.gns() + " by " + s + " per " + g.per() + g.rest()
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return "Show the " + g.gn() + " with " + g.most(id, s, d) + " for every " + g.per() + g.rest()
		}
		return "~" + g.num(g.p.Limit) + " " + d.lead + " " + g.gns() + " per " + g.per() + " by " + s + g.rest()
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return "In each " + g.per() + ", what was the " + d.top + " " + g.gn() + " for " + s + g.rest() + "?"
		}
		return "In each " + g.per() + ", what were the " + g.num(g.p.Limit) + " " + g.gns() + " with the " + d.high + " " + s + g.rest() + "?"
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return "Per " + g.per() + ", the " + d.lead + " " + g.gn() + " by " + s + g.rest()
		}
		return "Give me the " + d.top + " " + g.num(g.p.Limit) + " " + g.gns() + " for " + s + " in every " + g.per() + g.rest()
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return "For every " + g.per() + ", give me the " + d.one + " " + g.gn() + " by " + s + g.rest()
		}
		return "Per " + g.per() + ", the " + g.num(g.p.Limit) + " " + d.big + " " + g.gns() + " by " + s + g.rest()
	},
	func(g *gen) string {
		pn := map[string]string{"year": "year", "year_quarter": "quarter", "year_month": "month"}[g.v.dim(g.p.Per).grain]
		if pn == "" {
			return ""
		}
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return capFirst(pn) + " by " + pn + ", which " + g.gn() + " had the " + d.big + " " + s + g.rest() + "?"
		}
		return capFirst(pn) + " by " + pn + ", which " + g.num(g.p.Limit) + " " + g.gns() + " had the " + d.big + " " + s + g.rest() + "?"
	},
}

// countCond is the threshold of a count, verbal ("have revenue over 10,000") or as a
// modifier ("whose revenue exceeds 10,000"); without a threshold, any value of the measure.
func (g *gen) countCond(verbal bool) string {
	if g.p.Having == nil {
		m := g.m()
		if verbal {
			return g.pick("had any ", "have any ", "recorded any ") + m
		}
		return g.pick("with any ", "with some ", "that had any ") + m
	}
	_, prep, verb, amt := g.threshold()
	if verbal {
		return g.pick("have ", "had ") + g.pick(prep, amt)
	}
	return g.pick("with "+prep, "whose "+verb, "with "+amt, "that have "+prep)
}

// countT asks how many groups there are.
var countT = []tmpl{
	func(g *gen) string { return "How many " + g.gns() + " " + g.countCond(true) + g.rest() + "?" },
	func(g *gen) string { return "Number of " + g.gns() + " " + g.countCond(false) + g.rest() },
	func(g *gen) string { return "Count the " + g.gns() + " " + g.countCond(false) + g.rest() },
	func(g *gen) string {
		return "What is the count of " + g.gns() + " " + g.countCond(false) + g.rest() + "?"
	},
	func(g *gen) string { return "~how many " + g.gns() + " " + g.countCond(false) + g.rest() },
	func(g *gen) string { return "Give me the number of " + g.gns() + " " + g.countCond(false) + g.rest() },
	func(g *gen) string {
		return "How many distinct " + g.gns() + " are there " + g.countCond(false) + g.rest() + "?"
	},
	func(g *gen) string { return "Tell me how many " + g.gns() + " " + g.countCond(true) + g.rest() },
	func(g *gen) string { return "In total, how many " + g.gns() + " " + g.countCond(true) + g.rest() + "?" },
	func(g *gen) string { return "~number of " + g.gns() + " " + g.countCond(false) + g.rest() },
}

// runningT asks for a running total over a time grain.
var runningT = []tmpl{
	func(g *gen) string { return "Running total of " + g.first() + " " + g.by() + g.rest() },
	func(g *gen) string { return "Cumulative " + g.first() + " " + g.by() + g.rest() },
	func(g *gen) string { return "Show the cumulative " + g.first() + " " + g.by() + g.rest() },
	func(g *gen) string { return "~" + g.first() + " " + g.by() + " with a running total" + g.rest() },
	func(g *gen) string { return "How did " + g.first() + " accumulate " + g.by() + g.rest() + "?" },
	func(g *gen) string {
		return "Give me a year-to-date style accumulation of " + g.first() + " " + g.by() + g.rest()
	},
	func(g *gen) string { return "What was the running " + g.first() + " total " + g.by() + g.rest() + "?" },
	func(g *gen) string {
		return "I need " + g.first() + " " + g.by() + " plus the cumulative sum" + g.rest()
	},
	func(g *gen) string { return "~cumulative sum of " + g.first() + " " + g.by() + g.rest() },
	func(g *gen) string { return "Track " + g.first() + " " + g.by() + " as a running total" + g.rest() },
}

// rankT asks for the groups with their rank by the first measure.
var rankT = []tmpl{
	func(g *gen) string { return "Rank " + g.gns() + " by " + g.first() + g.rest() },
	func(g *gen) string { return "Ranking of " + g.gns() + " by " + g.first() + g.rest() },
	func(g *gen) string { return "How do " + g.gns() + " rank by " + g.first() + g.rest() + "?" },
	func(g *gen) string { return "Rank the " + g.gns() + " on " + g.first() + g.rest() },
	func(g *gen) string { return "~" + g.first() + " by " + g.gn() + " with rank" + g.rest() },
	func(g *gen) string { return "~" + g.gn() + " ranking by " + g.first() + g.rest() },
	func(g *gen) string { return "Where does each " + g.gn() + " rank in " + g.first() + g.rest() + "?" },
	func(g *gen) string {
		return "Show " + g.gns() + " ranked by " + g.first() + ", with their rank" + g.rest()
	},
	func(g *gen) string { return "Give me a ranking of " + g.gns() + " by " + g.first() + g.rest() },
	func(g *gen) string {
		return "List " + g.gns() + " in rank order of " + g.first() + ", with rank numbers" + g.rest()
	},
}

// first renders the first measure, which running totals and ranks use; the others go to
// g.extra.
func (g *gen) first() string {
	g.extra = append([]string(nil), g.p.Measures[1:]...)
	return g.form(g.p.Measures[0])
}
