package prompt

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/schema"
)

// Options choose what Builder puts into a prompt.
type Options struct {
	// LinkTables limits the schema context to the tables the question is linked to (by
	// table, column and concept names and by sample values); false gives all tables.
	LinkTables bool
	// Shots is the number of few-shot examples retrieved from the Builder's Index.
	Shots int
	// Reasoning asks for reasoning before the SQL and shows it in the examples.
	Reasoning bool
	// Samples adds each column's sample values to the schema context as comments.
	Samples bool
	// NoSchema leaves the schema context out: for a model fine-tuned on the database, which
	// learnt its tables and was trained without them (the local models of `sqlforge run`).
	NoSchema bool
}

// Builder assembles the Input for a question from a database's schema, an optional
// ontology and an optional index of training examples. It is safe for concurrent use.
type Builder struct {
	// Schema is the database's structure; required.
	Schema *schema.Schema
	// Ontology supplies concepts; nil means none.
	Ontology *ontology.Ontology
	// Examples supplies few-shot examples; nil means none.
	Examples *Index
	// Options choose the prompt's parts.
	Options Options
}

// Build returns the prompt input for question, with history as the earlier turns.
func (b *Builder) Build(question string, history []Example) Input {
	in := Input{Question: question, History: history, Reasoning: b.Options.Reasoning}
	in.Concepts = MatchConcepts(b.Ontology, question)
	opts := schema.CreateOptions{Samples: b.Options.Samples}
	if b.Options.LinkTables {
		opts.Tables = LinkTables(b.Schema, b.Ontology, question)
	}
	if !b.Options.NoSchema {
		in.Schema = schema.CreateTable(b.Schema, opts)
	}
	for _, h := range b.Examples.Search(question, b.Options.Shots) {
		in.Examples = append(in.Examples, h.Example)
	}
	return in
}

// contains reports whether phrase occurs in the lower-cased question as whole words.
func contains(lowerQuestion, phrase string) bool {
	phrase = strings.ToLower(strings.TrimSpace(phrase))
	if len(phrase) < 2 {
		return false
	}
	// Whole words: the phrase (optionally followed by a plural "s") bounded by non-letters,
	// non-digits or the ends of the question. A scan, not a regexp: this runs for every
	// concept and column name of every question.
	for from := 0; from <= len(lowerQuestion)-len(phrase); {
		i := strings.Index(lowerQuestion[from:], phrase)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(phrase)
		if end < len(lowerQuestion) && lowerQuestion[end] == 's' && (end+1 == len(lowerQuestion) || !isWordRune(lastRune(lowerQuestion[end+1:], true))) {
			end++
		}
		if (start == 0 || !isWordRune(lastRune(lowerQuestion[:start], false))) &&
			(end == len(lowerQuestion) || !isWordRune(lastRune(lowerQuestion[end:], true))) {
			return true
		}
		_, size := utf8.DecodeRuneInString(lowerQuestion[start:])
		from = start + size
	}
	return false
}

// lastRune returns the first rune of s when first is true, else its last rune.
func lastRune(s string, first bool) rune {
	if first {
		r, _ := utf8.DecodeRuneInString(s)
		return r
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

// words splits an identifier such as "OrderDate" or "order_details" into the phrase
// people would write: "order date", "order details".
func words(ident string) string {
	var b strings.Builder
	for i, r := range ident {
		switch {
		case r == '_':
			b.WriteByte(' ')
			continue
		case i > 0 && r >= 'A' && r <= 'Z' && !(ident[i-1] >= 'A' && ident[i-1] <= 'Z'):
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

// LinkTables returns the tables of s that question is linked to: by the table's name, by a
// column's name, by one of a column's sample values, or through an ontology concept the
// question mentions (the concept's tables). When nothing links, it returns all tables, so
// the model never sees an empty schema. The result is sorted by name.
func LinkTables(s *schema.Schema, o *ontology.Ontology, question string) []string {
	q := strings.ToLower(question)
	set := map[string]bool{}
	for _, t := range s.Tables {
		name := words(t.Name)
		if contains(q, name) || contains(q, strings.TrimSuffix(name, "s")) {
			set[t.Name] = true
			continue
		}
		for _, c := range t.Columns {
			if cw := words(c.Name); strings.Contains(cw, " ") && contains(q, cw) {
				set[t.Name] = true
			}
			for _, v := range c.Samples {
				if sv, ok := v.(string); ok && len(sv) > 2 && contains(q, sv) {
					set[t.Name] = true
				}
			}
		}
	}
	for _, c := range matchOntology(o, q) {
		for _, t := range c.tables {
			if s.Table(t) != nil {
				set[s.Table(t).Name] = true
			}
		}
	}
	if len(set) == 0 {
		for _, t := range s.Tables {
			set[t.Name] = true
		}
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// MatchConcepts returns the concepts of o whose name or a synonym the question mentions, in
// the ontology's order (metrics, dimensions, entities). A nil ontology has none.
func MatchConcepts(o *ontology.Ontology, question string) []Concept {
	var out []Concept
	for _, m := range matchOntology(o, strings.ToLower(question)) {
		out = append(out, m.Concept)
	}
	return out
}

type matched struct {
	Concept
	tables []string
}

func matchOntology(o *ontology.Ontology, q string) []matched {
	if o == nil {
		return nil
	}
	hit := func(name string, syn []string) bool {
		if contains(q, words(name)) || contains(q, name) {
			return true
		}
		for _, s := range syn {
			if contains(q, s) {
				return true
			}
		}
		return false
	}
	var out []matched
	for _, m := range o.Metrics {
		if hit(m.Name, m.Synonyms) {
			out = append(out, matched{Concept{Kind: "metric", Name: m.Name, Description: m.Description, Definition: m.Formula}, m.Tables})
		}
	}
	for _, d := range o.Dimensions {
		if hit(d.Name, d.Synonyms) {
			def := d.Column
			if d.Expression != "" {
				def = d.Expression
			}
			table, _, _ := strings.Cut(d.Column, ".")
			out = append(out, matched{Concept{Kind: "dimension", Name: d.Name, Description: d.Description, Definition: def}, []string{table}})
		}
	}
	for _, e := range o.Entities {
		if hit(e.Name, e.Synonyms) {
			out = append(out, matched{Concept{Kind: "entity", Name: e.Name, Description: e.Description,
				Definition: fmt.Sprintf("tables %s", strings.Join(e.Tables, ", "))}, e.Tables})
		}
	}
	return out
}

// Evidence renders the metrics and dimensions of o that question mentions as
// BIRD-style evidence, one "name = SQL" definition per concept separated by
// "; " (entities, which name tables rather than expressions, are left out).
// It is what `gen --evidence` attaches to a record: knowledge any system with
// the ontology can compute from the question alone, at training and at
// inference. "" when nothing matches or o is nil.
func Evidence(o *ontology.Ontology, question string) string {
	var parts []string
	for _, c := range MatchConcepts(o, question) {
		if c.Kind == "entity" || c.Definition == "" {
			continue
		}
		parts = append(parts, c.Name+" = "+c.Definition)
	}
	return strings.Join(parts, "; ")
}
