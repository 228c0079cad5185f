// Package ontology models a business vocabulary over a database: metrics (formulas), entities,
// dimensions and joins. It loads sqlforge's versioned YAML format and the two JSON forms of the
// seed project's analytic_graph, and validates a vocabulary against a live schema.
//
// The YAML format is documented in docs/ontology.md; ontologies/northwind.yaml is the reference.
package ontology

import "strings"

// FormatVersion is the version of the YAML format this package writes and reads.
const FormatVersion = 1

// Ontology is a business vocabulary over one database.
type Ontology struct {
	// Version of the file format (FormatVersion).
	Version int `yaml:"version" json:"version"`
	// Name identifies the vocabulary, e.g. "northwind".
	Name string `yaml:"name" json:"name"`
	// Description says what business the database records.
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Dialect of the formulas: "sqlite" or "postgres".
	Dialect string `yaml:"dialect" json:"dialect"`
	// DateFormat of date columns as stored, e.g. "YYYY-MM-DD".
	DateFormat string `yaml:"date_format,omitempty" json:"date_format,omitempty"`
	// Tables describes tables in business words; keys are table names.
	Tables map[string]Table `yaml:"tables,omitempty" json:"tables,omitempty"`
	// Metrics are the measures people ask for.
	Metrics []Metric `yaml:"metrics" json:"metrics"`
	// Dimensions are the attributes results are grouped or filtered by.
	Dimensions []Dimension `yaml:"dimensions,omitempty" json:"dimensions,omitempty"`
	// Entities are the business objects (customer, product, ...).
	Entities []Entity `yaml:"entities,omitempty" json:"entities,omitempty"`
	// Joins are the allowed join paths between tables.
	Joins []Join `yaml:"joins" json:"joins"`
	// Segments are named row conditions people filter by ("late shipments", "discontinued
	// products"); query plans refer to them by name.
	Segments []Segment `yaml:"segments,omitempty" json:"segments,omitempty"`

	// Path is the file the ontology was loaded from (not serialised).
	Path string `yaml:"-" json:"-"`
	// Format is the source format: "yaml", "analytic_graph" or "analytic_graph_v1".
	Format string `yaml:"-" json:"-"`
	// Notes are warnings the loader raised while reading the file: quirks of the seed
	// formats it resolved (a GROUP BY split off a formula, a formula it cannot run).
	// Validate reports them with its own problems.
	Notes []Problem `yaml:"-" json:"-"`
	// RenderSQL writes a statement built from the ontology for the dialect its SQL was
	// rendered for (see For); Validate and the plan compiler pass their SQL through it.
	RenderSQL func(sql string) (string, error) `yaml:"-" json:"-"`

	// portable is the ontology as loaded, before For rendered it.
	portable *Ontology
}

// Table describes one table in business terms.
type Table struct {
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// TimeColumn is the table's main date column (e.g. OrderDate), used for time filters.
	TimeColumn string `yaml:"time_column,omitempty" json:"time_column,omitempty"`
	// PrimaryKey lists the columns that identify a row (optional; documents the grain).
	PrimaryKey []string `yaml:"primary_key,omitempty" json:"primary_key,omitempty"`
	// Columns optionally maps column names to their declared types, as the seed's
	// table catalogue does; validation checks that each column exists.
	Columns map[string]string `yaml:"columns,omitempty" json:"columns,omitempty"`
	// Line is the source line of the definition (0 when unknown).
	Line int `yaml:"-" json:"-"`
}

// Metric is a measure defined by an aggregate SQL formula over qualified columns.
type Metric struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description" json:"description"`
	// Formula is an aggregate SQL expression over Table.Column references,
	// e.g. "SUM(order_details.UnitPrice * order_details.Quantity)".
	Formula string `yaml:"formula" json:"formula"`
	// CTE optionally defines a helper common table expression the formula reads (seed v1 form).
	CTE string `yaml:"cte,omitempty" json:"cte,omitempty"`
	// Tables the formula reads; the FROM clause joins them along Joins.
	Tables []string `yaml:"tables" json:"tables"`
	// TimeDependent says whether the metric is usually asked for a period.
	TimeDependent bool `yaml:"time_dependent" json:"time_dependent"`
	// TimeColumn is the qualified date column periods filter on, e.g. "Orders.OrderDate".
	TimeColumn string `yaml:"time_column,omitempty" json:"time_column,omitempty"`
	// Unit of the value: currency, percent, ratio, count, days, units.
	Unit string `yaml:"unit,omitempty" json:"unit,omitempty"`
	// Synonyms are other names people use for the metric.
	Synonyms []string `yaml:"synonyms,omitempty" json:"synonyms,omitempty"`
	// Dimensions names the dimensions the metric may be grouped by (Dimension.Name).
	Dimensions []string `yaml:"dimensions,omitempty" json:"dimensions,omitempty"`
	// Filters names the dimensions the metric may be filtered by (Dimension.Name).
	Filters []string `yaml:"filters,omitempty" json:"filters,omitempty"`
	// Higher says whether a higher value is better ("true"/"false"; empty when neutral).
	Higher string `yaml:"higher_is_better,omitempty" json:"higher_is_better,omitempty"`
	// Grain is the level one value of the formula's inner terms is counted at: "order",
	// "order line", "product", ... A formula at order grain must not be joined to a finer
	// table (order_details) without care: SUM(Orders.Freight) would count an order once per line.
	Grain string `yaml:"grain,omitempty" json:"grain,omitempty"`
	// Period, for a growth metric, is the period it compares: "month", "quarter" or "year".
	// Such a formula reads two time windows and is meant to be used with a period filter.
	Period string `yaml:"period,omitempty" json:"period,omitempty"`
	// Descriptive marks a metric whose formula documents the idea but cannot run as a plain
	// aggregate (it reads relations no table or CTE defines); generators skip it.
	Descriptive bool `yaml:"descriptive,omitempty" json:"descriptive,omitempty"`
	// Line is the source line of the definition (0 when unknown).
	Line int `yaml:"-" json:"-"`
}

// Dimension is an attribute to group or filter by, e.g. "country" = Customers.Country.
type Dimension struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Column is the qualified column, e.g. "Customers.Country".
	Column string `yaml:"column" json:"column"`
	// Expression, when set, is the SQL expression over Column that results are grouped
	// and filtered by, e.g. "strftime('%Y', Orders.OrderDate)" for a year dimension.
	Expression string `yaml:"expression,omitempty" json:"expression,omitempty"`
	// Kind: category, geography, person, organisation, product, time, flag.
	Kind string `yaml:"kind,omitempty" json:"kind,omitempty"`
	// Synonyms are other names of the attribute ("nation", "market").
	Synonyms []string `yaml:"synonyms,omitempty" json:"synonyms,omitempty"`
	// Values are example values; when empty they are sampled from the database.
	Values []string `yaml:"values,omitempty" json:"values,omitempty"`
	// ID is the qualified key column of what the dimension names (Products.ProductID), so that
	// two things with the same name stay apart; a query plan may also show it.
	ID string `yaml:"id,omitempty" json:"id,omitempty"`
	// Labels are the qualified columns a result shows for the dimension, in order (first and
	// last name for people); empty means Column alone.
	Labels []string `yaml:"labels,omitempty" json:"labels,omitempty"`
	// Grain makes a calendar dimension over the date Column: year, quarter (1-4), month
	// (1-12), year_quarter ("2024-Q3") or year_month ("2024-03"). Query plans render it through
	// the dialect; Expression, when also set, is what the older generator shapes use.
	Grain string `yaml:"grain,omitempty" json:"grain,omitempty"`
	Line  int    `yaml:"-" json:"-"`
}

// Calendar grains of a time dimension.
const (
	GrainYear        = "year"
	GrainQuarter     = "quarter"
	GrainMonth       = "month"
	GrainYearQuarter = "year_quarter"
	GrainYearMonth   = "year_month"
)

// LabelColumns returns the columns a result shows for d: Labels, or Column alone.
func (d Dimension) LabelColumns() []string {
	if len(d.Labels) > 0 {
		return d.Labels
	}
	return []string{d.Column}
}

// Segment is a named row condition, e.g. late_shipment: Orders.ShippedDate > Orders.RequiredDate.
type Segment struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Condition is an SQL predicate over qualified columns of Tables.
	Condition string `yaml:"condition" json:"condition"`
	// Tables the condition reads; they are joined in when a query uses the segment.
	Tables []string `yaml:"tables" json:"tables"`
	// Synonyms are other ways people say it ("late", "delayed", "shipped late").
	Synonyms []string `yaml:"synonyms,omitempty" json:"synonyms,omitempty"`
	Line     int      `yaml:"-" json:"-"`
}

// Entity is a business object stored in one or more tables.
type Entity struct {
	Name        string   `yaml:"name" json:"name"`
	Description string   `yaml:"description" json:"description"`
	Tables      []string `yaml:"tables" json:"tables"`
	// Key is the identifying column (qualified), e.g. "Customers.CustomerID".
	Key string `yaml:"key,omitempty" json:"key,omitempty"`
	// Label is the human-readable name column (qualified), e.g. "Customers.CompanyName".
	Label string `yaml:"label,omitempty" json:"label,omitempty"`
	// Columns of interest (unqualified names in the entity's tables, or qualified).
	Columns []string `yaml:"columns" json:"columns"`
	// SampleValues maps column to an example value, as text.
	SampleValues map[string]string `yaml:"sample_values,omitempty" json:"sample_values,omitempty"`
	Synonyms     []string          `yaml:"synonyms,omitempty" json:"synonyms,omitempty"`
	Line         int               `yaml:"-" json:"-"`
}

// Join is an allowed join between two tables.
type Join struct {
	Left  string `yaml:"left" json:"left"`
	Right string `yaml:"right" json:"right"`
	// On is the join condition, e.g. "Orders.OrderID = order_details.OrderID".
	On string `yaml:"on" json:"on"`
	// Type is INNER (default) or LEFT.
	Type string `yaml:"type,omitempty" json:"type,omitempty"`
	// LeftAlias and RightAlias name the two sides of a self-join (Employees as staff/manager).
	LeftAlias  string `yaml:"left_alias,omitempty" json:"left_alias,omitempty"`
	RightAlias string `yaml:"right_alias,omitempty" json:"right_alias,omitempty"`
	Line       int    `yaml:"-" json:"-"`
}

// MetricID is the id a query plan uses for a metric name: lower case, runs of anything but
// letters and digits as one underscore ("On-Time Delivery Rate" → on_time_delivery_rate).
func MetricID(name string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
			continue
		}
		under = true
	}
	return b.String()
}

// MetricByID returns the metric whose MetricID is id, or nil.
func (o *Ontology) MetricByID(id string) *Metric {
	for i := range o.Metrics {
		if MetricID(o.Metrics[i].Name) == id {
			return &o.Metrics[i]
		}
	}
	return nil
}

// Segment returns the segment called name (case-insensitive), or nil.
func (o *Ontology) Segment(name string) *Segment {
	for i := range o.Segments {
		if strings.EqualFold(o.Segments[i].Name, name) {
			return &o.Segments[i]
		}
	}
	return nil
}

// Metric returns the metric called name (case-insensitive), or nil.
func (o *Ontology) Metric(name string) *Metric {
	for i := range o.Metrics {
		if strings.EqualFold(o.Metrics[i].Name, name) {
			return &o.Metrics[i]
		}
	}
	return nil
}

// Dimension returns the dimension called name (case-insensitive), or nil.
func (o *Ontology) Dimension(name string) *Dimension {
	for i := range o.Dimensions {
		if strings.EqualFold(o.Dimensions[i].Name, name) {
			return &o.Dimensions[i]
		}
	}
	return nil
}

// Entity returns the entity called name (case-insensitive), or nil.
func (o *Ontology) Entity(name string) *Entity {
	for i := range o.Entities {
		if strings.EqualFold(o.Entities[i].Name, name) {
			return &o.Entities[i]
		}
	}
	return nil
}

// Table returns the table of the dimension's column ("" when unqualified).
func (d Dimension) Table() string { t, _ := SplitColumn(d.Column); return t }

// SQL returns the expression to group or filter by: Expression, or else Column.
func (d Dimension) SQL() string {
	if d.Expression != "" {
		return d.Expression
	}
	return d.Column
}

// SplitColumn splits a qualified column reference "Table.Column" into its parts; an
// unqualified name returns an empty table. Double quotes around either part are removed.
func SplitColumn(ref string) (table, column string) {
	ref = strings.TrimSpace(ref)
	i := strings.LastIndex(ref, ".")
	if i < 0 {
		return "", unquote(ref)
	}
	return unquote(ref[:i]), unquote(ref[i+1:])
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '`' && s[len(s)-1] == '`' || s[0] == '[' && s[len(s)-1] == ']') {
		return s[1 : len(s)-1]
	}
	return s
}
