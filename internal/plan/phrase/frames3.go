package phrase

import "github.com/sqlforge/sqlforge/internal/plan"

// plain reports whether the breakdown shows names only (possessive forms read well).
func (g *gen) plain() bool {
	for _, gr := range g.groups() {
		if gr.Show != "" {
			return false
		}
	}
	return true
}

// countNoun is the noun a single count measure counts ("orders"), or "".
func (g *gen) countNoun() string {
	if g.many() {
		return ""
	}
	if w := g.v.metric(g.p.Measures[0]); w.unit == "count" {
		return w.count
	}
	return ""
}

// groupShareT asks for each group's part of the total.
var groupShareT = []tmpl{
	func(g *gen) string {
		return "What " + g.pct("share", "fraction") + " of " + g.m() + " did each " + g.gn() + " account for" + g.rest() + "?"
	},
	func(g *gen) string {
		return "~" + g.m() + " " + g.pct("share", "proportion") + " by " + g.gn() + g.rest()
	},
	func(g *gen) string {
		return "What " + g.pct("percentage", "proportion") + " of total " + g.m() + " comes from each " + g.gn() + g.rest() + "?"
	},
	func(g *gen) string {
		if !g.plain() {
			return ""
		}
		return "Each " + g.gn() + "'s " + g.pct("share", "proportion") + " of " + g.pick("", "total ") + g.m() + g.rest()
	},
	func(g *gen) string {
		return "Show " + g.m() + " by " + g.gn() + " as a " + g.pct("percentage", "fraction") + " of the total" + g.rest()
	},
	func(g *gen) string {
		return "What " + g.pct("%", "fraction") + " of " + g.m() + " does each " + g.gn() + " make up" + g.rest() + "?"
	},
	func(g *gen) string {
		return g.pct("Percent of total ", "Proportion of total ") + g.m() + " by " + g.gn() + g.rest()
	},
	func(g *gen) string {
		return "Break down " + g.m() + " by " + g.gn() + g.pct(" in percent of the total", " as a ratio of the total") + g.rest()
	},
	func(g *gen) string {
		return "How is " + g.m() + " split across " + g.gns() + g.pct(", in percent", ", as fractions of the total") + g.rest() + "?"
	},
	func(g *gen) string {
		return "For each " + g.gn() + ", what " + g.pct("percentage", "fraction") + " of total " + g.m() + " does it represent" + g.rest() + "?"
	},
}

// pct chooses the percent or the ratio wording of a share.
func (g *gen) pct(percent, ratio string) string {
	if g.p.Share.Ratio {
		return ratio
	}
	return percent
}

// shareBy renders the breakdown of a subset share, or "".
func (g *gen) shareBy() string {
	if len(g.groups()) == 0 {
		return ""
	}
	return g.pick(" by ", " for each ", ", per ", ", broken down by ") + g.gn()
}

// subsetShareT asks for the part of the total that a subset holds.
var subsetShareT = []tmpl{
	func(g *gen) string {
		return "What " + g.pct(g.pick("share", "percentage"), g.pick("fraction", "proportion")) + " of " + g.m() + " comes from " + g.subset() + g.shareBy() + g.rest() + "?"
	},
	func(g *gen) string {
		return "What " + g.pct("%", "proportion") + " of " + g.m() + " was from " + g.subset() + g.shareBy() + g.rest() + "?"
	},
	func(g *gen) string {
		return "What " + g.pct("percentage", "fraction") + " of " + g.m() + " came from " + g.subset() + g.shareBy() + g.rest() + "?"
	},
	func(g *gen) string {
		return g.subset() + " as a " + g.pct("percentage", "fraction") + " of " + g.m() + g.shareBy() + g.rest()
	},
	func(g *gen) string {
		return "~" + g.pct("share", "proportion") + " of " + g.m() + " from " + g.subset() + g.shareBy() + g.rest()
	},
	func(g *gen) string {
		return "How much of " + g.m() + g.pct(", in percent,", ", as a fraction,") + " comes from " + g.subset() + g.shareBy() + g.rest() + "?"
	},
	func(g *gen) string {
		return "Give me the " + g.pct("percentage", "ratio") + " of " + g.m() + " that " + g.subset() + " account for" + g.shareBy() + g.rest()
	},
	func(g *gen) string {
		return "What " + g.pct("percent", "proportion") + " of total " + g.m() + " is attributable to " + g.subset() + g.shareBy() + g.rest() + "?"
	},
	func(g *gen) string {
		n := g.countNoun()
		if n == "" || len(g.p.Share.Filters) > 0 {
			return ""
		}
		return "What " + g.pct(g.pick("%", "percentage", "share"), g.pick("fraction", "proportion")) + " of " + n + " were " + g.subset() + g.shareBy() + g.rest() + "?"
	},
	func(g *gen) string {
		return "Express " + g.m() + " from " + g.subset() + " as a " + g.pct("percentage", "proportion") + " of the total" + g.shareBy() + g.rest()
	},
}

// cmp renders the two periods of a comparison.
func (g *gen) cmp() (string, string) {
	return g.periodPair(g.p.Compare.Base, g.p.Compare.Current)
}

// cmpBy renders the breakdown of a comparison, or "".
func (g *gen) cmpBy() string {
	if len(g.groups()) == 0 {
		return ""
	}
	return g.pick(", by ", " for each ", " per ", ", broken down by ") + g.gn()
}

// compareT asks for the measures in two periods side by side.
var compareT = []tmpl{
	func(g *gen) string {
		b, c := g.cmp()
		return "~" + g.m() + " in " + c + " vs " + b + g.cmpBy() + g.rest()
	},
	func(g *gen) string {
		b, c := g.cmp()
		return "Compare " + g.m() + " between " + b + " and " + c + g.cmpBy() + g.rest()
	},
	func(g *gen) string { b, c := g.cmp(); return g.m() + ": " + b + " versus " + c + g.cmpBy() + g.rest() },
	func(g *gen) string {
		b, c := g.cmp()
		return "Show " + g.m() + " for " + b + " and " + c + " side by side" + g.cmpBy() + g.rest()
	},
	func(g *gen) string {
		b, c := g.cmp()
		return "How did " + g.m() + " in " + c + " compare with " + b + g.cmpBy() + g.rest() + "?"
	},
	func(g *gen) string { b, c := g.cmp(); return "~" + b + " vs " + c + " " + g.m() + g.cmpBy() + g.rest() },
	func(g *gen) string {
		b, c := g.cmp()
		return "Put " + g.m() + " for " + b + " next to " + c + g.cmpBy() + g.rest()
	},
	func(g *gen) string {
		b, c := g.cmp()
		return "What " + g.was() + " " + g.m() + " in " + b + " and in " + c + g.cmpBy() + g.rest() + "?"
	},
	func(g *gen) string {
		b, c := g.cmp()
		return "Give me " + g.m() + " in " + b + " compared to " + c + g.cmpBy() + g.rest()
	},
	func(g *gen) string {
		b, c := g.cmp()
		return g.m() + " " + b + " and " + c + ", side by side" + g.cmpBy() + g.rest()
	},
}

// overWord is "YoY", "quarter-over-quarter", ... when the two periods are consecutive, else "".
func (g *gen) overWord() string {
	a, errA := plan.ParsePeriod(g.p.Compare.Base)
	b, errB := plan.ParsePeriod(g.p.Compare.Current)
	if errA != nil || errB != nil || !a.End.Equal(b.Start) {
		return ""
	}
	switch a.Kind {
	case plan.Year:
		return g.pick("YoY", "year-over-year", "year-on-year")
	case plan.Quarter:
		return g.pick("QoQ", "quarter-over-quarter")
	case plan.Month:
		return g.pick("MoM", "month-over-month")
	}
	return ""
}

// growthT asks for the percent change between two periods.
var growthT = []tmpl{
	func(g *gen) string {
		b, c := g.cmp()
		return "~" + g.m() + " growth from " + b + " to " + c + g.cmpBy() + g.rest()
	},
	func(g *gen) string {
		b, c := g.cmp()
		return "How much did " + g.m() + " grow from " + b + " to " + c + g.cmpBy() + g.rest() + "?"
	},
	func(g *gen) string {
		b, c := g.cmp()
		return "What was the % change in " + g.m() + " from " + b + " to " + c + g.cmpBy() + g.rest() + "?"
	},
	func(g *gen) string {
		w := g.overWord()
		if w == "" {
			return ""
		}
		b, c := g.cmp()
		return w + " change in " + g.m() + ", " + c + " over " + b + g.cmpBy() + g.rest()
	},
	func(g *gen) string {
		b, c := g.cmp()
		return "Percent change in " + g.m() + " between " + b + " and " + c + g.cmpBy() + g.rest()
	},
	func(g *gen) string {
		b, c := g.cmp()
		return "By what percentage did " + g.m() + " change from " + b + " to " + c + g.cmpBy() + g.rest() + "?"
	},
	func(g *gen) string {
		b, c := g.cmp()
		return "Growth rate of " + g.m() + ", " + b + " to " + c + g.cmpBy() + g.rest()
	},
	func(g *gen) string {
		b, c := g.cmp()
		return "How did " + g.m() + " change in percent between " + b + " and " + c + g.cmpBy() + g.rest() + "?"
	},
	func(g *gen) string {
		b, c := g.cmp()
		return "Show the " + g.m() + " growth of " + c + " versus " + b + g.cmpBy() + g.rest()
	},
	func(g *gen) string {
		b, c := g.cmp()
		return "~" + c + " vs " + b + " " + g.m() + " growth (%)" + g.cmpBy() + g.rest()
	},
}

// groupNoun is the breakdown's noun, plural unless the limit is one.
func (g *gen) groupNoun() string {
	if g.p.Limit == 1 {
		return g.gn()
	}
	return g.gns()
}

// kgs renders "3 countries", or "country" for one.
func (g *gen) kgs() string {
	if g.p.Limit == 1 {
		return g.gn()
	}
	return g.num(g.p.Limit) + " " + g.gns()
}

// growthTopT asks for the groups that grew most (or least).
var growthTopT = []tmpl{
	func(g *gen) string {
		id := g.orderID()
		b, c := g.cmp()
		return "Which " + g.kgs() + " had the " + g.dw(id).high + " " + g.form(id) + " growth from " + b + " to " + c + g.rest() + "?"
	},
	func(g *gen) string {
		id := g.orderID()
		b, c := g.cmp()
		return "~" + g.dw(id).top + " " + g.kgs() + " by " + g.form(id) + " growth, " + b + " to " + c + g.rest()
	},
	func(g *gen) string {
		id := g.orderID()
		b, c := g.cmp()
		speed := "fastest"
		if !g.p.Order.Desc {
			speed = "slowest"
		}
		k := ""
		if g.p.Limit > 1 {
			k = g.num(g.p.Limit) + " "
		}
		return "The " + k + speed + "-growing " + g.groupNoun() + " by " + g.form(id) + " between " + b + " and " + c + g.rest()
	},
	func(g *gen) string {
		id := g.orderID()
		b, c := g.cmp()
		return "~" + g.kgs() + " with the " + g.dw(id).big + " % change in " + g.form(id) + " from " + b + " to " + c + g.rest()
	},
	func(g *gen) string {
		id := g.orderID()
		b, c := g.cmp()
		return "Which " + g.kgs() + " grew " + g.form(id) + " the " + g.dw(id).most + " from " + b + " to " + c + g.rest() + "?"
	},
	func(g *gen) string {
		id := g.orderID()
		b, c := g.cmp()
		return "Show the " + g.kgs() + " whose " + g.form(id) + " grew " + g.dw(id).most + " between " + b + " and " + c + g.rest()
	},
	func(g *gen) string {
		id := g.orderID()
		b, c := g.cmp()
		return "Give me the " + g.dw(id).top + " " + g.kgs() + " by percent change in " + g.form(id) + ", " + c + " vs " + b + g.rest()
	},
	func(g *gen) string {
		id := g.orderID()
		b, c := g.cmp()
		return "List the " + g.kgs() + " with the " + g.dw(id).high + " growth in " + g.form(id) + " from " + b + " to " + c + g.rest()
	},
	func(g *gen) string {
		id := g.orderID()
		b, c := g.cmp()
		v := "were"
		if g.p.Limit == 1 {
			v = "was"
		}
		return "What " + v + " the " + g.kgs() + " with the " + g.dw(id).big + " " + g.form(id) + " growth between " + b + " and " + c + g.rest() + "?"
	},
}
