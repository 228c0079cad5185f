package serve

import (
	"encoding/json"
	"net/http"
)

// openAPI is the OpenAPI 3.1 document of the API, written by hand; a test checks that it
// is valid JSON, lists every route of the table and documents every wire field.
var openAPI = map[string]any{
	"openapi": "3.1.0",
	"info": map[string]any{"title": "sqlforge", "version": "1",
		"description": "Text-to-SQL over one database. Generated SQL runs only read-only, and only when a guard accepts it as a single SELECT/WITH statement."},
	"components": map[string]any{
		"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer",
			"description": "Required when the server has API keys (SQLFORGE_API_KEYS)."}},
		"schemas": map[string]any{
			"GenerateRequest": object([]string{"question"}, map[string]any{
				"question":        prop("string", "The natural-language question (at most 2,000 characters)."),
				"execute":         prop("boolean", "Run the SQL read-only and return columns and rows."),
				"max_rows":        prop("integer", "Row cap for the result (default and maximum: the server's cap)."),
				"conversation_id": prop("string", "Continue a conversation: a follow-up refines the previous query."),
			}),
			"GenerateResponse": object([]string{"sql", "confidence", "warnings", "model", "latency_ms", "conversation_id"}, map[string]any{
				"sql":             prop("string", "The generated query."),
				"confidence":      prop("number", "Confidence in [0,1]; 0 when the SQL does not parse or is refused."),
				"reasoning":       prop("string", "The model's explanation, when given."),
				"plan":            map[string]any{"type": "object", "description": "The query plan the SQL was compiled from (plan: models), in its JSON form (docs/plans.md)."},
				"plan_text":       prop("string", "The same plan in its one-line text form, e.g. revenue by product top 5."),
				"explanation":     prop("string", "What the answer computes, in one line: Revenue by product, top 5."),
				"missing":         map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "What the question asks that the plan does not cover."},
				"measures":        map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "Ids of the metrics the answer computes (see GET /catalog): the plan's measures, or the metrics whose formula the SQL contains."},
				"columns":         map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "Result column names, when executed."},
				"rows":            map[string]any{"type": "array", "items": map[string]any{"type": "array"}, "description": "Result rows, when executed."},
				"truncated":       prop("boolean", "The result had more rows than returned."),
				"warnings":        map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "Guard refusals, execution failures, empty results."},
				"model":           prop("string", "The backend that answered."),
				"latency_ms":      prop("number", "Server time for the request, in milliseconds."),
				"conversation_id": prop("string", "Send it back to ask a follow-up."),
				"cached":          prop("boolean", "The answer came from the cache."),
				"follow_up":       ref("FollowUp", "On a question asked after earlier turns of the conversation: whether the model refines follow-ups and whether it changed the previous answer."),
			}),
			"FollowUp": object([]string{"supported", "refined", "message"}, map[string]any{
				"supported": prop("boolean", "False for models that cannot refine a previous answer (knn, local raw-SQL models); plan models edit the previous plan, chat models get the conversation."),
				"refined":   prop("boolean", "The answer changes the previous one: the previous plan edited, or SQL other than the previous turn's."),
				"message":   prop("string", "What became of the follow-up, and what to do when it was not applied."),
			}),
			"Error": object([]string{"error"}, map[string]any{
				"error": described(object([]string{"code", "message"}, map[string]any{
					"code":    prop("string", "bad_request, method_not_allowed, unauthorized, rate_limited, too_large, not_found, model_error, model_timeout, no_sql, internal."),
					"message": prop("string", "What went wrong."),
				}), "What went wrong: a stable code and a message."),
			}),
			"Catalog": object([]string{"currency", "examples", "metrics", "dimensions", "segments", "tables"}, map[string]any{
				"database":   prop("string", "The ontology's name (usually the database's)."),
				"currency":   prop("string", "ISO 4217 code of currency metrics, e.g. USD."),
				"examples":   map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "Questions made from the ontology's metrics and dimensions."},
				"metrics":    arrayOf("CatalogMetric", "The measures a question can ask for."),
				"dimensions": arrayOf("CatalogDimension", "What a measure can be broken down or filtered by."),
				"segments":   arrayOf("CatalogSegment", "Named subsets of rows, e.g. late shipments."),
				"tables":     arrayOf("CatalogTable", "The database's tables and views."),
			}),
			"CatalogMetric": object([]string{"id", "name"}, map[string]any{
				"id":          prop("string", "Id in plans and name of the result column, e.g. revenue."),
				"name":        prop("string", "The metric's name, e.g. Revenue."),
				"description": prop("string", "What it measures."),
				"unit":        prop("string", "currency, percent (0-100), ratio, count, days or units."),
				"synonyms":    map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "Other names people use for it."},
			}),
			"CatalogDimension": object([]string{"id", "name"}, map[string]any{
				"id":          prop("string", "Id in plans, e.g. customer_country."),
				"name":        prop("string", "The id in words, e.g. customer country."),
				"description": prop("string", "What it is."),
				"kind":        prop("string", "time, geography, category, product, organisation, person or flag."),
				"synonyms":    map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "Other names people use for it."},
			}),
			"CatalogSegment": object([]string{"id", "name"}, map[string]any{
				"id":          prop("string", "Id in plans, e.g. late_shipment."),
				"name":        prop("string", "The id in words."),
				"description": prop("string", "Which rows it keeps."),
			}),
			"CatalogTable": object([]string{"name", "columns", "rows"}, map[string]any{
				"name":        prop("string", "Table name."),
				"description": prop("string", "The ontology's description, when it has one."),
				"columns":     map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "Column names."},
				"rows":        prop("integer", "Row count (0 for a view)."),
			}),
			"Health": object([]string{"status", "model", "schema_hash"}, map[string]any{
				"status":      prop("string", "ok, or unavailable."),
				"model":       prop("string", "The backend's name."),
				"schema_hash": prop("string", "Hash of the database structure."),
			}),
		},
	},
	"paths": map[string]any{
		"/generate-sql": map[string]any{"post": map[string]any{
			"summary":     "Generate SQL for a question",
			"description": "Optionally executes it read-only and returns the rows.",
			"security":    []any{map[string]any{"bearer": []any{}}},
			"requestBody": map[string]any{"required": true, "content": jsonContent("GenerateRequest")},
			"responses": map[string]any{
				"200": response("The answer.", "GenerateResponse"),
				"400": response("Malformed request.", "Error"),
				"401": response("Missing or unknown API key.", "Error"),
				"413": response("Request body too large.", "Error"),
				"429": response("Rate limit exceeded.", "Error"),
				"502": response("The model failed or gave no SQL.", "Error"),
				"504": response("The model timed out.", "Error"),
			},
		}},
		"/healthz": map[string]any{"get": map[string]any{"summary": "Liveness", "responses": map[string]any{"200": response("Alive.", "Health")}}},
		"/readyz":  map[string]any{"get": map[string]any{"summary": "Readiness", "responses": map[string]any{"200": response("Ready.", "Health"), "503": response("Not ready.", "Health")}}},
		"/catalog": map[string]any{"get": map[string]any{"summary": "Concepts, tables and example questions", "description": "What the web page shows beside the question box. It names the database's tables and columns, so it takes the API key like /generate-sql.",
			"security":  []any{map[string]any{"bearer": []any{}}},
			"responses": map[string]any{"200": response("The catalog.", "Catalog"), "401": response("Missing or unknown API key.", "Error"), "429": response("Rate limit exceeded.", "Error")}}},
		"/metrics":      map[string]any{"get": map[string]any{"summary": "Prometheus metrics", "responses": map[string]any{"200": map[string]any{"description": "Text exposition format."}}}},
		"/openapi.json": map[string]any{"get": map[string]any{"summary": "This document", "responses": map[string]any{"200": map[string]any{"description": "OpenAPI 3.1."}}}},
		"/docs":         map[string]any{"get": map[string]any{"summary": "API docs page", "responses": map[string]any{"200": map[string]any{"description": "HTML."}}}},
		"/":             map[string]any{"get": map[string]any{"summary": "Web page: ask a question, see SQL, table and chart; ?q= asks at load", "responses": map[string]any{"200": map[string]any{"description": "HTML."}}}},
	},
}

func object(required []string, props map[string]any) map[string]any {
	return map[string]any{"type": "object", "required": required, "properties": props, "additionalProperties": false}
}

func described(schema map[string]any, desc string) map[string]any {
	schema["description"] = desc
	return schema
}

func arrayOf(schema, desc string) map[string]any {
	return map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/" + schema}, "description": desc}
}

func prop(typ, desc string) map[string]any { return map[string]any{"type": typ, "description": desc} }

func jsonContent(schema string) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + schema}}}
}

func response(desc, schema string) map[string]any {
	return map[string]any{"description": desc, "content": jsonContent(schema)}
}

var openAPIJSON = func() []byte {
	b, err := json.MarshalIndent(openAPI, "", "  ")
	if err != nil {
		panic("serve: openapi document: " + err.Error())
	}
	return b
}()

func handleOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIJSON)
}

func ref(schema, desc string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + schema, "description": desc}
}
