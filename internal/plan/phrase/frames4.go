package phrase

// entityT lists the things of a breakdown: "Which suppliers are in Japan?", "List the
// discontinued products in Seafood".
var entityT = []tmpl{
	func(g *gen) string { return "List the " + g.gns() + g.rest() },
	func(g *gen) string { return "List all " + g.gns() + g.rest() },
	func(g *gen) string { return "Which " + g.gns() + " are there" + g.rest() + "?" },
	func(g *gen) string { return "Which " + g.gns() + " do we have" + g.rest() + "?" },
	func(g *gen) string { return "Show me the " + g.gns() + g.rest() },
	func(g *gen) string { return "Show all " + g.gns() + g.rest() },
	func(g *gen) string { return "What are the " + g.gns() + g.rest() + "?" },
	func(g *gen) string { return "Give me a list of " + g.gns() + g.rest() },
	func(g *gen) string { return "Name the " + g.gns() + g.rest() },
	func(g *gen) string { return "~" + g.gns() + g.rest() },
	func(g *gen) string { return "~list " + g.gns() + g.rest() },
	func(g *gen) string { return "I need the names of the " + g.gns() + g.rest() },
}

// entityCountT counts the things of a breakdown: "How many suppliers are in Japan?".
var entityCountT = []tmpl{
	func(g *gen) string { return "How many " + g.gns() + " are there" + g.rest() + "?" },
	func(g *gen) string { return "How many " + g.gns() + " do we have" + g.rest() + "?" },
	func(g *gen) string { return "Number of " + g.gns() + g.rest() },
	func(g *gen) string { return "Count the " + g.gns() + g.rest() },
	func(g *gen) string { return "~how many " + g.gns() + g.rest() },
	func(g *gen) string { return "What is the number of " + g.gns() + g.rest() + "?" },
	func(g *gen) string { return "How many distinct " + g.gns() + " are there" + g.rest() + "?" },
}
