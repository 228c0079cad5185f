// Package plan is sqlforge's typed query plan: what a question asks for, in the ontology's
// terms (metrics, dimensions, segments), with no SQL in it. A model or a linker turns a
// question into a plan; one compiler (plan/compile) turns a plan into SQL for a dialect.
//
// A plan has two forms with exact round trips between them:
//
//   - a compact one-line text form that tokenizes short, for models to decode:
//     `revenue by product in 2020..2024 top 5`
//   - a JSON form (the Plan struct's encoding), for APIs and hosted models.
//
// The text grammar, clause by clause, in the canonical order Format writes them:
//
//	plan     := (measures [by groups] | list groups) [per DIM] [where conds] [having THRESHOLD]
//	            [in WINDOW] [compare P P | growth P P] [share [ratio] [of conds]]
//	            [count] [running] [rank] [ORDER] [ties]
//	measures := METRIC {"," METRIC}
//	groups   := DIM[.id|.both] {"," DIM[.id|.both]}
//	conds    := cond {and cond};  cond := DIM (= V | != V | in (V {, V})) | SEGMENT
//	THRESHOLD:= METRIC (> | >= | < | <=) NUMBER
//	WINDOW   := P | P..P | last N (years|quarters|months)
//	P        := YYYY | YYYY-Qn | YYYY-Hn | YYYY-MM | YYYY-MM-DD
//	ORDER    := top N | bottom N | order [label|METRIC] (asc|desc) [limit N]
//
// A list (`list supplier where supplier_country = 'Japan'`) has no measures: the things of its
// breakdown, filtered, ordered by label, limited or counted.
//
// Values are single-quoted SQL-style strings ('it”s'). Names are the ontology's ids:
// metric names in snake case (Revenue → revenue, On-Time Delivery Rate →
// on_time_delivery_rate), dimension and segment names as written. docs/plans.md has the
// whole reference with examples.
package plan

// Plan is one question's meaning over an ontology. The zero value is not a valid plan: it
// needs at least one measure, or a breakdown to list.
type Plan struct {
	// Measures are the metrics asked for, by id; none in a list of the breakdown's things.
	Measures []string `json:"measures"`
	// GroupBy are the dimensions results are broken down by, in output order.
	GroupBy []Group `json:"group_by,omitempty"`
	// Per names a dimension to partition a top/bottom-k by ("for each year, the top
	// customer"): the limit then applies within each value of Per. Per is also grouped by.
	Per string `json:"per,omitempty"`
	// Filters restrict rows to dimension values.
	Filters []Filter `json:"filters,omitempty"`
	// Segments restrict rows to named conditions the ontology defines (late_shipment, ...).
	Segments []string `json:"segments,omitempty"`
	// Having keeps only groups whose metric passes a threshold.
	Having *Threshold `json:"having,omitempty"`
	// Time restricts rows to a period of the measures' time column.
	Time *Window `json:"time,omitempty"`
	// Compare asks for the measures in two periods side by side, or for the growth between them.
	Compare *Compare `json:"compare,omitempty"`
	// Share asks for the part of the measure's total that a subset or each group holds.
	Share *Share `json:"share,omitempty"`
	// Count asks how many groups there are (after Having), not for their values.
	Count bool `json:"count,omitempty"`
	// Running adds a running total of the first measure, in group order (a time grain).
	Running bool `json:"running,omitempty"`
	// Rank adds the rank of each group by the first measure (1 = highest).
	Rank bool `json:"rank,omitempty"`
	// Order sorts the result; nil leaves the engine's order (or the time order for grains).
	Order *Order `json:"order,omitempty"`
	// Limit keeps the first Limit rows (per Per value when Per is set); 0 keeps all.
	Limit int `json:"limit,omitempty"`
	// Ties keeps rows tied with the last one kept by Limit.
	Ties bool `json:"ties,omitempty"`
}

// Group is one breakdown dimension and which of its labels the result shows.
type Group struct {
	// Dim is the dimension id.
	Dim string `json:"dim"`
	// Show is "" (the dimension's name labels), "id" (its key only) or "both".
	Show string `json:"show,omitempty"`
}

// Filter operators.
const (
	OpEq    = "="
	OpNotEq = "!="
	OpIn    = "in"
)

// Filter keeps rows whose dimension value is (or is not) one of Values. A value that is not in
// the database passes through as written: the query then returns what matches it.
type Filter struct {
	Dim    string   `json:"dim"`
	Op     string   `json:"op"`
	Values []string `json:"values"`
}

// Threshold is a condition on a metric's value per group: revenue > 10000.
type Threshold struct {
	Measure string  `json:"measure"`
	Op      string  `json:"op"`
	Value   float64 `json:"value"`
}

// Window is a period: From alone (a year, quarter, half, month or day), From..To (inclusive
// of both ends, same kind of period), or the last N units ending with the data's latest date
// (never the clock's).
type Window struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Last is N in "the last N Unit"; Unit is years, quarters or months.
	Last int    `json:"last,omitempty"`
	Unit string `json:"unit,omitempty"`
}

// Compare puts two periods side by side (Growth false: both values) or asks for the percent
// change from Base to Current (Growth true).
type Compare struct {
	Base    string `json:"base"`
	Current string `json:"current"`
	Growth  bool   `json:"growth,omitempty"`
}

// Share asks for a part of the total. With Filters or Segments it is the part of the measure
// that the subset holds; without them, each group's part of the total over all groups.
// Ratio gives a fraction (0-1) instead of a percent.
type Share struct {
	Filters  []Filter `json:"filters,omitempty"`
	Segments []string `json:"segments,omitempty"`
	Ratio    bool     `json:"ratio,omitempty"`
}

// Order sorts the result by a measure (By is "" for the first measure, or a measure id) or by
// the group labels (By is "label").
type Order struct {
	By   string `json:"by,omitempty"`
	Desc bool   `json:"desc,omitempty"`
}

// ByLabel is Order.By for sorting by the group labels.
const ByLabel = "label"

// Names resolves the ids a plan uses; Parse and ParseJSON report the position of a name it
// does not know. An ontology provides one (compile.Names).
type Names interface {
	HasMetric(id string) bool
	HasDimension(id string) bool
	HasSegment(id string) bool
}

// Suggester optionally proposes the closest known name for an unknown one.
type Suggester interface {
	Suggest(kind, id string) string
}
