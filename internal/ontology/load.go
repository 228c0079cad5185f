package ontology

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sqlforge/sqlforge/ontologies"
)

// Source formats an ontology can be read from.
const (
	// FormatYAML is sqlforge's versioned YAML format (docs/ontology.md).
	FormatYAML = "yaml"
	// FormatAnalyticGraph is the seed's dict form: business_concepts, table_relationships, tables.
	FormatAnalyticGraph = "analytic_graph"
	// FormatAnalyticGraphV1 is the seed's list form: metrics[], entities[], tables{}, joins[].
	FormatAnalyticGraphV1 = "analytic_graph_v1"
)

// maxFileSize bounds what Load reads: ontologies are hand-written text.
const maxFileSize = 16 << 20

// Load reads an ontology file in any of the three formats, detected from its content:
// a top-level business_concepts key is the seed's dict form, a version key is sqlforge's
// YAML, and a .json file with metrics but no version is the seed's list form (v1).
// Errors about the file's content are Problems naming file:line, concept and field.
func Load(path string) (*Ontology, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("load ontology %s: %w", path, err)
	}
	if st.Size() > maxFileSize {
		return nil, fmt.Errorf("load ontology %s: file of %d bytes is too large", path, st.Size())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load ontology %s: %w", path, err)
	}
	return LoadBytes(path, data)
}

// LoadRef loads an ontology by reference: the name of a shipped ontology ("northwind",
// "chinook", embedded in the binary) or the path of a file. A path that exists wins over
// a name; write "./northwind" for a file of that name.
func LoadRef(ref string) (*Ontology, error) {
	if ref == "" {
		ref = ontologies.Default
	}
	if _, err := os.Stat(ref); err == nil || strings.ContainsAny(ref, `/\.`) {
		return Load(ref)
	}
	data, err := ontologies.Bytes(ref)
	if err != nil {
		return nil, fmt.Errorf("load ontology %s: %w", ref, err)
	}
	return LoadBytes(ontologies.Path(ref), data)
}

// LoadBytes parses the content of an ontology file; path is used to detect the format
// (.json for the seed's list form) and in messages.
func LoadBytes(path string, data []byte) (*Ontology, error) {
	o, err := loadBytes(path, data)
	if err != nil {
		return nil, err
	}
	return rendered(o), nil
}

// rendered renders o for its own dialect (For): the portable forms are expanded once, at
// load, so every reader of a formula sees SQL its database runs. A form that cannot be
// rendered becomes a note (Validate reports it); an unknown dialect leaves o as written.
func rendered(o *Ontology) *Ontology {
	if r, _ := o.For(o.Dialect); r != nil {
		return r
	}
	return o
}

func loadBytes(path string, data []byte) (*Ontology, error) {
	top, err := parseAST(path, data)
	if err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for _, e := range top {
		keys[keyName(e)] = true
	}
	switch {
	case keys["business_concepts"]:
		return loadAnalyticGraph(path, data, top)
	case keys["version"]:
		return loadYAML(path, data, top)
	case keys["metrics"] && strings.EqualFold(filepath.Ext(path), ".json"):
		return loadAnalyticGraphV1(path, data, top)
	case keys["metrics"]:
		return nil, Problems{{Path: path, Line: 1, Field: "version", Message: "missing: want version: 1", Severity: Error}}
	}
	return nil, Problems{{Path: path, Line: 1, Severity: Error,
		Message: "not an ontology: want version: 1 (sqlforge YAML), business_concepts (analytic_graph.json) or metrics (analytic_graph_v1.json)"}}
}
