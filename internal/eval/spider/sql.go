package spider

import (
	"math"
	"strconv"
	"strings"
	"sync/atomic"
)

// SQL is process_sql's sql dict (process_sql.py lines 7-24): columns are
// "__table.column__" ids ("__all__" for *), tables "__table__".
type SQL struct {
	sel       selectClause
	from      []tableUnit
	fromConds condition
	where     condition
	groupBy   []colUnit
	having    condition
	order     *orderBy // nil: the original's empty list
	limit     bool     // test-suite reads every LIMIT as 1
	intersect *SQL
	union     *SQL
	except    *SQL
}

// pyBool is a Python value that is True, False or None (the distinct flags
// the evaluator sets to None).
type pyBool int8

const (
	pyFalse pyBool = iota
	pyTrue
	pyNone
)

func toPyBool(b bool) pyBool {
	if b {
		return pyTrue
	}
	return pyFalse
}

// colUnit is (agg_id, col_id, isDistinct).
type colUnit struct {
	agg      int
	col      string
	distinct pyBool
}

// valUnit is (unit_op, col_unit1, col_unit2).
type valUnit struct {
	op     int
	c1, c2 *colUnit
}

type valKind int8

const (
	valNone valKind = iota
	valNum
	valStr
	valCol
	valSQL
)

// value is a condition's val1 or val2: None, a number (float), a string
// token (quotes kept), a column unit or a nested query.
type value struct {
	kind valKind
	num  float64
	str  string
	col  *colUnit
	sql  *SQL
}

// condUnit is (not_op, op_id, val_unit, val1, val2).
type condUnit struct {
	not    bool
	op     int
	vu     valUnit
	v1, v2 value
}

// condElem is one element of a condition list: a unit or "and"/"or".
type condElem struct {
	unit *condUnit
	conj string
}

// condition is the original's list [cond_unit, 'and'/'or', cond_unit, ...].
type condition []condElem

// units is condition[::2] and conjs condition[1::2]. The parser can put two
// units side by side; an element is kept where the original's slicing puts
// it.
func (c condition) units() []condElem { return c.every(0) }
func (c condition) conjs() []condElem { return c.every(1) }

func (c condition) every(from int) []condElem {
	var out []condElem
	for i := from; i < len(c); i += 2 {
		out = append(out, c[i])
	}
	return out
}

type selectItem struct {
	agg int
	vu  valUnit
}

type selectClause struct {
	distinct pyBool
	items    []selectItem
}

// tableUnit is ('table_unit', '__t__') or ('sql', sql).
type tableUnit struct {
	table string
	sql   *SQL
}

type orderBy struct {
	dir   string
	units []valUnit
}

// The key methods write a value as a string that is equal for two values
// exactly when Python's == holds between them, so that multisets, sets and
// sorted lists can be compared as the evaluator does.

var nanSeq atomic.Int64

func (c *colUnit) key(b *strings.Builder) {
	if c == nil {
		b.WriteString("None")
		return
	}
	b.WriteString("(")
	b.WriteString(strconv.Itoa(c.agg))
	b.WriteString(",")
	b.WriteString(c.col)
	b.WriteString(",")
	b.WriteString(strconv.Itoa(int(c.distinct)))
	b.WriteString(")")
}

func (v valUnit) key(b *strings.Builder) {
	b.WriteString("(")
	b.WriteString(strconv.Itoa(v.op))
	b.WriteString(",")
	v.c1.key(b)
	b.WriteString(",")
	v.c2.key(b)
	b.WriteString(")")
}

func (v value) key(b *strings.Builder) {
	switch v.kind {
	case valNone:
		b.WriteString("None")
	case valNum:
		switch {
		case math.IsNaN(v.num): // nan != nan
			b.WriteString("nan#" + strconv.FormatInt(nanSeq.Add(1), 10))
		case v.num == 0:
			b.WriteString("f0")
		default:
			b.WriteString("f" + strconv.FormatFloat(v.num, 'g', -1, 64))
		}
	case valStr:
		b.WriteString("s" + strconv.Quote(v.str))
	case valCol:
		v.col.key(b)
	case valSQL:
		v.sql.key(b)
	}
}

func (c *condUnit) key(b *strings.Builder) {
	b.WriteString("(")
	if c.not {
		b.WriteString("T")
	} else {
		b.WriteString("F")
	}
	b.WriteString(strconv.Itoa(c.op))
	c.vu.key(b)
	c.v1.key(b)
	b.WriteString(",")
	c.v2.key(b)
	b.WriteString(")")
}

func (e condElem) key(b *strings.Builder) {
	if e.unit == nil {
		b.WriteString(e.conj)
		return
	}
	e.unit.key(b)
}

func (c condition) key(b *strings.Builder) {
	b.WriteString("[")
	for _, e := range c {
		e.key(b)
		b.WriteString(";")
	}
	b.WriteString("]")
}

func (t tableUnit) key(b *strings.Builder) {
	if t.sql != nil {
		b.WriteString("sql:")
		t.sql.key(b)
		return
	}
	b.WriteString("table_unit:" + t.table)
}

func (q *SQL) key(b *strings.Builder) {
	if q == nil {
		b.WriteString("None")
		return
	}
	b.WriteString("{sel:")
	b.WriteString(strconv.Itoa(int(q.sel.distinct)))
	for _, s := range q.sel.items {
		b.WriteString(strconv.Itoa(s.agg))
		s.vu.key(b)
	}
	b.WriteString(" from:")
	for _, t := range q.from {
		t.key(b)
		b.WriteString(";")
	}
	q.fromConds.key(b)
	b.WriteString(" where:")
	q.where.key(b)
	b.WriteString(" group:")
	for _, g := range q.groupBy {
		g.key(b)
	}
	b.WriteString(" having:")
	q.having.key(b)
	b.WriteString(" order:")
	if q.order != nil {
		b.WriteString(q.order.dir)
		for _, u := range q.order.units {
			u.key(b)
		}
	} else {
		b.WriteString("[]")
	}
	if q.limit {
		b.WriteString(" limit")
	}
	b.WriteString(" intersect:")
	q.intersect.key(b)
	b.WriteString(" union:")
	q.union.key(b)
	b.WriteString(" except:")
	q.except.key(b)
	b.WriteString("}")
}

// keyOf renders anything with a key method.
func keyOf(k interface{ key(*strings.Builder) }) string {
	var b strings.Builder
	k.key(&b)
	return b.String()
}

// pyFloat is Python's float(tok) on a token: decimal numbers with an
// optional sign and exponent, "inf", "infinity" and "nan" in any case, and
// underscores between digits. Go's hexadecimal forms are refused.
func pyFloat(tok string) (float64, bool) {
	s := strings.TrimSpace(tok)
	body := strings.TrimLeft(s, "+-")
	if body == "" || strings.HasPrefix(strings.ToLower(body), "0x") {
		return 0, false
	}
	if strings.Contains(s, "_") {
		for i := 0; i < len(s); i++ {
			if s[i] == '_' && (i == 0 || i == len(s)-1 || !isDigit(s[i-1]) || !isDigit(s[i+1])) {
				return 0, false
			}
		}
		s = strings.ReplaceAll(s, "_", "")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true // Python gives inf or 0 too
		}
		return 0, false
	}
	return f, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
