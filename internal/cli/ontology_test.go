package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOntologyCommands(t *testing.T) {
	dir := t.TempDir()
	nw, err := os.ReadFile(filepath.Join("..", "..", "ontologies", "northwind.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "broken.yaml")
	os.WriteFile(broken, []byte(strings.Replace(string(nw), `formula: "SUM(Orders.Freight)"`, `formula: "SUM(Orders.Freightt)"`, 1)), 0o644)
	badYAML := filepath.Join(dir, "bad.yaml")
	os.WriteFile(badYAML, []byte("version: 1\nmetrics: [\n"), 0o644)
	totalFreight := 1 + strings.Count(string(nw)[:strings.Index(string(nw), "- name: Total Freight")], "\n")
	seed := filepath.Join("..", "..", "data", "seed000", "analytic_graph.json")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"check default", []string{"ontology", "check"}, 0, "ontologies/northwind.yaml: ok on northwind (38 metrics", ""},
		{"check chinook", []string{"ontology", "check", "chinook"}, 0, "ontologies/chinook.yaml: ok on chinook", ""},
		{"check seed", []string{"ontology", "check", seed}, 0, "ok on northwind", "warning: reads current_year, previous_year"},
		{"check broken", []string{"ontology", "check", broken}, 2, "FAILED", fmt.Sprintf(`%s:%d: metric "Total Freight": field formula: no such column: Orders.Freightt`, broken, totalFreight)},
		{"check bad yaml", []string{"ontology", "check", badYAML}, 2, "FAILED to load", badYAML + ":"},
		{"check json", []string{"--json", "ontology", "check", "northwind"}, 0, `"format": "yaml"`, ""},
		{"check missing", []string{"ontology", "check", filepath.Join(dir, "nope.yaml")}, 2, "", "no such file"},
		{"check unknown name", []string{"ontology", "check", "pubs"}, 2, "", `no shipped ontology "pubs"`},
		{"show", []string{"ontology", "show"}, 0, "Gross Profit (currency)", ""},
		{"show json", []string{"--json", "ontology", "show", "chinook"}, 0, `"name": "Revenue"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("code %d, want %d\nstdout: %s\nstderr: %s\nwant stdout ~ %q, stderr ~ %q", code, tt.code, out, errOut, tt.stdout, tt.stderr)
			}
		})
	}
}
