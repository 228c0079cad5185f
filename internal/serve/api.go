// Package serve is sqlforge's HTTP API around a text-to-SQL model: POST /generate-sql turns a
// question into SQL with a confidence and, on request, runs it read-only and returns the rows.
// It also serves a web page (/), the catalog of concepts and tables the page shows (/catalog),
// health and readiness probes, Prometheus metrics, its OpenAPI document and an API reference
// page (/docs).
//
// Safety: generated SQL runs only when sqlparse.IsReadOnly accepts it as a single read-only
// SELECT/WITH statement, and then only through the read-only executor (sqlexec), with a row
// cap and a timeout. Optional bearer API keys, a per-key token-bucket rate limit, a request
// size limit and CORS are configured in Config. Every error has one shape:
// {"error": {"code": "...", "message": "..."}}.
//
// Service holds the logic without HTTP, so `sqlforge ask` answers through the same code.
package serve

import "encoding/json"

// GenerateRequest is the body of POST /generate-sql.
type GenerateRequest struct {
	// Question is the natural-language question; required, at most 2,000 characters.
	Question string `json:"question"`
	// Execute asks to run the SQL (read-only) and return its columns and rows.
	Execute bool `json:"execute,omitempty"`
	// MaxRows caps the rows returned when executing (default and maximum: the server's row cap).
	MaxRows int `json:"max_rows,omitempty"`
	// ConversationID continues a conversation: the previous question and SQL are given to the
	// model so a follow-up ("only for 2023") refines the previous query. Empty starts one.
	ConversationID string `json:"conversation_id,omitempty"`
}

// GenerateResponse is the answer of POST /generate-sql.
type GenerateResponse struct {
	// SQL is the generated query (empty when the model gave none).
	SQL string `json:"sql"`
	// Confidence in [0,1], from the signals documented in docs/serving.md; 0 when the SQL
	// does not parse.
	Confidence float64 `json:"confidence"`
	// Reasoning is the model's explanation, when it gave one.
	Reasoning string `json:"reasoning,omitempty"`
	// Plan is the query plan the SQL was compiled from (plan: models), in its JSON form.
	Plan json.RawMessage `json:"plan,omitempty"`
	// PlanText is the same plan in its one-line text form.
	PlanText string `json:"plan_text,omitempty"`
	// Explanation says in one line what the answer computes ("Revenue by product, top 5").
	Explanation string `json:"explanation,omitempty"`
	// Missing lists what the question asks that the plan does not cover (plan: models).
	Missing []string `json:"missing,omitempty"`
	// Measures are the ids of the metrics the answer computes (CatalogMetric.ID): the plan's
	// measures, or for a SQL model the ontology metrics whose formula its SQL contains.
	Measures []string `json:"measures,omitempty"`
	// Columns are the result's column names, when executed.
	Columns []string `json:"columns,omitempty"`
	// Rows are the result rows (JSON numbers, strings or null), when executed.
	Rows [][]any `json:"rows,omitempty"`
	// Truncated reports that the result had more rows than were returned.
	Truncated bool `json:"truncated,omitempty"`
	// Warnings say what went wrong short of an error: the SQL was refused by the read-only
	// guard, failed to execute, returned no rows, the answer came from the cache, ...
	Warnings []string `json:"warnings"`
	// Model is the backend that answered.
	Model string `json:"model"`
	// LatencyMS is the server's time for this request, in milliseconds.
	LatencyMS float64 `json:"latency_ms"`
	// ConversationID identifies the conversation; send it back to ask a follow-up.
	ConversationID string `json:"conversation_id"`
	// Cached reports that the answer came from the answer cache.
	Cached bool `json:"cached,omitempty"`
	// FollowUp, on an answer to a question asked in a conversation with earlier turns, says
	// whether the model refines follow-ups and whether this answer changed the previous one.
	FollowUp *FollowUp `json:"follow_up,omitempty"`
	// encoded, on a cached answer, is its JSON up to LatencyMS (see cache.put), so a hit
	// is written without encoding it again.
	encoded []byte
}

// FollowUp says what became of a follow-up question ("only for Germany", "just the top 3",
// "by year instead").
type FollowUp struct {
	// Supported is false for models that cannot refine a previous answer: knn (it only swaps
	// values in the previous query) and local raw-SQL models (trained on single questions).
	// Plan models edit the previous plan; chat models get the conversation as messages.
	Supported bool `json:"supported"`
	// Refined reports that the answer changes the previous one: the previous plan edited
	// (plan models), or SQL other than the previous turn's.
	Refined bool `json:"refined"`
	// Message says it in words, with what to do when the follow-up was not applied.
	Message string `json:"message"`
}

// ErrorResponse is the body of every error response.
type ErrorResponse struct {
	// Error describes what went wrong.
	Error ErrorBody `json:"error"`
}

// ErrorBody is the error of an ErrorResponse.
type ErrorBody struct {
	// Code is a stable machine-readable code: bad_request, method_not_allowed,
	// unauthorized, rate_limited, too_large, not_found, model_error, model_timeout, no_sql,
	// internal.
	Code string `json:"code"`
	// Message says what went wrong, for people.
	Message string `json:"message"`
}

// Health is the body of GET /healthz and GET /readyz.
type Health struct {
	// Status is "ok", or "unavailable" when not ready.
	Status string `json:"status"`
	// Model is the backend's name.
	Model string `json:"model"`
	// SchemaHash identifies the database structure the answers are for.
	SchemaHash string `json:"schema_hash"`
}

// Catalog is the body of GET /catalog: what a question may ask about, for the web page's
// side panel and example questions.
type Catalog struct {
	// Database is the ontology's name (usually the database's).
	Database string `json:"database,omitempty"`
	// Currency is the ISO 4217 code of currency metrics ("USD").
	Currency string `json:"currency"`
	// Examples are questions made from the ontology's metrics and dimensions.
	Examples []string `json:"examples"`
	// Metrics are the measures a question can ask for.
	Metrics []CatalogMetric `json:"metrics"`
	// Dimensions are what a measure can be broken down or filtered by.
	Dimensions []CatalogDimension `json:"dimensions"`
	// Segments are named subsets ("late shipments").
	Segments []CatalogSegment `json:"segments"`
	// Tables are the database's tables and views.
	Tables []CatalogTable `json:"tables"`
	// formulas are the metrics' formulas, normalised, to find them in SQL (measuresIn).
	formulas []formula
}

// CatalogMetric is one metric of a Catalog.
type CatalogMetric struct {
	// ID is the metric's id in plans and the name of its result column ("revenue").
	ID string `json:"id"`
	// Name is the metric's name ("Revenue").
	Name string `json:"name"`
	// Description says what it measures.
	Description string `json:"description,omitempty"`
	// Unit is currency, percent (0-100), ratio, count, days or units; empty when none.
	Unit string `json:"unit,omitempty"`
	// Synonyms are other names people use for it.
	Synonyms []string `json:"synonyms,omitempty"`
}

// CatalogDimension is one dimension of a Catalog.
type CatalogDimension struct {
	// ID is the dimension's id in plans ("customer_country").
	ID string `json:"id"`
	// Name is the id in words ("customer country").
	Name string `json:"name"`
	// Description says what it is.
	Description string `json:"description,omitempty"`
	// Kind is time, geography, category, product, organisation, person or flag.
	Kind string `json:"kind,omitempty"`
	// Synonyms are other names people use for it.
	Synonyms []string `json:"synonyms,omitempty"`
}

// CatalogSegment is one segment of a Catalog.
type CatalogSegment struct {
	// ID is the segment's id in plans ("late_shipment").
	ID string `json:"id"`
	// Name is the id in words.
	Name string `json:"name"`
	// Description says which rows it keeps.
	Description string `json:"description,omitempty"`
}

// CatalogTable is one table of a Catalog.
type CatalogTable struct {
	// Name is the table's name.
	Name string `json:"name"`
	// Description is the ontology's description of it, when it has one.
	Description string `json:"description,omitempty"`
	// Columns are its column names.
	Columns []string `json:"columns"`
	// Rows is its row count (0 for a view).
	Rows int64 `json:"rows"`
}
