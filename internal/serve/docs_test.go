package serve

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"
)

// TestOpenAPIDocumentsEveryField: each field of each wire type is a property of its OpenAPI
// schema, with a description, and each schema property is a field.
func TestOpenAPIDocumentsEveryField(t *testing.T) {
	schemas := openAPI["components"].(map[string]any)["schemas"].(map[string]any)
	for name, typ := range map[string]reflect.Type{
		"GenerateRequest": reflect.TypeFor[GenerateRequest](), "GenerateResponse": reflect.TypeFor[GenerateResponse](),
		"Error": reflect.TypeFor[ErrorResponse](), "Health": reflect.TypeFor[Health](), "Catalog": reflect.TypeFor[Catalog](),
		"CatalogMetric": reflect.TypeFor[CatalogMetric](), "CatalogDimension": reflect.TypeFor[CatalogDimension](),
		"CatalogSegment": reflect.TypeFor[CatalogSegment](), "CatalogTable": reflect.TypeFor[CatalogTable](),
	} {
		s, ok := schemas[name].(map[string]any)
		if !ok {
			t.Errorf("openapi.json has no schema %s", name)
			continue
		}
		props := s["properties"].(map[string]any)
		fields := map[string]bool{}
		for i := range typ.NumField() {
			tag := typ.Field(i).Tag.Get("json")
			field, _, _ := strings.Cut(tag, ",")
			if field == "" || field == "-" {
				continue
			}
			fields[field] = true
			p, ok := props[field].(map[string]any)
			if !ok || p["description"] == "" || p["description"] == nil {
				t.Errorf("schema %s: field %s is not documented", name, field)
			}
		}
		for p := range props {
			if !fields[p] {
				t.Errorf("schema %s: property %s is no field of %s", name, p, typ)
			}
		}
	}
}

// TestDocsPage: /docs has a section per route of the table with its summary, an example
// request and an example response; the JSON examples decode into the wire types; the page
// loads nothing from elsewhere.
func TestDocsPage(t *testing.T) {
	f := newFixture(t, Config{}, ServiceConfig{})
	res, err := f.srv.Client().Get(f.srv.URL + "/docs")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	page := string(data)
	paths := openAPI["paths"].(map[string]any)
	for _, r := range (&Server{metrics: newMetrics()}).routes() {
		method, path, ok := strings.Cut(r.pattern, " ")
		if !ok || method == "OPTIONS" {
			continue
		}
		path = strings.TrimSuffix(path, "{$}")
		if paths[path] == nil {
			t.Errorf("openapi.json lacks %s", path)
		}
		i := strings.Index(page, `<section class="route" id="`+method+"-"+path+`">`)
		if i < 0 {
			t.Errorf("docs page has no section for %s %s", method, path)
			continue
		}
		section, _, _ := strings.Cut(page[i:], "</section>")
		for _, want := range []string{`<pre class="example-request">curl `, `<pre class="example-response">`, "<td>200</td>"} {
			if !strings.Contains(section, want) {
				t.Errorf("%s %s: section lacks %s", method, path, want)
			}
		}
	}
	for _, want := range []string{`id="schema-GenerateRequest"`, `id="schema-Catalog"`, "<code>conversation_id</code>", `<span class="req">required</span>`} {
		if !strings.Contains(page, want) {
			t.Errorf("docs page lacks %s", want)
		}
	}
	for _, external := range []string{`src="http`, `href="http`, "@import", "url(", "<script"} {
		if strings.Contains(page, external) {
			t.Errorf("docs page loads an external asset or runs a script (%s)", external)
		}
	}
	decode := func(route, js string, v any) {
		dec := json.NewDecoder(bytes.NewReader([]byte(js)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			t.Errorf("%s: example %s does not decode into %T: %v", route, js, v, err)
		}
	}
	ex := docExamples["POST /generate-sql"]
	_, body, _ := strings.Cut(ex[0], "-d '")
	decode("POST /generate-sql request", strings.TrimSuffix(body, "'"), &GenerateRequest{})
	decode("POST /generate-sql response", ex[1], &GenerateResponse{})
	decode("GET /catalog", docExamples["GET /catalog"][1], &Catalog{})
	decode("GET /healthz", docExamples["GET /healthz"][1], &Health{})
	decode("GET /readyz", docExamples["GET /readyz"][1], &Health{})
	decode("error", errorExample, &ErrorResponse{})
}

// TestDocsExampleRequestWorks: the example request of POST /generate-sql is accepted as is.
func TestDocsExampleRequestWorks(t *testing.T) {
	f := newFixture(t, Config{}, ServiceConfig{Planner: northwindKNN(t)})
	_, body, _ := strings.Cut(docExamples["POST /generate-sql"][0], "-d '")
	status, r, e := f.post(t, strings.TrimSuffix(body, "'"), nil)
	if status != 200 || r.PlanText != "revenue by product top 3" || len(r.Rows) != 3 || r.Columns[1] != "revenue" {
		t.Errorf("example request: %d %+v %+v", status, r, e)
	}
}
