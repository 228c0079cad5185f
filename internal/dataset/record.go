// Package dataset holds sqlforge's training records and what is done to them: validation,
// de-duplication, balancing, the leakage-free split, and import/export in the formats that
// fine-tuning services and libraries read.
package dataset

import "encoding/json"

// Record is one question/SQL pair, the unit of every dataset sqlforge writes (JSONL, one per line).
type Record struct {
	// ID is a stable content hash of the record (question + SQL).
	ID string `json:"id"`
	// Question is the natural-language question.
	Question string `json:"question"`
	// SQL is the gold query, formatted on one line.
	SQL string `json:"sql"`
	// Reasoning optionally explains the query: concept, tables, joins, filters and why.
	Reasoning string `json:"reasoning,omitempty"`
	// Group identifies the underlying query: all phrasings of one query share it, and the
	// split keeps a group together so no query leaks between train and test.
	Group string `json:"group"`
	// DB names the database the SQL runs on ("northwind", a Spider db_id, ...).
	DB string `json:"db,omitempty"`
	// Context is the CREATE TABLE schema context when the record carries its own (sql-create-context).
	Context string `json:"context,omitempty"`
	// Evidence is external knowledge given with the question (BIRD).
	Evidence string `json:"evidence,omitempty"`
	// Hardness is Spider's class: easy, medium, hard or extra.
	Hardness string `json:"hardness,omitempty"`
	// Shape is the query pattern that produced it (single, grouped, topk, window, ...).
	Shape string `json:"shape,omitempty"`
	// Concepts are the ontology concepts the question uses.
	Concepts []string `json:"concepts,omitempty"`
	// Tables the SQL reads.
	Tables []string `json:"tables,omitempty"`
	// Source is the provenance: "template", "llm:MODEL", "import:spider", ...
	Source string `json:"source,omitempty"`
	// Split is train, test or inference (or val) once split.
	Split string `json:"split,omitempty"`
	// Rows is the number of rows the gold SQL returned when verified (0 when not executed).
	Rows int `json:"rows,omitempty"`
	// ResultHash is a hash of the gold SQL's canonical result when verified; records with the
	// same intent and the same result are duplicates even when their SQL text differs.
	ResultHash string `json:"result_hash,omitempty"`
	// PlanText is the query plan in its one-line text form (internal/plan) when the pair was
	// made from a plan; SQL is then the plan compiler's output for it.
	PlanText string `json:"plan_text,omitempty"`
	// Plan is the same plan in its JSON form.
	Plan json.RawMessage `json:"plan,omitempty"`
}
