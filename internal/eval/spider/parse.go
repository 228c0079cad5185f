package spider

import (
	"fmt"
	"slices"
	"strings"
)

// The keyword tables of process_sql.py (lines 31-44).
var (
	clauseKeywords = []string{"select", "from", "where", "group", "order", "limit", "intersect", "union", "except"}
	joinKeywords   = []string{"join", "on", "as"}
	whereOps       = []string{"not", "between", "=", ">", "<", ">=", "<=", "!=", "in", "like", "is", "exists"}
	unitOps        = []string{"none", "-", "+", "*", "/"}
	aggOps         = []string{"none", "max", "min", "count", "sum", "avg"}
	condOps        = []string{"and", "or"}
	sqlOps         = []string{"intersect", "union", "except"}
	orderOps       = []string{"desc", "asc"}
)

const (
	opBetween = 1
	opIn      = 8
	opLike    = 9
)

func in(list []string, s string) bool { return slices.Contains(list, s) }

// index is Python's list.index; process_sql only calls it on members.
func index(list []string, s string) int { return slices.Index(list, s) }

// parseError is what process_sql's assertions, KeyErrors and IndexErrors
// become: the query cannot be taken apart.
type parseError struct{ msg string }

func (e parseError) Error() string { return e.msg }

func fail(format string, args ...any) { panic(parseError{fmt.Sprintf(format, args...)}) }

// parser holds get_sql's state: the tokens, the alias map and the schema.
type parser struct {
	toks   []string
	tables map[string]string // tables_with_alias
	schema *Schema
}

// at is toks[i], failing like Python's IndexError past the end.
func (p *parser) at(i int) string {
	if i < 0 {
		i += len(p.toks)
	}
	if i < 0 || i >= len(p.toks) {
		fail("list index out of range")
	}
	return p.toks[i]
}

// Parse is process_sql.get_sql (lines 554-559): sql taken apart against the
// schema, with table aliases and bare column names resolved to
// "__table.column__" ids. It fails wherever the original raises.
func Parse(s *Schema, sql string) (q *SQL, err error) {
	toks, err := Tokenize(sql)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(parseError)
			if !ok {
				if re, isErr := r.(error); isErr && strings.Contains(re.Error(), "index out of range") {
					pe = parseError{"index out of range"}
				} else {
					panic(r)
				}
			}
			q, err = nil, fmt.Errorf("spider parse: %s", pe.msg)
		}
	}()
	p := &parser{toks: toks, schema: s}
	p.tables = p.tablesWithAlias()
	_, q = p.parseSQL(0)
	return q, nil
}

// tablesWithAlias is scan_alias plus get_tables_with_alias (lines 150-164):
// the token after every "as" names the token before it (column aliases
// included), and each schema table names itself; an alias spelled like a
// table fails.
func (p *parser) tablesWithAlias() map[string]string {
	m := map[string]string{}
	for i, t := range p.toks {
		if t == "as" {
			m[p.at(i+1)] = p.at(i - 1)
		}
	}
	for _, t := range p.schema.order {
		if _, ok := m[t]; ok {
			fail("alias %s has the same name in table", t)
		}
		m[t] = t
	}
	return m
}

func (p *parser) alias(name string) string {
	t, ok := p.tables[name]
	if !ok {
		fail("unknown table or alias %q", name)
	}
	return t
}

func (p *parser) id(key string) string {
	v, ok := p.schema.idMap[key]
	if !ok {
		fail("unknown column %q", key)
	}
	return v
}

// parseCol is parse_col (lines 167-188).
func (p *parser) parseCol(toks []string, i int, defaults []string) (int, string) {
	tok := toks[i]
	if tok == "*" {
		return i + 1, p.id(tok)
	}
	if strings.Contains(tok, ".") {
		parts := strings.Split(tok, ".")
		if len(parts) != 2 {
			fail("too many values to unpack in %q", tok)
		}
		return i + 1, p.id(p.alias(parts[0]) + "." + parts[1])
	}
	if len(defaults) == 0 {
		fail("default tables should not be None or empty")
	}
	for _, a := range defaults {
		table := p.alias(a)
		if slices.Contains(p.schema.tables[table], tok) {
			return i + 1, p.id(table + "." + tok)
		}
	}
	fail("error col: %s", tok)
	return 0, ""
}

// parseColUnit is parse_col_unit (lines 191-226), over toks (the parser's
// tokens or, from parse_value, a slice of them).
func (p *parser) parseColUnit(toks []string, i int, defaults []string) (int, *colUnit) {
	block := false
	if toks[i] == "(" {
		block = true
		i++
	}
	if in(aggOps, toks[i]) {
		agg := index(aggOps, toks[i])
		i++
		if !(i < len(toks) && toks[i] == "(") {
			fail("expected ( after aggregate")
		}
		i++
		distinct := false
		if toks[i] == "distinct" {
			i++
			distinct = true
		}
		var col string
		i, col = p.parseCol(toks, i, defaults)
		if !(i < len(toks) && toks[i] == ")") {
			fail("expected ) after aggregate")
		}
		i++
		return i, &colUnit{agg: agg, col: col, distinct: toPyBool(distinct)}
	}
	distinct := false
	if toks[i] == "distinct" {
		i++
		distinct = true
	}
	i, col := p.parseCol(toks, i, defaults)
	if block {
		if toks[i] != ")" {
			fail("expected )")
		}
		i++
	}
	return i, &colUnit{agg: 0, col: col, distinct: toPyBool(distinct)}
}

// parseValUnit is parse_val_unit (lines 229-251).
func (p *parser) parseValUnit(i int, defaults []string) (int, valUnit) {
	block := false
	if p.at(i) == "(" {
		block = true
		i++
	}
	var v valUnit
	i, v.c1 = p.parseColUnit(p.toks, i, defaults)
	if i < len(p.toks) && in(unitOps, p.toks[i]) {
		v.op = index(unitOps, p.toks[i])
		i++
		i, v.c2 = p.parseColUnit(p.toks, i, defaults)
	}
	if block {
		if p.at(i) != ")" {
			fail("expected )")
		}
		i++
	}
	return i, v
}

// parseTableUnit is parse_table_unit (lines 254-267).
func (p *parser) parseTableUnit(i int) (int, string, string) {
	key := p.alias(p.at(i))
	if i+1 < len(p.toks) && p.toks[i+1] == "as" {
		i += 3
	} else {
		i++
	}
	return i, p.id(key), key
}

// parseValue is parse_value (lines 270-301).
func (p *parser) parseValue(start int, defaults []string) (int, value) {
	i := start
	block := false
	if p.at(i) == "(" {
		block = true
		i++
	}
	var v value
	switch tok := p.at(i); {
	case tok == "select":
		var q *SQL
		i, q = p.parseSQL(i)
		v = value{kind: valSQL, sql: q}
	case strings.Contains(tok, `"`):
		v = value{kind: valStr, str: tok}
		i++
	default:
		if f, ok := pyFloat(tok); ok {
			v = value{kind: valNum, num: f}
			i++
			break
		}
		end := i
		for end < len(p.toks) && p.toks[end] != "," && p.toks[end] != ")" && p.toks[end] != "and" &&
			!in(clauseKeywords, p.toks[end]) && !in(joinKeywords, p.toks[end]) {
			end++
		}
		// the original slices from start_idx, before any "(" it skipped
		_, c := p.parseColUnit(p.toks[start:end], 0, defaults)
		v = value{kind: valCol, col: c}
		i = end
	}
	if block {
		if p.at(i) != ")" {
			fail("expected )")
		}
		i++
	}
	return i, v
}

// parseCondition is parse_condition (lines 304-338). The list alternates
// condition units and "and"/"or" as in the original; two units with no
// conjunction between them are kept side by side, as there.
func (p *parser) parseCondition(i int, defaults []string) (int, condition) {
	var conds condition
	for i < len(p.toks) {
		var cu condUnit
		i, cu.vu = p.parseValUnit(i, defaults)
		if p.at(i) == "not" {
			cu.not = true
			i++
		}
		if !(i < len(p.toks) && in(whereOps, p.toks[i])) {
			fail("error condition at %d", i)
		}
		cu.op = index(whereOps, p.toks[i])
		i++
		if cu.op == opBetween {
			i, cu.v1 = p.parseValue(i, defaults)
			if p.at(i) != "and" {
				fail("expected and in between")
			}
			i++
			i, cu.v2 = p.parseValue(i, defaults)
		} else {
			i, cu.v1 = p.parseValue(i, defaults)
		}
		conds = append(conds, condElem{unit: &cu})
		if i < len(p.toks) && (in(clauseKeywords, p.toks[i]) || p.toks[i] == ")" || p.toks[i] == ";" || in(joinKeywords, p.toks[i])) {
			break
		}
		if i < len(p.toks) && in(condOps, p.toks[i]) {
			conds = append(conds, condElem{conj: p.toks[i]})
			i++
		}
	}
	return i, conds
}

// parseSelect is parse_select (lines 341-363).
func (p *parser) parseSelect(i int, defaults []string) (int, selectClause) {
	if p.at(i) != "select" {
		fail("'select' not found")
	}
	i++
	var s selectClause
	if i < len(p.toks) && p.toks[i] == "distinct" {
		i++
		s.distinct = pyTrue
	}
	for i < len(p.toks) && !in(clauseKeywords, p.toks[i]) {
		agg := 0
		if in(aggOps, p.toks[i]) {
			agg = index(aggOps, p.toks[i])
			i++
		}
		var v valUnit
		i, v = p.parseValUnit(i, defaults)
		s.items = append(s.items, selectItem{agg: agg, vu: v})
		if i < len(p.toks) && p.toks[i] == "," {
			i++
		}
	}
	return i, s
}

// parseFrom is parse_from (lines 366-406): the first "from" at or after
// start, then table units and ON conditions (joined by "and").
func (p *parser) parseFrom(start int) (int, []tableUnit, condition, []string) {
	from := slices.Index(p.toks[start:], "from")
	if from < 0 {
		fail("'from' not found")
	}
	i := start + from + 1
	var defaults []string
	var units []tableUnit
	var conds condition
	for i < len(p.toks) {
		block := false
		if p.toks[i] == "(" {
			block = true
			i++
		}
		if p.at(i) == "select" {
			var q *SQL
			i, q = p.parseSQL(i)
			units = append(units, tableUnit{sql: q})
		} else {
			if i < len(p.toks) && p.toks[i] == "join" {
				i++
			}
			var id, name string
			i, id, name = p.parseTableUnit(i)
			units = append(units, tableUnit{table: id})
			defaults = append(defaults, name)
		}
		if i < len(p.toks) && p.toks[i] == "on" {
			i++
			var c condition
			i, c = p.parseCondition(i, defaults)
			if len(conds) > 0 {
				conds = append(conds, condElem{conj: "and"})
			}
			conds = append(conds, c...)
		}
		if block {
			if p.at(i) != ")" {
				fail("expected )")
			}
			i++
		}
		if i < len(p.toks) && (in(clauseKeywords, p.toks[i]) || p.toks[i] == ")" || p.toks[i] == ";") {
			break
		}
	}
	return i, units, conds, defaults
}

// parseSQL is parse_sql (lines 498-545), with parse_where, parse_group_by,
// parse_having, parse_order_by and parse_limit (lines 409-495) inline. As
// in test-suite-sql-eval's process_sql.py (lines 489-491), every LIMIT
// reads as LIMIT 1.
func (p *parser) parseSQL(start int) (int, *SQL) {
	i := start
	block := false
	if p.at(i) == "(" {
		block = true
		i++
	}
	q := &SQL{}
	fromEnd, units, conds, defaults := p.parseFrom(start)
	q.from, q.fromConds = units, conds
	_, q.sel = p.parseSelect(i, defaults)
	i = fromEnd
	if i < len(p.toks) && p.toks[i] == "where" {
		i, q.where = p.parseCondition(i+1, defaults)
	}
	if i < len(p.toks) && p.toks[i] == "group" {
		i++
		if p.at(i) != "by" {
			fail("expected by after group")
		}
		i++
		for i < len(p.toks) && !(in(clauseKeywords, p.toks[i]) || p.toks[i] == ")" || p.toks[i] == ";") {
			var c *colUnit
			i, c = p.parseColUnit(p.toks, i, defaults)
			q.groupBy = append(q.groupBy, *c)
			if i < len(p.toks) && p.toks[i] == "," {
				i++
			} else {
				break
			}
		}
	}
	if i < len(p.toks) && p.toks[i] == "having" {
		i, q.having = p.parseCondition(i+1, defaults)
	}
	if i < len(p.toks) && p.toks[i] == "order" {
		i++
		if p.at(i) != "by" {
			fail("expected by after order")
		}
		i++
		q.order = &orderBy{dir: "asc"}
		for i < len(p.toks) && !(in(clauseKeywords, p.toks[i]) || p.toks[i] == ")" || p.toks[i] == ";") {
			var v valUnit
			i, v = p.parseValUnit(i, defaults)
			q.order.units = append(q.order.units, v)
			if i < len(p.toks) && in(orderOps, p.toks[i]) {
				q.order.dir = p.toks[i]
				i++
			}
			if i < len(p.toks) && p.toks[i] == "," {
				i++
			} else {
				break
			}
		}
	}
	if i < len(p.toks) && p.toks[i] == "limit" {
		i += 2
		p.at(i - 1) // type(toks[idx-1]) reads the token
		q.limit = true
	}
	for i < len(p.toks) && p.toks[i] == ";" {
		i++
	}
	if block {
		if p.at(i) != ")" {
			fail("expected )")
		}
		i++
	}
	for i < len(p.toks) && p.toks[i] == ";" {
		i++
	}
	if i < len(p.toks) && in(sqlOps, p.toks[i]) {
		op := p.toks[i]
		var r *SQL
		i, r = p.parseSQL(i + 1)
		switch op {
		case "intersect":
			q.intersect = r
		case "union":
			q.union = r
		case "except":
			q.except = r
		}
	}
	return i, q
}
