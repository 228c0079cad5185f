package ontology

import (
	"fmt"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// loadYAML reads sqlforge's own format (docs/ontology.md) strictly: unknown fields are
// errors, and every definition keeps its source line.
func loadYAML(path string, data []byte, top []*ast.MappingValueNode) (*Ontology, error) {
	ix := &index{path: path}
	lines := map[string][]int{}
	tableLines := map[string]int{}
	versionLine := 0
	for _, e := range top {
		ix.addKey(e)
		key := keyName(e)
		switch key {
		case "version":
			versionLine = line(e.Key)
		case "tables":
			entries, _ := mappingEntries(e.Value)
			for _, t := range entries {
				tableLines[keyName(t)] = ix.addAt(line(t.Key), tableLabel(keyName(t)), t.Value)
			}
		case "metrics", "dimensions", "entities", "joins", "segments":
			items, _ := sequenceItems(e.Value)
			for _, it := range items {
				var label string
				switch key {
				case "metrics":
					label = metricLabel(scalarField(it, "name"))
				case "dimensions":
					label = dimensionLabel(scalarField(it, "name"))
				case "entities":
					label = entityLabel(scalarField(it, "name"))
				case "joins":
					label = joinLabel(Join{Left: scalarField(it, "left"), Right: scalarField(it, "right")})
				case "segments":
					label = segmentLabel(scalarField(it, "name"))
				}
				lines[key] = append(lines[key], ix.add(label, it))
			}
		}
	}
	ix.sort()
	var o Ontology
	if err := yaml.UnmarshalWithOptions(data, &o, yaml.Strict()); err != nil {
		return nil, yamlProblem(path, ix, err)
	}
	if o.Version != FormatVersion {
		return nil, Problems{{Path: path, Line: versionLine, Field: "version",
			Message: fmt.Sprintf("unsupported version %d: want %d", o.Version, FormatVersion), Severity: Error}}
	}
	at := func(key string, i int) int {
		if i < len(lines[key]) {
			return lines[key][i]
		}
		return 0
	}
	for i := range o.Metrics {
		o.Metrics[i].Line = at("metrics", i)
	}
	for i := range o.Dimensions {
		o.Dimensions[i].Line = at("dimensions", i)
	}
	for i := range o.Entities {
		o.Entities[i].Line = at("entities", i)
	}
	for i := range o.Joins {
		o.Joins[i].Line = at("joins", i)
	}
	for i := range o.Segments {
		o.Segments[i].Line = at("segments", i)
	}
	for name, t := range o.Tables {
		t.Line = tableLines[name]
		o.Tables[name] = t
	}
	o.Path, o.Format = path, FormatYAML
	return &o, nil
}
