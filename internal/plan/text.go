package plan

import (
	"fmt"
	"strconv"
	"strings"
)

// Format writes p in the canonical text form. Parse(Format(p)) equals p for every valid plan.
func Format(p *Plan) string {
	var b strings.Builder
	b.WriteString(strings.Join(p.Measures, ","))
	if len(p.GroupBy) > 0 {
		if len(p.Measures) == 0 {
			b.WriteString("list ")
		} else {
			b.WriteString(" by ")
		}
		for i, g := range p.GroupBy {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(g.Dim)
			if g.Show != "" {
				b.WriteString("." + g.Show)
			}
		}
	}
	if p.Per != "" {
		b.WriteString(" per " + p.Per)
	}
	if len(p.Filters)+len(p.Segments) > 0 {
		b.WriteString(" where ")
		writeConds(&b, p.Filters, p.Segments)
	}
	if h := p.Having; h != nil {
		fmt.Fprintf(&b, " having %s %s %s", h.Measure, h.Op, formatNumber(h.Value))
	}
	if w := p.Time; w != nil {
		b.WriteString(" in " + formatWindow(w))
	}
	if c := p.Compare; c != nil {
		kw := "compare"
		if c.Growth {
			kw = "growth"
		}
		fmt.Fprintf(&b, " %s %s %s", kw, c.Base, c.Current)
	}
	if s := p.Share; s != nil {
		b.WriteString(" share")
		if s.Ratio {
			b.WriteString(" ratio")
		}
		if len(s.Filters)+len(s.Segments) > 0 {
			b.WriteString(" of ")
			writeConds(&b, s.Filters, s.Segments)
		}
	}
	for _, f := range []struct {
		on bool
		kw string
	}{{p.Count, "count"}, {p.Running, "running"}, {p.Rank, "rank"}} {
		if f.on {
			b.WriteString(" " + f.kw)
		}
	}
	writeOrder(&b, p)
	if p.Ties {
		b.WriteString(" ties")
	}
	return b.String()
}

func writeConds(b *strings.Builder, fs []Filter, segs []string) {
	first := true
	sep := func() {
		if !first {
			b.WriteString(" and ")
		}
		first = false
	}
	for _, f := range fs {
		sep()
		b.WriteString(f.Dim)
		switch f.Op {
		case OpIn:
			b.WriteString(" in (")
			for i, v := range f.Values {
				if i > 0 {
					b.WriteString(",")
				}
				b.WriteString(quote(v))
			}
			b.WriteString(")")
		default:
			v := ""
			if len(f.Values) > 0 {
				v = f.Values[0]
			}
			fmt.Fprintf(b, " %s %s", f.Op, quote(v))
		}
	}
	for _, s := range segs {
		sep()
		b.WriteString(s)
	}
}

func writeOrder(b *strings.Builder, p *Plan) {
	o := p.Order
	switch {
	case o == nil && p.Limit > 0:
		fmt.Fprintf(b, " limit %d", p.Limit)
	case o == nil:
	case o.By == "" && p.Limit > 0:
		kw := "bottom"
		if o.Desc {
			kw = "top"
		}
		fmt.Fprintf(b, " %s %d", kw, p.Limit)
	default:
		b.WriteString(" order")
		if o.By != "" {
			b.WriteString(" " + o.By)
		}
		if o.Desc {
			b.WriteString(" desc")
		} else {
			b.WriteString(" asc")
		}
		if p.Limit > 0 {
			fmt.Fprintf(b, " limit %d", p.Limit)
		}
	}
}

func formatWindow(w *Window) string {
	switch {
	case w.Last > 0:
		return fmt.Sprintf("last %d %s", w.Last, w.Unit)
	case w.To != "":
		return w.From + ".." + w.To
	default:
		return w.From
	}
}

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// SyntaxError is a plan that does not parse, or names something the ontology lacks. Pos is the
// byte offset in the text (0-based), or -1 for the JSON form, where Path says where instead.
type SyntaxError struct {
	Pos  int
	Path string
	Msg  string
}

func (e *SyntaxError) Error() string {
	if e.Pos >= 0 {
		return fmt.Sprintf("plan: column %d: %s", e.Pos+1, e.Msg)
	}
	return fmt.Sprintf("plan: %s: %s", e.Path, e.Msg)
}

// Parse reads the text form. With names, every metric, dimension and segment id is checked
// and an unknown one is an error at its position.
func Parse(text string, names Names) (*Plan, error) {
	ps := &parser{s: text, names: names}
	p, err := ps.plan()
	if err != nil {
		return nil, err
	}
	if err := Validate(p); err != nil {
		return nil, &SyntaxError{Pos: len(text), Msg: err.Error()}
	}
	return p, nil
}

// clauses in canonical order; each may appear once, and only after those before it.
var clauseOrder = []string{"by", "per", "where", "having", "in", "compare", "growth", "share", "count", "running", "rank", "top", "bottom", "order", "limit", "ties"}

func clauseRank(kw string) int {
	for i, c := range clauseOrder {
		if c == kw {
			return i
		}
	}
	return -1
}

func (ps *parser) plan() (*Plan, error) {
	p := &Plan{}
	last := -1
	ps.space()
	if ps.peekWord() == "list" && (ps.names == nil || !ps.names.HasMetric("list")) {
		ps.word() // "list supplier where ...": the things of a breakdown, no measure
		if err := ps.clause(p, "by"); err != nil {
			return nil, err
		}
		return ps.clauses(p, clauseRank("by"))
	}
	for {
		id, err := ps.name("metric")
		if err != nil {
			return nil, err
		}
		p.Measures = append(p.Measures, id)
		if !ps.punct(",") {
			break
		}
	}
	return ps.clauses(p, last)
}

// clauses reads the clauses after the measures (or a list's breakdown), in canonical order.
func (ps *parser) clauses(p *Plan, last int) (*Plan, error) {
	for {
		ps.space()
		if ps.i >= len(ps.s) {
			return p, nil
		}
		at := ps.i
		kw := ps.word()
		r := clauseRank(kw)
		if r < 0 {
			return nil, ps.errAt(at, "expected a clause (%s), found %s", strings.Join(clauseOrder, ", "), ps.show(at))
		}
		if r <= last {
			return nil, ps.errAt(at, "clause %q is repeated or out of order (the order is %s)", kw, strings.Join(clauseOrder, ", "))
		}
		last = r
		if err := ps.clause(p, kw); err != nil {
			return nil, err
		}
		if kw == "top" || kw == "bottom" {
			last = clauseRank("limit")
		}
	}
}

func (ps *parser) clause(p *Plan, kw string) error {
	var err error
	switch kw {
	case "by":
		for {
			var g Group
			if g.Dim, err = ps.name("dimension"); err != nil {
				return err
			}
			if ps.punct(".") {
				at := ps.i
				g.Show = ps.word()
				if g.Show != "id" && g.Show != "both" {
					return ps.errAt(at, "expected id or both after %s., found %s", g.Dim, ps.show(at))
				}
			}
			p.GroupBy = append(p.GroupBy, g)
			if !ps.punct(",") {
				return nil
			}
		}
	case "per":
		p.Per, err = ps.name("dimension")
	case "where":
		p.Filters, p.Segments, err = ps.conds()
	case "having":
		h := &Threshold{}
		if h.Measure, err = ps.name("metric"); err != nil {
			return err
		}
		if h.Op, err = ps.oneOf(">=", "<=", ">", "<"); err != nil {
			return err
		}
		h.Value, err = ps.number()
		p.Having = h
	case "in":
		p.Time, err = ps.window()
	case "compare", "growth":
		c := &Compare{Growth: kw == "growth"}
		if c.Base, err = ps.period(); err != nil {
			return err
		}
		c.Current, err = ps.period()
		p.Compare = c
	case "share":
		s := &Share{}
		if ps.peekWord() == "ratio" {
			ps.word()
			s.Ratio = true
		}
		if ps.peekWord() == "of" {
			ps.word()
			s.Filters, s.Segments, err = ps.conds()
		}
		p.Share = s
	case "count":
		p.Count = true
	case "running":
		p.Running = true
	case "rank":
		p.Rank = true
	case "ties":
		p.Ties = true
	case "top", "bottom":
		p.Order = &Order{Desc: kw == "top"}
		p.Limit, err = ps.count()
	case "limit":
		p.Limit, err = ps.count()
	case "order":
		o := &Order{}
		switch ps.peekWord() {
		case "asc", "desc":
		case ByLabel:
			ps.word()
			o.By = ByLabel
		default:
			if o.By, err = ps.name("metric"); err != nil {
				return err
			}
		}
		ps.space()
		at := ps.i
		switch ps.word() {
		case "asc":
		case "desc":
			o.Desc = true
		default:
			return ps.errAt(at, "expected asc or desc, found %s", ps.show(at))
		}
		p.Order = o
	}
	return err
}

func (ps *parser) conds() ([]Filter, []string, error) {
	var fs []Filter
	var segs []string
	for {
		ps.space()
		at := ps.i
		id := ps.word()
		if id == "" {
			return nil, nil, ps.errAt(at, "expected a dimension or a segment, found %s", ps.show(at))
		}
		ps.space()
		op := ""
		switch {
		case strings.HasPrefix(ps.s[ps.i:], "!="):
			op, ps.i = OpNotEq, ps.i+2
		case strings.HasPrefix(ps.s[ps.i:], "="):
			op, ps.i = OpEq, ps.i+1
		case ps.peekWord() == "in" && ps.inList():
			ps.word()
			op = OpIn
		}
		if op == "" {
			if err := ps.check(at, "segment", id); err != nil {
				return nil, nil, err
			}
			segs = append(segs, id)
		} else {
			if err := ps.check(at, "dimension", id); err != nil {
				return nil, nil, err
			}
			if len(segs) > 0 {
				return nil, nil, ps.errAt(at, "filters come before segments (%s)", segs[0])
			}
			f := Filter{Dim: id, Op: op}
			if op == OpIn {
				if !ps.punct("(") {
					return nil, nil, ps.errAt(ps.i, "expected ( after in, found %s", ps.show(ps.i))
				}
				for {
					v, err := ps.str()
					if err != nil {
						return nil, nil, err
					}
					f.Values = append(f.Values, v)
					if !ps.punct(",") {
						break
					}
				}
				if !ps.punct(")") {
					return nil, nil, ps.errAt(ps.i, "expected , or ) in the value list, found %s", ps.show(ps.i))
				}
			} else {
				v, err := ps.str()
				if err != nil {
					return nil, nil, err
				}
				f.Values = []string{v}
			}
			fs = append(fs, f)
		}
		if ps.peekWord() != "and" {
			return fs, segs, nil
		}
		ps.word()
	}
}

func (ps *parser) window() (*Window, error) {
	if ps.peekWord() == "last" {
		ps.word()
		n, err := ps.count()
		if err != nil {
			return nil, err
		}
		ps.space()
		at := ps.i
		u := ps.word()
		switch u {
		case "years", "quarters", "months":
		default:
			return nil, ps.errAt(at, "expected years, quarters or months, found %s", ps.show(at))
		}
		return &Window{Last: n, Unit: u}, nil
	}
	from, err := ps.period()
	if err != nil {
		return nil, err
	}
	w := &Window{From: from}
	if strings.HasPrefix(ps.s[ps.i:], "..") {
		ps.i += 2
		if w.To, err = ps.period(); err != nil {
			return nil, err
		}
	}
	return w, nil
}
