// Package ontology models a business vocabulary over a database: metrics (formulas), entities,
// dimensions and joins. It loads sqlforge's versioned YAML format and the two JSON forms of the
// seed project's analytic_graph, and validates a vocabulary against a live schema.
//
// The YAML format is documented in docs/ontology.md; ontologies/northwind.yaml is the reference.
package ontology

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

	// Path is the file the ontology was loaded from (not serialised).
	Path string `yaml:"-" json:"-"`
	// Format is the source format: "yaml", "analytic_graph" or "analytic_graph_v1".
	Format string `yaml:"-" json:"-"`
}

// Table describes one table in business terms.
type Table struct {
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// TimeColumn is the table's main date column (e.g. OrderDate), used for time filters.
	TimeColumn string `yaml:"time_column,omitempty" json:"time_column,omitempty"`
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
	// Line is the source line of the definition (0 when unknown).
	Line int `yaml:"-" json:"-"`
}

// Dimension is an attribute to group or filter by, e.g. "country" = Customers.Country.
type Dimension struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Column is the qualified column, e.g. "Customers.Country".
	Column string `yaml:"column" json:"column"`
	// Kind: category, geography, person, organisation, product, time, flag.
	Kind string `yaml:"kind,omitempty" json:"kind,omitempty"`
	// Synonyms are other names of the attribute ("nation", "market").
	Synonyms []string `yaml:"synonyms,omitempty" json:"synonyms,omitempty"`
	// Values are example values; when empty they are sampled from the database.
	Values []string `yaml:"values,omitempty" json:"values,omitempty"`
	Line   int      `yaml:"-" json:"-"`
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
