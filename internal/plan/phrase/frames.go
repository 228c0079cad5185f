package phrase

import "strings"

// scalarT asks for the measures with no breakdown.
var scalarT = []tmpl{
	func(g *gen) string { return "What " + g.was() + " " + g.m() + g.rest() + "?" },
	func(g *gen) string {
		for _, id := range g.p.Measures {
			if !g.amount(id, g.v.metric(id).name) {
				return ""
			}
		}
		m := g.m()
		if !strings.HasPrefix(m, "total ") {
			m = "the total " + m
		}
		return "What " + g.was() + " " + m + g.rest() + "?"
	},
	func(g *gen) string { return "Show me " + g.m() + g.rest() },
	func(g *gen) string { return "Give me " + g.m() + g.rest() },
	func(g *gen) string { return "~" + g.m() + g.rest() },
	func(g *gen) string { return "I need " + g.m() + g.rest() },
	func(g *gen) string { return "Can you pull " + g.m() + g.rest() + "?" },
	func(g *gen) string { return "Tell me the " + g.m() + g.rest() + "." },
	func(g *gen) string { return "Report " + g.m() + g.rest() },
	func(g *gen) string {
		w := g.v.metric(g.p.Measures[0])
		switch {
		case g.many():
			return ""
		case w.count != "" && w.unit == "count":
			return "How many " + w.count + " were there" + g.rest() + "?"
		case w.unit == "currency":
			f := g.form(g.p.Measures[0])
			if !g.amount(g.p.Measures[0], f) {
				return ""
			}
			return "How much " + f + " did we record" + g.rest() + "?"
		}
		return ""
	},
	func(g *gen) string {
		if g.p.Time == nil || len(g.p.Filters)+len(g.p.Segments) > 0 {
			return ""
		}
		return capFirst(g.windowMod(g.p.Time)) + ", what " + g.was() + " " + g.m() + "?"
	},
}

// listT asks for the measures by a breakdown.
var listT = []tmpl{
	func(g *gen) string { return "~" + g.m() + " " + g.by() + g.rest() },
	func(g *gen) string { return "Show " + g.m() + " " + g.by() + g.rest() },
	func(g *gen) string { return "What " + g.is() + " " + g.m() + " for each " + g.gn() + g.rest() + "?" },
	func(g *gen) string { return "Break down " + g.m() + " by " + g.gn() + g.rest() },
	func(g *gen) string { return "List " + g.gns() + " with their " + g.m() + g.rest() },
	func(g *gen) string { return "Give me " + g.m() + " " + g.by() + g.rest() },
	func(g *gen) string {
		v := "does"
		if g.many() {
			v = "do"
		}
		return "How " + v + " " + g.m() + " vary across " + g.gns() + g.rest() + "?"
	},
	func(g *gen) string { return "For each " + g.gn() + ", what " + g.was() + " " + g.m() + g.rest() + "?" },
	func(g *gen) string { return "I need " + g.m() + " split by " + g.gn() + g.rest() },
	func(g *gen) string { return "Can I get " + g.m() + " " + g.by() + g.rest() + "?" },
	func(g *gen) string {
		gs := g.groups()
		if len(gs) != 1 || gs[0].Show != "" || g.many() {
			return ""
		}
		adj := grainAdj(g.v.dim(gs[0].Dim).grain)
		if adj == nil {
			return ""
		}
		a := g.pick(adj...) + " " + g.m()
		if g.chance(0.3) {
			return "What was " + a + g.rest() + "?"
		}
		return g.pick("~", "Show ") + a + g.rest()
	},
}

// dir holds the words of a top (desc) or bottom (asc) order.
type dir struct {
	top, high, most, best, lead, big, one, first, count string
}

var (
	descW = dir{"top", "highest", "most", "best", "leading", "largest", "number one", "first", "most"}
	ascW  = dir{"bottom", "lowest", "least", "worst", "weakest", "smallest", "last-placed", "last", "fewest"}
)

// dw returns the direction words, choosing among synonyms, with neutral words for metrics
// where higher is worse.
func (g *gen) dw(id string) dir {
	d := descW
	if !g.p.Order.Desc {
		d = ascW
		d.lead = g.pick("weakest", "lowest-ranked", "bottom")
		d.big = g.pick("smallest", "lowest")
	} else {
		d.lead = g.pick("leading", "top", "strongest")
		d.big = g.pick("largest", "biggest", "highest")
	}
	if g.v.metric(id).worse {
		d.best, d.lead = d.high, d.high
	}
	return d
}

// most renders "the most revenue", "the fewest orders" or "the highest discount rate".
func (g *gen) most(id, form string, d dir) string {
	w := g.v.metric(id)
	switch {
	case w.count != "" && w.unit == "count" && g.chance(0.5):
		return "the " + d.count + " " + w.count
	case g.amount(id, form):
		return "the " + d.most + " " + form
	}
	return "the " + d.high + " " + form
}

// isPerson reports whether the breakdown is one person dimension ("Who ...").
func (g *gen) isPerson() bool {
	gs := g.groups()
	return len(gs) == 1 && g.v.dim(gs[0].Dim).kind == "person"
}

// topT asks for the top or bottom k groups.
var topT = []tmpl{
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return "Which " + g.gn() + " had the " + d.high + " " + s + g.rest() + "?"
		}
		return "~" + d.top + " " + g.num(g.p.Limit) + " " + g.gns() + " by " + s + g.rest()
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return "~" + d.top + " " + g.gn() + " by " + s + g.rest()
		}
		return "Which " + g.num(g.p.Limit) + " " + g.gns() + " had the " + d.high + " " + s + g.rest() + "?"
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return "What was the " + g.pick(d.lead, d.one) + " " + g.gn() + " by " + s + g.rest() + "?"
		}
		return "What are the " + g.num(g.p.Limit) + " " + g.gns() + " with " + g.most(id, s, d) + g.rest() + "?"
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return "Name the " + g.gn() + " with the " + d.big + " " + s + g.rest()
		}
		return "Show me the " + g.num(g.p.Limit) + " " + d.best + " " + g.gns() + " by " + s + g.rest()
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit > 1 {
			return "List the " + g.num(g.p.Limit) + " " + d.lead + " " + g.gns() + " in terms of " + s + g.rest()
		}
		w := g.v.metric(id)
		switch {
		case w.count != "" && w.unit == "count":
			return "Which " + g.gn() + " handled the " + d.count + " " + w.count + g.rest() + "?"
		case g.amount(id, s):
			return "Which " + g.gn() + " brought in the " + d.most + " " + s + g.rest() + "?"
		}
		return "Which " + g.gn() + " scored " + d.high + " on " + s + g.rest() + "?"
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return "~" + g.gn() + " with the " + d.high + " " + s + g.rest()
		}
		return "Give me the " + g.num(g.p.Limit) + " " + d.big + " " + g.gns() + " by " + s + g.rest()
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return "Show me the single " + d.best + " " + g.gn() + " by " + s + g.rest()
		}
		return "~" + g.num(g.p.Limit) + " " + g.gns() + " with the " + d.high + " " + s + g.rest()
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return "What " + g.gn() + " had " + g.most(id, s, d) + g.rest() + "?"
		}
		return "I need the " + d.top + " " + g.num(g.p.Limit) + " " + g.gns() + " based on " + s + g.rest()
	},
	func(g *gen) string {
		if !g.isPerson() {
			return ""
		}
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return "Who was the " + d.top + " " + g.gn() + " by " + s + g.rest() + "?"
		}
		return "Who are the " + d.top + " " + g.num(g.p.Limit) + " " + g.gns() + " by " + s + g.rest() + "?"
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return "Find the " + g.gn() + " that comes " + d.first + " on " + s + g.rest()
		}
		return "What were the " + g.num(g.p.Limit) + " " + g.gns() + " with the " + d.high + " " + s + g.rest() + "?"
	},
	func(g *gen) string {
		id := g.orderID()
		d, s := g.dw(id), g.form(id)
		if g.p.Limit == 1 {
			return ""
		}
		return "Find the " + g.num(g.p.Limit) + " " + g.gns() + " with " + g.most(id, s, d) + g.rest()
	},
}
