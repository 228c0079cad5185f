package link

import (
	"slices"
	"strings"

	"github.com/sqlforge/sqlforge/internal/ontology"
)

// Kinds of lexicon entries, in the order a tie between phrases of the same length is broken.
const (
	KindMetric    = "metric"
	KindSegment   = "segment"
	KindDimension = "dimension"
	KindGrain     = "grain"
	KindValue     = "value"
)

var kindRank = map[string]int{KindMetric: 0, KindSegment: 1, KindDimension: 2, KindGrain: 2, KindValue: 3}

// entry is one meaning of a phrase.
type entry struct {
	kind  string
	id    string // metric, segment or dimension id; for a value, its dimension
	grain string // calendar grain of a KindGrain entry
	value string // the database value of a KindValue entry
	// form, when set, is the phrase's tokens as they must be written (case-sensitive match).
	form []string
	// implicitBy marks grain words that are breakdowns on their own ("monthly").
	implicitBy bool
	order      int // ontology position, to prefer the earlier dimension for a shared value
}

// lexicon maps phrase stems ("late shipment rate") to their meanings.
type lexicon struct {
	phrases map[string][]entry
	maxLen  int
	vocab   map[string]bool // stems of words in case-insensitive phrases, for typo repair
	surface map[string]bool // the words of the phrases as written, lower case
}

func newLexicon() *lexicon {
	return &lexicon{phrases: map[string][]entry{}, vocab: map[string]bool{}, surface: map[string]bool{}}
}

// add stores e under phrase unless the same meaning is already there.
func (lx *lexicon) add(phrase string, e entry) {
	key := stems(phrase)
	if key == "" {
		return
	}
	for i, old := range lx.phrases[key] {
		if old.kind == e.kind && old.id == e.id && old.value == e.value && old.grain == e.grain {
			if e.form == nil {
				lx.phrases[key][i].form = nil // the looser way of writing it wins
			}
			return
		}
	}
	lx.phrases[key] = append(lx.phrases[key], e)
	for _, w := range strings.Fields(strings.ToLower(phrase)) {
		lx.surface[w] = true
	}
	words := strings.Fields(key)
	lx.maxLen = max(lx.maxLen, len(words))
	if e.form == nil {
		for _, w := range words {
			lx.vocab[w] = true
		}
	}
}

// metricExtras are common ways of naming metrics that ontologies often leave out; each applies
// only where the ontology has a metric of that id.
var metricExtras = map[string][]string{
	"revenue":              {"revenue", "sales", "net sales", "turnover", "income", "sales revenue", "revenues", "sales amount", "sales value", "spent", "spend", "spending", "money spent", "amount spent", "money", "dollars", "takings", "earnings", "earning"},
	"order_count":          {"order count", "orders placed", "order volume", "number of orders", "shipments", "number of shipments"},
	"units_sold":           {"units", "quantity", "units sold", "quantity sold", "unit sales", "number of units", "volume sold", "sales volume", "volume of sales", "unit volume"},
	"average_order_value":  {"aov", "average order value", "avg order value", "average order size", "revenue per order", "sales per order", "average revenue per order", "average sales per order", "average order amount"},
	"total_freight":        {"freight", "shipping cost", "shipping costs", "freight cost", "freight charges", "total freight"},
	"invoice_count":        {"invoices", "number of invoices", "purchases", "orders", "number of orders", "number of purchases"},
	"tracks_sold":          {"tracks sold", "units sold", "songs sold", "number of tracks sold"},
	"customer_count":       {"number of customers", "customer count", "count of customers"},
	"product_count":        {"number of products", "product count"},
	"repeat_customer_rate": {"repeat buyers", "repeat customers", "returning customers", "repeat purchasers", "repeat buyer rate", "repeat purchase rate"},
	"gross_profit":         {"gross profit", "profit", "profits", "profitable", "profitability", "margin", "margins"},
	"units_in_stock":       {"stock", "stock on hand", "units in stock", "units on hand", "inventory level", "inventory levels", "stock level", "stock levels"},
	"inventory_value":      {"inventory", "inventory value", "stock value", "value of stock", "value of inventory", "inventory worth", "value of the inventory", "value of the stock"},
	"late_shipment_rate":   {"late shipment rate", "late rate", "late delivery rate", "share of late shipments"},
	"track_count":          {"number of tracks", "track count", "number of songs"},
	"album_count":          {"number of albums"},
	"headcount":            {"number of employees", "employee count", "headcount", "staff count", "employ", "employed", "employs", "on staff", "on the payroll", "number of staff"},
}

// dimensionExtras are common names of dimensions that ontologies often leave out; each applies
// only where the ontology has a dimension of that id.
var dimensionExtras = map[string][]string{
	"employee": {"rep", "sales rep", "salesperson", "salespeople", "sales people", "seller", "staff member", "account manager"},
	"customer": {"client", "account", "buyer", "purchaser"},
	"shipper":  {"carrier", "shipping company", "shipping firm", "courier", "freight company", "logistics provider", "shipping provider"},
	"supplier": {"vendor", "provider", "manufacturer"},
	"product":  {"item", "sku", "article", "goods"},
	"category": {"product category", "product line", "product group", "product family"},
}

// segmentExtras are single words that name a segment on their own.
var segmentExtras = map[string][]string{
	"discontinued_product": {"discontinued"},
	"late_shipment":        {"late", "shipped late", "delivered late", "delayed", "late deliveries", "late delivery"},
	"out_of_stock":         {"out of stock"},
	"corporate_customer":   {"corporate", "corporates"},
	"unshipped":            {"not yet shipped", "not shipped yet"},
	"multi_item_order":     {"multi-item", "multi item", "multiple items", "several items", "multiple products", "several products"},
}

// grainWords are calendar words that are breakdowns by themselves.
var grainWords = map[string]string{
	"yearly": ontology.GrainYear, "annual": ontology.GrainYear, "annually": ontology.GrainYear,
	"year by year": ontology.GrainYear, "every year": ontology.GrainYear,
	"quarterly": ontology.GrainYearQuarter, "quarter by quarter": ontology.GrainYearQuarter,
	"monthly": ontology.GrainYearMonth, "month by month": ontology.GrainYearMonth, "month on month": ontology.GrainYearMonth,
	"month of the year": ontology.GrainMonth, "calendar month": ontology.GrainMonth, "month of year": ontology.GrainMonth,
	"quarter of the year": ontology.GrainQuarter, "calendar quarter": ontology.GrainQuarter,
}

// addOntology puts the ontology's names and synonyms in the lexicon.
func (lx *lexicon) addOntology(ont *ontology.Ontology) {
	names := map[string][]string{} // metric id → its names
	for _, m := range ont.Metrics {
		if m.Descriptive {
			continue
		}
		id := ontology.MetricID(m.Name)
		e := entry{kind: KindMetric, id: id}
		for _, p := range append(append([]string{m.Name, strings.ReplaceAll(id, "_", " ")}, m.Synonyms...), metricExtras[id]...) {
			names[id] = append(names[id], p)
			lx.add(p, e)
			for _, q := range perVariants(ont, p) {
				lx.add(q, e)
				lx.add("average "+q, e) // "average orders per customer" is orders per customer
				lx.add("average number of "+q, e)
			}
			if inv := ratioOf(p); inv != "" {
				lx.add(inv, e) // "freight to sales ratio" is also "the ratio of freight to sales"
			}
			if rest, ok := strings.CutPrefix(strings.ToLower(p), "share of "); ok {
				for _, w := range []string{"percentage of ", "percent of ", "proportion of ", "fraction of "} {
					lx.add(w+rest, e) // "share of tracks sold": "percentage of tracks sold"
				}
			}
		}
	}
	lx.addRatios(names)
	for _, s := range ont.Segments {
		e := entry{kind: KindSegment, id: s.Name}
		for _, p := range append(append([]string{strings.ReplaceAll(s.Name, "_", " ")}, s.Synonyms...), segmentExtras[s.Name]...) {
			lx.add(p, e)
		}
	}
	for i, d := range ont.Dimensions {
		e := entry{kind: KindDimension, id: d.Name, order: i}
		if d.Grain != "" {
			e = entry{kind: KindGrain, id: d.Name, grain: d.Grain, order: i}
		}
		for _, p := range append([]string{strings.ReplaceAll(d.Name, "_", " ")}, d.Synonyms...) {
			lx.add(p, e)
		}
		for _, p := range dimensionExtras[d.Name] {
			if d.Grain == "" && !hasKind(lx.phrases[stems(p)], KindMetric, KindSegment) {
				lx.add(p, e) // an extra never shadows a metric or segment name
			}
		}
	}
	for p, g := range grainWords {
		lx.add(p, entry{kind: KindGrain, grain: g, implicitBy: !strings.Contains(p, " of ") && !strings.HasPrefix(p, "calendar")})
	}
	lx.addEntities(ont)
}

// addEntities names a dimension by the entity it labels ("goods" → product), where the
// phrase means nothing else yet.
func (lx *lexicon) addEntities(ont *ontology.Ontology) {
	for _, en := range ont.Entities {
		for i, d := range ont.Dimensions {
			if d.Grain != "" || !(d.ID != "" && strings.EqualFold(d.ID, en.Key) || strings.EqualFold(d.Column, en.Label)) {
				continue
			}
			for _, p := range append([]string{en.Name}, en.Synonyms...) {
				if _, taken := lx.phrases[stems(p)]; !taken {
					lx.add(p, entry{kind: KindDimension, id: d.Name, order: i})
				}
			}
			break
		}
	}
}

// lookup returns the longest phrase starting at token i (none of its tokens used) and the
// meanings that accept it as written. preferDim makes a dimension win over a longer value
// (after "by", a breakdown is meant).
func (lx *lexicon) lookup(toks []token, used []bool, i int, preferDim bool) (int, []entry) {
	var bestN int
	var best []entry
	for n := min(lx.maxLen+looseSlack, len(toks)-i); n >= 1; n-- {
		if anyUsed(used, span{i, i + n}) {
			continue
		}
		es := lx.accept(toks[i:i+n], lx.phrases[joinStems(toks[i:i+n])])
		if len(es) == 0 && n >= 3 {
			es = lx.loose(toks[i : i+n]) // "value of our inventory"
		}
		if slashInside(toks[i : i+n]) {
			es = valuesOnly(es) // "orders/month" is two things; "Meat/Poultry" is one value
		}
		if len(es) == 0 {
			continue
		}
		if !preferDim || topKind(es) != KindValue || hasKind(es, KindDimension, KindGrain) {
			return n, es
		}
		if best == nil {
			bestN, best = n, es
		}
	}
	return bestN, best
}

// determiners inside a phrase change nothing: "value of our inventory" is "value of inventory";
// nor do auxiliaries: "share of tracks that have ever been sold" is "share of tracks sold".
var determiners = setOf(`our the my your their its this that have has had been ever were was are is`)

// looseSlack is how many words longer than the longest phrase a loose match may span.
const looseSlack = 4

// loose looks a phrase up with the determiners inside it left out; only meanings that need
// no exact written form qualify.
func (lx *lexicon) loose(toks []token) []entry {
	var kept []token
	for j, t := range toks {
		if j > 0 && j < len(toks)-1 && determiners[t.text] {
			continue
		}
		kept = append(kept, t)
	}
	if len(kept) == len(toks) {
		return nil
	}
	var out []entry
	for _, e := range lx.phrases[joinStems(kept)] {
		if e.form == nil {
			out = append(out, e)
		}
	}
	return out
}

func (lx *lexicon) accept(toks []token, es []entry) []entry {
	var out []entry
	for _, e := range es {
		if e.form != nil && !sameForm(toks, e.form) {
			continue
		}
		out = append(out, e)
	}
	return out
}

func sameForm(toks []token, form []string) bool {
	if len(toks) != len(form) {
		return false
	}
	for i, t := range toks {
		if t.orig != form[i] {
			return false
		}
	}
	return true
}

func joinStems(toks []token) string {
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.stem
	}
	return strings.Join(parts, " ")
}

// verbForm reports a word written as a past tense ("released") that matched a thing's name
// only through its stem ("release"): a verb, not the thing.
func (lx *lexicon) verbForm(t token) bool {
	return strings.HasSuffix(t.text, "ed") && !lx.surface[t.text]
}

func hasKind(es []entry, kinds ...string) bool {
	for _, e := range es {
		for _, k := range kinds {
			if e.kind == k {
				return true
			}
		}
	}
	return false
}

// repair replaces a word the lexicon does not know by the one known word one edit away
// ("Germny" → "germany"), for words of five letters or more.
func (lx *lexicon) repair(toks []token) {
	for i, t := range toks {
		if len(t.stem) < 5 || lx.vocab[t.stem] || stopwords[t.text] || stopwords[t.stem] || isNumber(t.stem) || commonWords[t.stem] {
			continue
		}
		found, n := "", 0
		for w := range lx.vocab {
			if len(w) >= 5 && editDistance1(t.stem, w) {
				if n == 0 || w < found {
					found = w
				}
				n++
			}
		}
		if n == 1 {
			toks[i].stem = found
		}
	}
}

// commonWords are ordinary words never "repaired" into a name one letter away.
var commonWords = setOf(`there where these those their about after before again being below
	could every first great known large never other place right since small still three under
	until while whole world would write years month quarter weekly daily shipped shipping
	country countries customer customers product products order orders sales price prices
	stock level items total value spent spend dollars euros share ratio phone email address
	fax contact title names street postal region cities state states buyer buyers`)

// partWords say one amount is read as a part of another ("freight as a share of sales").
var partWords = []string{" as a share of ", " as a percentage of ", " as a percent of ", " as a proportion of ", " as a fraction of ", " as a % of ", " relative to "}

// addRatios names each "X to Y Ratio" metric by the names of the metrics X and Y name:
// "shipping cost as a share of sales", "freight relative to revenue" (freight to sales ratio).
func (lx *lexicon) addRatios(names map[string][]string) {
	for id, ps := range names {
		x, y := ratioParts(ps[0])
		if x == "" {
			continue
		}
		xs, ys := names[lx.metricOf(x)], names[lx.metricOf(y)]
		e := entry{kind: KindMetric, id: id}
		for _, a := range xs {
			for _, b := range ys {
				for _, w := range partWords {
					lx.add(a+w+b, e)
				}
			}
		}
	}
}

// metricOf is the metric a phrase names on its own ("" when none).
func (lx *lexicon) metricOf(phrase string) string {
	for _, e := range lx.phrases[stems(phrase)] {
		if e.kind == KindMetric {
			return e.id
		}
	}
	return ""
}

// ratioParts splits "X to Y Ratio" into X and Y ("" for other names).
func ratioParts(p string) (string, string) {
	w := strings.Fields(strings.ToLower(p))
	k := slices.Index(w, "to")
	if len(w) < 4 || w[len(w)-1] != "ratio" || k < 1 || k > len(w)-3 {
		return "", ""
	}
	return strings.Join(w[:k], " "), strings.Join(w[k+1:len(w)-1], " ")
}

// perVariants are the ways of writing a name "A per B" with B by the other names of the
// entity B names ("tracks per invoice": "tracks per purchase", "tracks per order"), where no
// dimension is keyed by that entity (then "per" other names reads as a breakdown).
func perVariants(ont *ontology.Ontology, p string) []string {
	a, b, ok := strings.Cut(strings.ToLower(p), " per ")
	if !ok {
		return nil
	}
	out := []string{p}
	for _, en := range ont.Entities {
		names := append([]string{en.Name}, en.Synonyms...)
		if !slices.ContainsFunc(names, func(n string) bool { return stems(n) == stems(b) }) || keyedDimension(ont, en.Key) {
			continue // "revenue per sales rep" breaks down by a thing the plans can group by
		}
		for _, n := range names {
			if stems(n) != stems(b) {
				out = append(out, a+" per "+strings.ToLower(n))
			}
		}
	}
	return out
}

// keyedDimension: a dimension has the key as its id (the entity is a thing to break down by).
func keyedDimension(ont *ontology.Ontology, key string) bool {
	for _, d := range ont.Dimensions {
		if d.ID != "" && strings.EqualFold(d.ID, key) {
			return true
		}
	}
	return false
}

// ratioOf turns "X to Y ratio" into "ratio of X to Y" ("" for other phrases).
func ratioOf(p string) string {
	w := strings.Fields(strings.ToLower(p))
	if len(w) < 4 || w[len(w)-1] != "ratio" || !slices.Contains(w[1:len(w)-2], "to") {
		return ""
	}
	return "ratio of " + strings.Join(w[:len(w)-1], " ")
}

func slashInside(toks []token) bool {
	for _, t := range toks[1:] {
		if t.slash {
			return true
		}
	}
	return false
}

func valuesOnly(es []entry) []entry {
	var out []entry
	for _, e := range es {
		if e.kind == KindValue {
			out = append(out, e)
		}
	}
	return out
}
