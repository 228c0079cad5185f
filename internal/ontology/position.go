package ontology

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// span is the source position of one definition (or of a top-level key) in a parsed file.
type span struct {
	line    int
	concept string                  // e.g. `metric "Gross Profit"`; "" for a top-level key
	key     string                  // the top-level key, for spans without a concept
	fields  []*ast.MappingValueNode // the definition's own keys
}

// index locates the definitions of a parsed ontology file by line.
type index struct {
	path  string
	spans []span // sorted by line
}

// parseAST parses YAML (or JSON, a subset) and returns the top-level mapping's entries.
func parseAST(path string, data []byte) ([]*ast.MappingValueNode, error) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlProblem(path, nil, err)
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		return nil, Problems{{Path: path, Line: 1, Message: "want one YAML document holding a mapping", Severity: Error}}
	}
	entries, ok := mappingEntries(f.Docs[0].Body)
	if !ok {
		return nil, Problems{{Path: path, Line: line(f.Docs[0].Body), Message: "want a mapping at the top level", Severity: Error}}
	}
	return entries, nil
}

// mappingEntries returns the key/value pairs of a mapping node (goccy represents a
// one-key mapping as a bare MappingValueNode).
func mappingEntries(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch m := unwrap(n).(type) {
	case *ast.MappingNode:
		return m.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}, true
	}
	return nil, false
}

// sequenceItems returns the items of a sequence node.
func sequenceItems(n ast.Node) ([]ast.Node, bool) {
	if s, ok := unwrap(n).(*ast.SequenceNode); ok {
		return s.Values, true
	}
	return nil, false
}

// unwrap looks through tags and anchors.
func unwrap(n ast.Node) ast.Node {
	for {
		switch t := n.(type) {
		case *ast.TagNode:
			n = t.Value
		case *ast.AnchorNode:
			n = t.Value
		default:
			return n
		}
	}
}

func line(n ast.Node) int {
	if n == nil || n.GetToken() == nil {
		return 0
	}
	return n.GetToken().Position.Line
}

// keyName returns a mapping entry's key as text.
func keyName(mv *ast.MappingValueNode) string {
	if mv.Key == nil {
		return ""
	}
	return strings.Trim(mv.Key.String(), `"'`)
}

// scalarField returns the text of key in a mapping node ("" when absent or not a scalar).
func scalarField(n ast.Node, key string) string {
	entries, _ := mappingEntries(n)
	for _, e := range entries {
		if keyName(e) == key {
			if s, ok := unwrap(e.Value).(ast.ScalarNode); ok {
				if v, ok := s.GetValue().(string); ok {
					return v
				}
			}
			return strings.Trim(e.Value.String(), `"'`)
		}
	}
	return ""
}

// add records a definition at node n.
func (ix *index) add(concept string, n ast.Node) int {
	fields, _ := mappingEntries(n)
	l := line(n)
	if len(fields) > 0 {
		l = line(fields[0].Key)
	}
	ix.spans = append(ix.spans, span{line: l, concept: concept, fields: fields})
	return l
}

// addAt records a definition at node n whose position is given (a mapping key's line).
func (ix *index) addAt(l int, concept string, n ast.Node) int {
	fields, _ := mappingEntries(n)
	ix.spans = append(ix.spans, span{line: l, concept: concept, fields: fields})
	return l
}

// addKey records a top-level key.
func (ix *index) addKey(mv *ast.MappingValueNode) {
	ix.spans = append(ix.spans, span{line: line(mv.Key), key: keyName(mv)})
}

func (ix *index) sort() {
	sort.SliceStable(ix.spans, func(i, j int) bool { return ix.spans[i].line < ix.spans[j].line })
}

// locate returns the concept and field at a source line.
func (ix *index) locate(l int) (concept, field string) {
	i := sort.Search(len(ix.spans), func(i int) bool { return ix.spans[i].line > l }) - 1
	if i < 0 {
		return "", ""
	}
	s := ix.spans[i]
	if s.concept == "" {
		return "", s.key
	}
	for _, f := range s.fields {
		if line(f.Key) <= l {
			field = keyName(f)
		}
	}
	return s.concept, field
}

var (
	unknownFieldRE = regexp.MustCompile(`unknown field "([^"]*)"`)
	typeErrorRE    = regexp.MustCompile(`cannot unmarshal (\S+) into Go .* of type (\S+)`)
)

// yamlProblem converts a goccy/go-yaml error into a located Problems error.
func yamlProblem(path string, ix *index, err error) error {
	p := Problem{Path: path, Message: err.Error(), Severity: Error}
	var ye yaml.Error
	if errors.As(err, &ye) {
		p.Message = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil {
			p.Line = tk.Position.Line
		}
	}
	if ix != nil && p.Line > 0 {
		p.Concept, p.Field = ix.locate(p.Line)
	}
	if m := unknownFieldRE.FindStringSubmatch(p.Message); m != nil {
		p.Field, p.Message = m[1], "unknown field"
	}
	if m := typeErrorRE.FindStringSubmatch(p.Message); m != nil {
		p.Message = fmt.Sprintf("want %s, got %s", m[2], m[1])
	}
	p.Message = strings.TrimSpace(p.Message)
	return Problems{p}
}
