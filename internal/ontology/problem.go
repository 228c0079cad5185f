package ontology

import (
	"fmt"
	"strings"
)

// Severity of a Problem.
type Severity string

// Severities: an error makes the ontology unusable; a warning is reported and tolerated.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Problem is one finding about an ontology, located in its source file.
type Problem struct {
	// Path is the file the ontology was read from.
	Path string `json:"path"`
	// Line is the 1-based source line (0 when unknown).
	Line int `json:"line,omitempty"`
	// Concept names the definition, e.g. `metric "Gross Profit"`, `join Orders-order_details`;
	// empty for problems about the file as a whole.
	Concept string `json:"concept,omitempty"`
	// Field is the field of the concept at fault, e.g. "formula".
	Field string `json:"field,omitempty"`
	// Message says what is wrong, e.g. "no such column: order_details.Foo".
	Message string `json:"message"`
	// Severity is Error or Warning.
	Severity Severity `json:"severity"`
}

// String formats the problem as one line:
// `ontologies/x.yaml:42: metric "Gross Profit": field formula: no such column: order_details.Foo`.
// Warnings carry a "warning: " prefix before the message.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Path)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Concept != "" {
		b.WriteString(p.Concept + ": ")
	}
	if p.Field != "" {
		b.WriteString("field " + p.Field + ": ")
	}
	if p.Severity == Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is a list of problems; as an error it lists them one a line.
type Problems []Problem

// Error joins the problems' lines.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Errors returns the problems of severity Error.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == Error {
			out = append(out, p)
		}
	}
	return out
}

// Warnings returns the problems of severity Warning.
func (ps Problems) Warnings() Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == Warning {
			out = append(out, p)
		}
	}
	return out
}

// Concept labels used in problems.
func metricLabel(name string) string    { return fmt.Sprintf("metric %q", name) }
func dimensionLabel(name string) string { return fmt.Sprintf("dimension %q", name) }
func entityLabel(name string) string    { return fmt.Sprintf("entity %q", name) }
func segmentLabel(name string) string   { return fmt.Sprintf("segment %q", name) }
func tableLabel(name string) string     { return fmt.Sprintf("table %q", name) }
func joinLabel(j Join) string           { return fmt.Sprintf("join %s-%s", j.Left, j.Right) }
