package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// Validate checks what a plan can say on its own, with no ontology: the shapes of its clauses
// and the combinations that make sense. compile.Compiler checks the names and what the
// ontology allows.
func Validate(p *Plan) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(p.Measures) == 0 {
		validList(p, bad)
	}
	for i, m := range p.Measures {
		if !isIdent(m) {
			bad("measures[%d]: %q is not a name", i, m)
		}
		if slices.Contains(p.Measures[:i], m) {
			bad("measure %s appears twice", m)
		}
	}
	for i, g := range p.GroupBy {
		if !isIdent(g.Dim) {
			bad("group_by[%d]: %q is not a name", i, g.Dim)
		}
		if g.Show != "" && g.Show != "id" && g.Show != "both" {
			bad("group_by[%d].show: %q is not id or both", i, g.Show)
		}
	}
	validConds(p.Filters, p.Segments, "filters", bad)
	if p.Per != "" {
		if !isIdent(p.Per) {
			bad("per: %q is not a name", p.Per)
		}
		if len(p.GroupBy) == 0 || p.Limit == 0 {
			bad("per needs a breakdown (by) and a limit (top/bottom N)")
		}
	}
	if h := p.Having; h != nil {
		if !isIdent(h.Measure) {
			bad("having.measure: %q is not a name", h.Measure)
		}
		if !slices.Contains([]string{">", ">=", "<", "<="}, h.Op) {
			bad("having.op: %q is not one of > >= < <=", h.Op)
		}
		if math.IsNaN(h.Value) || math.IsInf(h.Value, 0) {
			bad("having.value is not a finite number")
		}
		if len(p.GroupBy) == 0 {
			bad("having needs a breakdown (by)")
		}
	}
	if w := p.Time; w != nil {
		validWindow(w, bad)
	}
	if c := p.Compare; c != nil {
		a, errA := ParsePeriod(c.Base)
		b, errB := ParsePeriod(c.Current)
		switch {
		case errA != nil:
			bad("compare.base: %v", errA)
		case errB != nil:
			bad("compare.current: %v", errB)
		case a.Kind != b.Kind:
			bad("compare: %s and %s are different kinds of period", c.Base, c.Current)
		case c.Base == c.Current:
			bad("compare: the two periods are the same")
		}
		if p.Share != nil || p.Running || p.Rank || p.Count || p.Per != "" {
			bad("compare cannot be combined with share, running, rank, count or per")
		}
	}
	if s := p.Share; s != nil {
		validConds(s.Filters, s.Segments, "share.filters", bad)
		if len(s.Filters)+len(s.Segments) == 0 && len(p.GroupBy) == 0 {
			bad("share needs a subset (share of ...) or a breakdown (by)")
		}
		if p.Running || p.Count || p.Per != "" {
			bad("share cannot be combined with running, count or per")
		}
	}
	if p.Count && (len(p.GroupBy) == 0 || p.Running || p.Rank) {
		bad("count needs a breakdown (by) and no running or rank")
	}
	if p.Running && len(p.GroupBy) != 1 {
		bad("running needs exactly one breakdown, a time grain")
	}
	if (p.Rank || p.Running) && len(p.GroupBy) == 0 {
		bad("rank needs a breakdown (by)")
	}
	if o := p.Order; o != nil && o.By != "" && o.By != ByLabel && !slices.Contains(p.Measures, o.By) {
		bad("order.by: %q is not one of the measures or label", o.By)
	}
	if p.Limit < 0 || p.Limit > 1_000_000 {
		bad("limit %d out of range", p.Limit)
	}
	if p.Ties && p.Limit == 0 {
		bad("ties needs a limit")
	}
	return errors.Join(errs...)
}

// validList checks a plan with no measures: a list of the things of its breakdown, filtered,
// sorted by their labels, limited or counted.
func validList(p *Plan, bad func(string, ...any)) {
	switch {
	case len(p.GroupBy) == 0:
		bad("no measure: a plan asks for at least one measure, or lists the things of a breakdown (list DIM)")
	case p.Per != "" || p.Having != nil || p.Time != nil || p.Compare != nil || p.Share != nil || p.Running || p.Rank:
		bad("a list takes only filters, segments, count, an order by label and a limit")
	case p.Order != nil && p.Order.By != ByLabel:
		bad("a list is ordered by its labels only (order label asc|desc)")
	case p.Ties:
		bad("a list has no ties")
	}
}

func validConds(fs []Filter, segs []string, where string, bad func(string, ...any)) {
	for i, f := range fs {
		if !isIdent(f.Dim) {
			bad("%s[%d].dim: %q is not a name", where, i, f.Dim)
		}
		for _, v := range f.Values {
			if !utf8.ValidString(v) {
				bad("%s[%d]: a value is not valid UTF-8", where, i)
			}
		}
		switch f.Op {
		case OpEq, OpNotEq:
			if len(f.Values) != 1 {
				bad("%s[%d]: %s takes one value, got %d", where, i, f.Op, len(f.Values))
			}
		case OpIn:
			if len(f.Values) == 0 {
				bad("%s[%d]: in takes at least one value", where, i)
			}
		default:
			bad("%s[%d].op: %q is not =, != or in", where, i, f.Op)
		}
	}
	for i, s := range segs {
		if !isIdent(s) {
			bad("segments[%d]: %q is not a name", i, s)
		}
	}
}

func validWindow(w *Window, bad func(string, ...any)) {
	if w.Last > 0 {
		if w.From != "" || w.To != "" {
			bad("time: last cannot be combined with from/to")
		}
		if w.Unit != "years" && w.Unit != "quarters" && w.Unit != "months" {
			bad("time.unit: %q is not years, quarters or months", w.Unit)
		}
		if w.Last > 1000 {
			bad("time.last: %d out of range", w.Last)
		}
		return
	}
	if w.Last < 0 || w.Unit != "" {
		bad("time: unit and last go together, last > 0")
	}
	a, err := ParsePeriod(w.From)
	if err != nil {
		bad("time.from: %v", err)
		return
	}
	if w.To == "" {
		return
	}
	b, err := ParsePeriod(w.To)
	switch {
	case err != nil:
		bad("time.to: %v", err)
	case a.Kind != b.Kind:
		bad("time: %s and %s are different kinds of period", w.From, w.To)
	case !b.Start.After(a.Start):
		bad("time: %s..%s does not go forward", w.From, w.To)
	}
}

func isIdent(s string) bool {
	if s == "" || clauseRank(s) >= 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i], i == 0) {
			return false
		}
	}
	return true
}

// MarshalJSON is the JSON form (the default encoding; declared for symmetry with ParseJSON).
func MarshalJSON(p *Plan) ([]byte, error) { return json.Marshal(p) }

// ParseJSON reads the JSON form. Unknown fields are errors; with names, every id is checked
// and an unknown one is reported with its JSON path.
func ParseJSON(data []byte, names Names) (*Plan, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return nil, &SyntaxError{Pos: -1, Path: "$", Msg: err.Error()}
	}
	if dec.More() {
		return nil, &SyntaxError{Pos: -1, Path: "$", Msg: "trailing data after the plan"}
	}
	normalize(&p)
	if err := Validate(&p); err != nil {
		return nil, &SyntaxError{Pos: -1, Path: "$", Msg: err.Error()}
	}
	if names != nil {
		if path, msg := checkNames(&p, names); msg != "" {
			return nil, &SyntaxError{Pos: -1, Path: path, Msg: msg}
		}
	}
	return &p, nil
}

// normalize makes empty lists nil, so that a plan read from JSON equals one read from text.
func normalize(p *Plan) {
	if len(p.GroupBy) == 0 {
		p.GroupBy = nil
	}
	if len(p.Filters) == 0 {
		p.Filters = nil
	}
	if len(p.Segments) == 0 {
		p.Segments = nil
	}
	if s := p.Share; s != nil {
		if len(s.Filters) == 0 {
			s.Filters = nil
		}
		if len(s.Segments) == 0 {
			s.Segments = nil
		}
	}
}

// checkNames returns the JSON path and problem of the first id names does not know.
func checkNames(p *Plan, names Names) (string, string) {
	type ref struct{ path, kind, id string }
	var refs []ref
	for i, m := range p.Measures {
		refs = append(refs, ref{fmt.Sprintf("measures[%d]", i), "metric", m})
	}
	for i, g := range p.GroupBy {
		refs = append(refs, ref{fmt.Sprintf("group_by[%d].dim", i), "dimension", g.Dim})
	}
	if p.Per != "" {
		refs = append(refs, ref{"per", "dimension", p.Per})
	}
	for i, f := range p.Filters {
		refs = append(refs, ref{fmt.Sprintf("filters[%d].dim", i), "dimension", f.Dim})
	}
	for i, s := range p.Segments {
		refs = append(refs, ref{fmt.Sprintf("segments[%d]", i), "segment", s})
	}
	if p.Having != nil {
		refs = append(refs, ref{"having.measure", "metric", p.Having.Measure})
	}
	if s := p.Share; s != nil {
		for i, f := range s.Filters {
			refs = append(refs, ref{fmt.Sprintf("share.filters[%d].dim", i), "dimension", f.Dim})
		}
		for i, sg := range s.Segments {
			refs = append(refs, ref{fmt.Sprintf("share.segments[%d]", i), "segment", sg})
		}
	}
	for _, r := range refs {
		if msg := checkName(names, r.kind, r.id); msg != "" {
			return r.path, msg
		}
	}
	return "", ""
}
