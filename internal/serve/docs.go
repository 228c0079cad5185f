package serve

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// docRoute is one route of the API reference page (/docs).
type docRoute struct {
	Method, Path, Summary, Description string
	// Auth says the route takes the API key when the server has keys.
	Auth bool
	// Request and Response name the schemas of the bodies ("" when none).
	Request, Response string
	// Statuses are the response codes and what each means.
	Statuses [][2]string
	// Curl is an example request; Example an example response body.
	Curl, Example string
}

// docSchema is one schema of the reference: its fields in name order.
type docSchema struct {
	Name   string
	Fields []docField
}

// docField is one field of a docSchema.
type docField struct {
	Name, Type, Ref, Description string
	Required                     bool
}

// docExamples are the example request and response of each route, keyed by "METHOD path";
// a test checks that each decodes into its wire type.
var docExamples = map[string][2]string{
	"POST /generate-sql": {`curl -s http://127.0.0.1:8080/generate-sql \
  -H 'Content-Type: application/json' \
  -d '{"question": "Top 3 products by revenue", "execute": true, "max_rows": 100}'`, `{
  "sql": "SELECT Products.ProductName, SUM(order_details.UnitPrice * order_details.Quantity * (1 - order_details.Discount)) AS revenue FROM Orders JOIN order_details ON Orders.OrderID = order_details.OrderID JOIN Products ON order_details.ProductID = Products.ProductID GROUP BY Products.ProductID, Products.ProductName ORDER BY revenue DESC, Products.ProductName LIMIT 3",
  "confidence": 0.767,
  "plan": {"measures": ["revenue"], "group_by": [{"dim": "product"}], "order": {"desc": true}, "limit": 3},
  "plan_text": "revenue by product top 3",
  "explanation": "Revenue by product, top 3",
  "measures": ["revenue"],
  "columns": ["ProductName", "revenue"],
  "rows": [["Côte de Blaye", 548077.365], ["Thüringer Rostbratwurst", 390377.9545], ["Raclette Courdavault", 298603.8]],
  "warnings": [],
  "model": "plan:knn:generated(northwind,1500)",
  "latency_ms": 41.7,
  "conversation_id": "3f6c0a9e1b2d4c5e6f708192"
}`},
	"GET /catalog": {`curl -s http://127.0.0.1:8080/catalog`, `{
  "database": "northwind",
  "currency": "USD",
  "examples": ["What was the total gross profit in 2024?", "Top 5 products by revenue"],
  "metrics": [{"id": "revenue", "name": "Revenue", "description": "Net sales - order lines' price times quantity after discount.", "unit": "currency", "synonyms": ["sales", "net sales"]}],
  "dimensions": [{"id": "customer_country", "name": "customer country", "description": "Country of the customer.", "kind": "geography", "synonyms": ["country"]}],
  "segments": [{"id": "late_shipment", "name": "late shipment", "description": "Orders shipped after their required date."}],
  "tables": [{"name": "Orders", "description": "One row per customer order.", "columns": ["OrderID", "CustomerID", "OrderDate"], "rows": 16282}]
}`},
	"GET /healthz": {`curl -s http://127.0.0.1:8080/healthz`, `{"status": "ok", "model": "plan:knn:generated(northwind,1500)", "schema_hash": "5d41402abc4b2a76"}`},
	"GET /readyz": {`curl -s -o /dev/null -w '%{http_code}\n' http://127.0.0.1:8080/readyz`,
		`{"status": "unavailable", "model": "plan:knn:generated(northwind,1500)", "schema_hash": "5d41402abc4b2a76"}`},
	"GET /metrics": {`curl -s http://127.0.0.1:8080/metrics | grep sqlforge_http_requests_total`,
		`sqlforge_http_requests_total{code="200",route="POST /generate-sql"} 12`},
	"GET /openapi.json": {`curl -s http://127.0.0.1:8080/openapi.json`, `{"openapi": "3.1.0", "info": {"title": "sqlforge", "version": "1"}, "paths": {"...": {}}}`},
	"GET /docs":         {`curl -s http://127.0.0.1:8080/docs`, `<!doctype html> … this page`},
	"GET /":             {`curl -s 'http://127.0.0.1:8080/?q=Revenue+by+category'`, `<!doctype html> … the web page, which asks the question at load`},
}

// errorExample is the error body every route shares.
const errorExample = `{"error": {"code": "bad_request", "message": "question is required"}}`

// docsData is what web/docs.html.tmpl renders.
type docsData struct {
	Routes       []docRoute
	Schemas      []docSchema
	ErrorExample string
}

// docsPage renders the API reference from the route table, the OpenAPI document and
// docExamples.
func docsPage(routes []route) []byte {
	tmpl := template.Must(template.ParseFS(webFS, "web/docs.html.tmpl"))
	var b bytes.Buffer
	if err := tmpl.Execute(&b, docsData{Routes: docRoutes(routes), Schemas: docSchemas(), ErrorExample: errorExample}); err != nil {
		panic("serve: docs page: " + err.Error())
	}
	return b.Bytes()
}

// docRoutes lists the OpenAPI document's operations in the route table's order.
func docRoutes(routes []route) []docRoute {
	paths := openAPI["paths"].(map[string]any)
	var out []docRoute
	for _, r := range routes {
		method, path, ok := strings.Cut(r.pattern, " ")
		if !ok || method == "OPTIONS" {
			continue
		}
		path = strings.TrimSuffix(path, "{$}")
		item, _ := paths[path].(map[string]any)
		op, _ := item[strings.ToLower(method)].(map[string]any)
		if op == nil {
			continue
		}
		d := docRoute{Method: method, Path: path, Summary: str(op["summary"]), Description: str(op["description"]), Auth: op["security"] != nil}
		if rb, ok := op["requestBody"].(map[string]any); ok {
			d.Request = schemaRef(rb["content"])
		}
		codes := op["responses"].(map[string]any)
		for _, code := range sortedKeys(codes) {
			resp := codes[code].(map[string]any)
			d.Statuses = append(d.Statuses, [2]string{code, str(resp["description"])})
			if code == "200" {
				d.Response = schemaRef(resp["content"])
			}
		}
		ex := docExamples[method+" "+path]
		d.Curl, d.Example = ex[0], ex[1]
		out = append(out, d)
	}
	return out
}

// docSchemas lists the OpenAPI document's schemas, by name.
func docSchemas() []docSchema {
	schemas := openAPI["components"].(map[string]any)["schemas"].(map[string]any)
	var out []docSchema
	for _, name := range sortedKeys(schemas) {
		out = append(out, docSchema{Name: name, Fields: docFields(schemas[name].(map[string]any))})
	}
	return out
}

func docFields(obj map[string]any) []docField {
	props := obj["properties"].(map[string]any)
	required, _ := obj["required"].([]string)
	var out []docField
	for _, name := range sortedKeys(props) {
		p := props[name].(map[string]any)
		f := docField{Name: name, Type: str(p["type"]), Description: str(p["description"]), Required: slices.Contains(required, name)}
		if items, ok := p["items"].(map[string]any); ok {
			if ref := str(items["$ref"]); ref != "" {
				f.Ref = strings.TrimPrefix(ref, "#/components/schemas/")
				f.Type = "array of " + f.Ref
			} else {
				f.Type = "array of " + str(items["type"])
			}
		}
		if ref := str(p["$ref"]); ref != "" {
			f.Ref = strings.TrimPrefix(ref, "#/components/schemas/")
			f.Type = f.Ref
		}
		if nested, ok := p["properties"].(map[string]any); ok && len(nested) > 0 {
			var names []string
			for _, nf := range docFields(p) {
				names = append(names, fmt.Sprintf("%s (%s): %s", nf.Name, nf.Type, nf.Description))
			}
			f.Description = strings.TrimSpace(f.Description + " Fields: " + strings.Join(names, "; "))
		}
		out = append(out, f)
	}
	return out
}

// schemaRef is the schema name of a JSON content map ("" when none).
func schemaRef(content any) string {
	c, _ := content.(map[string]any)
	js, _ := c["application/json"].(map[string]any)
	s, _ := js["schema"].(map[string]any)
	return strings.TrimPrefix(str(s["$ref"]), "#/components/schemas/")
}

func str(v any) string { s, _ := v.(string); return s }

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// handleDocs serves the API reference page, rendered on the first request.
func (s *Server) handleDocs(w http.ResponseWriter, r *http.Request) {
	s.docsOnce.Do(func() { s.docs = pageBytes(docsPage(s.routes())) })
	s.docs(w, r)
}
