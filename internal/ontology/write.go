package ontology

import (
	"fmt"
	"io"

	"github.com/goccy/go-yaml"
)

// WriteYAML writes o in sqlforge's YAML format (docs/ontology.md), which Load reads back;
// header, when not empty, is written first as comment lines.
func WriteYAML(w io.Writer, o *Ontology, header ...string) error {
	for _, h := range header {
		if _, err := fmt.Fprintf(w, "# %s\n", h); err != nil {
			return err
		}
	}
	b, err := yaml.MarshalWithOptions(o, yaml.IndentSequence(true))
	if err != nil {
		return fmt.Errorf("write ontology %s: %w", o.Name, err)
	}
	_, err = w.Write(b)
	return err
}
