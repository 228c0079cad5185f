// Package ontologies embeds the business vocabularies sqlforge ships, so that
// `sqlforge ontology check northwind` works from any folder with no files.
// Each is named by its file's base name: northwind.yaml is "northwind".
package ontologies

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.yaml
var files embed.FS

// Default is the ontology used when none is named.
const Default = "northwind"

// Names lists the shipped ontologies, sorted.
func Names() []string {
	entries, _ := fs.ReadDir(files, ".")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// Has reports whether name (case-insensitive) is a shipped ontology.
func Has(name string) bool {
	_, err := Bytes(name)
	return err == nil
}

// Bytes returns the YAML text of the shipped ontology name (case-insensitive).
func Bytes(name string) ([]byte, error) {
	b, err := files.ReadFile(strings.ToLower(name) + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("no shipped ontology %q (have %s)", name, strings.Join(Names(), ", "))
	}
	return b, nil
}

// Path is the name messages use for the shipped ontology name: its path in the repository.
func Path(name string) string { return "ontologies/" + strings.ToLower(name) + ".yaml" }
