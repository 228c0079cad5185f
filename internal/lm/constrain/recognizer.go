// Package constrain restricts a language model's decoding to text that
// stays a valid prefix of a SELECT over one schema: keywords, the schema's
// tables and columns, aliases and common tables (WITH) the query
// introduces, literals, operators, parentheses and a whitelist of
// functions, any of which may be a window function (OVER).
//
// Recognizer is an incremental SQL prefix recognizer fed character by
// character; Constraint applies it to a tokenizer's vocabulary as an
// lm.Constraint, checking candidate tokens lazily in logit order. The
// grammar is deliberately loose about clause order (it accepts every valid
// query of the supported subset and some invalid ones) and strict about
// names: a table position only ever holds a schema table.
package constrain

import (
	"slices"
	"strings"
)

// expect is what the recognizer accepts next.
type expect uint8

const (
	eSelect       expect = iota // SELECT (ALL after UNION)
	eOperand                    // the start of an expression
	eAfterOperand               // an operator, a clause keyword, ',', ')'
	eAfterWord                  // after a name in an operand: '.', '(' or, when it is a column, eAfterOperand's tokens
	eTable                      // a table name or '(' subquery
	eAfterTable                 // an alias, AS, a join, ',', a clause keyword
	eAfterAlias                 // eAfterTable without an alias
	eAlias                      // a new name after AS
	eType                       // a type name inside CAST(... AS
	eColumn                     // a column (or *) after '.'
	eBy                         // BY after GROUP or ORDER
	eJoin                       // JOIN or OUTER after LEFT, INNER, ...
	eNotOp                      // IN, LIKE, GLOB, BETWEEN, NULL after NOT
	eDone                       // after ';'
	eCTEName                    // a new common table name after WITH or ','
	eCTEAs                      // AS after a common table's name
	eCTEOpen                    // '(' before a common table's SELECT
	eAfterCTE                   // ',' (another common table) or the main SELECT
	eOverOpen                   // '(' after OVER
	eWindow                     // PARTITION, ORDER or ')' just inside OVER (
)

// lexState is where the character scanner is inside a token.
type lexState uint8

const (
	lexNone     lexState = iota
	lexWord              // letters, digits, _
	lexNumber            // digits and one '.'
	lexString            // inside '...'
	lexStrQuote          // a ' inside a string: the end, or the first of ''
	lexQuoted            // inside "...", `...` or [...]
	lexOp                // a pending operator character: < > = ! |
)

// clause is the part of a SELECT the recognizer is in.
type clause uint8

const (
	clSelect clause = iota
	clFrom
	clOn
	clWhere
	clGroup
	clHaving
	clOrder
	clLimit
	clParen // inside a function call, a grouping or a list
)

// frame is an open parenthesis and what to restore when it closes.
type frame struct {
	kind     byte // 'c' call, 'g' grouping/list/subquery, 's' FROM subquery, 'k' CAST, 'w' common table, 'o' OVER
	clause   clause
	fromSeen bool
}

// Word flags for eAfterWord.
const (
	fDot   = 1 << iota // a qualifier: '.' may follow
	fCall              // a function: '(' may follow
	fAfter             // a column: the operand may end here
	fDefer             // an unknown bare name before FROM: checked once the query is complete
)

// lastCall is Recognizer.last right after a function call's ')': OVER may
// follow.
const lastCall = ")call"

// MaxNameLen is the longest new name (an alias) a query may introduce: it
// stops a model from rambling inside an identifier where any name fits.
const MaxNameLen = 16

// MaxSpaces is the most whitespace characters in a row (a newline and an
// indent).
const MaxSpaces = 8

// Recognizer is the state of an incremental recognizer of SELECT prefixes
// over a schema. It is a value: Feed returns a new state and leaves the
// receiver usable, so decoding can try many continuations of one prefix.
type Recognizer struct {
	ix        *index
	lex       lexState
	buf       string // the word, quoted name, or operator being read (upper case)
	closer    byte   // the closing quote of lexQuoted
	numDot    bool
	prevChar  byte
	spaces    int // consecutive whitespace characters
	exp       expect
	flags     uint8
	last      string // the last keyword or punctuation read ("SELECT", "(", ",")
	qual      string // the name before '.'
	clause    clause
	pendingBy clause
	fromSeen  bool
	selected  bool // a SELECT has been read
	caseDepth int
	table     string   // the table just named in FROM/JOIN
	stack     []frame  // open parentheses; copied on write
	aliases   []string // pairs alias, table; copied on write
	selAlias  []string // names given to select-list items with AS
	deferred  []string // pairs qualifier, column read before FROM defined the qualifier ("" for a bare name)
	ctes      []string // common table names WITH defined; copied on write
}

// NewRecognizer returns the state before any text, for queries over names.
func NewRecognizer(n Names) Recognizer {
	return Recognizer{ix: newIndex(n), exp: eSelect}
}

// Feed returns the state after text and whether text keeps the input a
// valid prefix.
func (r Recognizer) Feed(text string) (Recognizer, bool) {
	for i := 0; i < len(text); i++ {
		if !r.char(text[i]) {
			return r, false
		}
		r.prevChar = text[i]
	}
	return r, true
}

// Complete reports whether the input so far is a whole query: it could end
// here.
func (r Recognizer) Complete() bool {
	switch r.lex {
	case lexWord:
		if !r.endWord() {
			return false
		}
	case lexNumber, lexStrQuote:
		r.lex, r.exp = lexNone, eAfterOperand
	case lexString, lexQuoted, lexOp:
		return false
	}
	if !r.selected || len(r.stack) > 0 || r.caseDepth > 0 {
		return false
	}
	r.flushBare()
	for i := 0; i < len(r.deferred); i += 2 {
		if !r.deferredOK(r.deferred[i], r.deferred[i+1]) {
			return false
		}
	}
	switch r.exp {
	case eAfterOperand, eAfterTable, eAfterAlias, eDone:
		return true
	case eAfterWord:
		return r.flags&fAfter != 0
	}
	return false
}

// deferredOK reports whether col, qualified by qual (or bare when qual is
// ""), names a column once the whole query is known. A bare name, or one
// qualified by a FROM subquery or a common table (whose output columns are
// not tracked), must be a schema column or a name some select list gave
// with AS.
func (r *Recognizer) deferredOK(qual, col string) bool {
	t := r.aliasTable(qual)
	switch {
	case r.ix.tables[qual] != nil:
		t = qual
	case qual == "" || t == "" && slices.Contains(r.ctes, qual):
		t = subquery
	}
	switch t {
	case "":
		return false
	case subquery:
		return r.ix.columns[col] || slices.Contains(r.selAlias, col)
	}
	return slices.Contains(r.ix.tables[t], col)
}

// flushBare records the unknown bare name just read as a deferred column
// once what follows shows it is neither a qualifier nor a call.
func (r *Recognizer) flushBare() {
	if r.exp == eAfterWord && r.flags&fDefer != 0 {
		r.deferred = append(slices.Clip(r.deferred), "", r.qual)
		r.flags &^= fDefer
	}
}

func isWordChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// char feeds one byte.
func (r *Recognizer) char(c byte) bool {
	switch r.lex {
	case lexWord:
		if isWordChar(c) {
			r.buf += string(upper(c))
			return r.wordPrefixOK()
		}
		if !r.endWord() {
			return false
		}
	case lexNumber:
		if c >= '0' && c <= '9' || c == '.' && !r.numDot {
			r.numDot = r.numDot || c == '.'
			return true
		}
		if isWordChar(c) {
			return false
		}
		r.lex, r.exp = lexNone, eAfterOperand
	case lexString:
		if c == '\'' {
			r.lex = lexStrQuote
		}
		return c >= ' ' && c != 0x7f // no control characters in literals
	case lexStrQuote:
		if c == '\'' {
			r.lex = lexString
			return true
		}
		r.lex, r.exp = lexNone, eAfterOperand
	case lexQuoted:
		if c == r.closer {
			r.lex = lexNone
			return r.name(r.buf, true)
		}
		if c < ' ' || c == 0x7f {
			return false
		}
		r.buf += strings.ToUpper(string(c))
		return r.quotedPrefixOK()
	case lexOp:
		op := r.buf + string(c)
		switch op {
		case "<=", ">=", "<>", "!=", "==", "||":
			r.lex, r.exp, r.last = lexNone, eOperand, op
			return true
		}
		if r.buf == "!" || r.buf == "|" {
			return false
		}
		r.lex, r.exp, r.last = lexNone, eOperand, r.buf
	}
	return r.start(c)
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// after reports whether the state may end an operand (accepts operators).
func (r *Recognizer) after() bool {
	return r.exp == eAfterOperand || r.exp == eAfterWord && r.flags&fAfter != 0
}

// start reads c between tokens.
func (r *Recognizer) start(c byte) bool {
	if !isSpace(c) {
		r.spaces = 0
		if c != '.' && c != '(' {
			r.flushBare()
		}
	}
	switch {
	case isSpace(c):
		r.spaces++
		return r.spaces <= MaxSpaces
	case r.exp == eDone:
		return false
	case isWordChar(c) && (c < '0' || c > '9'):
		r.lex, r.buf = lexWord, string(upper(c))
		return r.wordPrefixOK()
	case c >= '0' && c <= '9':
		if r.exp != eOperand {
			return false
		}
		r.lex, r.numDot = lexNumber, false
		return true
	case c == '\'':
		if r.exp != eOperand {
			return false
		}
		r.lex = lexString
		return true
	case c == '"' || c == '`' || c == '[':
		switch r.exp {
		case eOperand, eTable, eColumn, eAlias, eAfterTable:
		default:
			return false
		}
		r.lex, r.buf, r.closer = lexQuoted, "", c
		if c == '[' {
			r.closer = ']'
		}
		return true
	case c == '.':
		if r.exp != eAfterWord || r.flags&fDot == 0 {
			return false
		}
		r.exp = eColumn
		return true
	case c == '(':
		return r.open()
	case c == ')':
		return r.close()
	case c == ',':
		return r.comma()
	case c == ';':
		if !r.Complete() {
			return false
		}
		r.exp = eDone
		return true
	case c == '*':
		if r.prevChar == '/' {
			return false // a comment
		}
		if r.exp == eColumn || r.exp == eOperand && r.starOperand() {
			r.exp, r.last = eAfterOperand, "*"
			return true
		}
		if r.after() {
			r.exp, r.last = eOperand, "*"
			return true
		}
		return false
	case c == '+' || c == '-' || c == '/' || c == '%' || c == '~':
		if c == '-' && r.prevChar == '-' {
			return false // a comment
		}
		if r.after() && c != '~' || r.exp == eOperand && (c == '+' || c == '-' || c == '~') {
			r.exp, r.last = eOperand, string(c)
			return true
		}
		return false
	case c == '<' || c == '>' || c == '=' || c == '!' || c == '|':
		if !r.after() {
			return false
		}
		r.lex, r.buf = lexOp, string(c)
		return true
	}
	return false
}

// starOperand reports whether '*' here means every column (after SELECT,
// DISTINCT or a select-list comma, or as a call's only argument).
func (r *Recognizer) starOperand() bool {
	switch r.last {
	case "SELECT", "DISTINCT":
		return true
	case ",":
		return r.clause == clSelect
	case "(":
		return len(r.stack) > 0 && r.stack[len(r.stack)-1].kind == 'c'
	}
	return false
}

func (r *Recognizer) push(kind byte) {
	r.stack = append(slices.Clip(r.stack), frame{kind: kind, clause: r.clause, fromSeen: r.fromSeen})
	r.clause, r.last = clParen, "("
}

func (r *Recognizer) open() bool {
	switch {
	case r.exp == eAfterWord && r.flags&fCall != 0:
		r.push('c')
		r.exp = eOperand
	case r.exp == eOperand:
		kind := byte('g')
		if r.last == "CAST" {
			kind = 'k'
		}
		r.push(kind)
		r.exp = eOperand
	case r.exp == eTable:
		r.push('s')
		r.exp = eSelect
	case r.exp == eCTEOpen:
		r.push('w')
		r.exp = eSelect
	case r.exp == eOverOpen:
		r.push('o')
		r.exp = eWindow
	default:
		return false
	}
	return true
}

func (r *Recognizer) close() bool {
	if len(r.stack) == 0 {
		return false
	}
	top := r.stack[len(r.stack)-1]
	emptyCall := r.exp == eOperand && r.last == "(" && top.kind == 'c'
	emptyOver := r.exp == eWindow && top.kind == 'o'
	if !r.after() && r.exp != eAfterTable && r.exp != eAfterAlias && !emptyCall && !emptyOver {
		return false
	}
	r.stack = r.stack[:len(r.stack)-1]
	r.clause, r.fromSeen, r.last = top.clause, top.fromSeen, ")"
	r.exp = eAfterOperand
	switch top.kind {
	case 's':
		r.exp, r.table = eAfterTable, subquery
	case 'w':
		r.exp = eAfterCTE
	case 'c':
		r.last = lastCall
	}
	return true
}

func (r *Recognizer) comma() bool {
	switch {
	case (r.exp == eAfterTable || r.exp == eAfterAlias) && r.clause == clFrom:
		r.exp = eTable
	case r.after() && (r.clause == clSelect || r.clause == clGroup || r.clause == clOrder || r.clause == clParen):
		r.exp = eOperand
	case r.exp == eAfterCTE:
		r.exp = eCTEName
	default:
		return false
	}
	r.last = ","
	return true
}

// keywords lists the keywords allowed in the current state.
func (r *Recognizer) keywords(yield func(string) bool) {
	each := func(ks ...string) bool {
		for _, k := range ks {
			if !yield(k) {
				return false
			}
		}
		return true
	}
	switch {
	case r.exp == eSelect:
		if !each("SELECT") {
			return
		}
		if r.last == "UNION" {
			each("ALL")
		}
		if r.last == "" && !r.selected && len(r.stack) == 0 && len(r.ctes) == 0 {
			each("WITH")
		}
	case r.exp == eCTEAs:
		each("AS")
	case r.exp == eAfterCTE:
		each("SELECT")
	case r.exp == eWindow:
		each("PARTITION", "ORDER")
	case r.exp == eOperand:
		if !each(operandKeywords...) {
			return
		}
		if r.last == "SELECT" || r.last == "(" && len(r.stack) > 0 && r.stack[len(r.stack)-1].kind == 'c' {
			if !each("DISTINCT") {
				return
			}
		}
		if r.last == "SELECT" && !each("ALL") {
			return
		}
		if r.last == "(" && len(r.stack) > 0 && r.stack[len(r.stack)-1].kind == 'g' && !each("SELECT") {
			return
		}
		if r.last == "CASE" {
			each("WHEN")
		}
	case r.after():
		if !each(afterOperandKeywords...) {
			return
		}
		if r.exp == eAfterOperand && r.last == lastCall && !each("OVER") {
			return
		}
		if r.clause == clSelect && !each("FROM", "AS") {
			return
		}
		if len(r.stack) > 0 && r.stack[len(r.stack)-1].kind == 'k' && !each("AS") {
			return
		}
		if r.clause == clOn && !each(joinKeywords...) {
			return
		}
		if r.caseDepth > 0 {
			each(caseKeywords...)
		}
	case r.exp == eAfterTable || r.exp == eAfterAlias:
		if r.exp == eAfterTable && !each("AS") {
			return
		}
		if each(joinKeywords...) {
			each(tableKeywords...)
		}
	case r.exp == eBy:
		each("BY")
	case r.exp == eJoin:
		each("JOIN", "OUTER")
	case r.exp == eNotOp:
		each(notOpKeywords...)
	}
}

func (r *Recognizer) keywordAllowed(w string) bool {
	found := false
	r.keywords(func(k string) bool {
		found = k == w
		return !found
	})
	return found
}

// names lists the schema and query names allowed in the current state, and
// whether any new identifier is allowed too.
func (r *Recognizer) names(yield func(string) bool) (anyIdent bool) {
	each := func(ns []string) bool {
		for _, n := range ns {
			if !yield(n) {
				return false
			}
		}
		return true
	}
	switch r.exp {
	case eTable:
		if each(r.ix.tableList) {
			each(r.ctes)
		}
	case eColumn:
		if t := r.qualTable(); t != "" {
			each(r.ix.tables[t])
			return false
		}
		if r.openTable(r.qual) {
			// A subquery's column: a schema column or a name given with AS.
			if each(r.ix.columnList) {
				each(r.selAlias)
			}
			return false
		}
		return true // a qualifier FROM defines later: checked at the end
	case eOperand:
		if !each(r.ix.columnList) || !each(r.ix.tableList) || !each(r.ix.functionList) || !each(r.selAlias) ||
			!each(r.ctes) {
			return false
		}
		for i := 0; i < len(r.aliases); i += 2 {
			if !yield(r.aliases[i]) {
				return false
			}
		}
		return !r.fromSeen
	case eAfterTable, eAlias, eType, eCTEName:
		return true
	}
	return false
}

// subquery is the table an alias of a FROM subquery stands for: any
// column may follow it.
const subquery = "*"

// qualTable is the table the qualifier before '.' names, or "" when that
// is not known (a subquery, or an alias not yet defined).
func (r *Recognizer) qualTable() string {
	if r.ix.tables[r.qual] != nil {
		return r.qual
	}
	if t := r.aliasTable(r.qual); t != subquery {
		return t
	}
	return ""
}

// openTable reports whether the qualifier q names a FROM subquery or a
// common table: a source whose columns are not tracked.
func (r *Recognizer) openTable(q string) bool {
	if r.ix.tables[q] != nil {
		return false
	}
	t := r.aliasTable(q)
	return t == subquery || t == "" && slices.Contains(r.ctes, q)
}

// aliasTable is the table the FROM alias a stands for: subquery for a
// FROM subquery or a common table, "" when a is no alias.
func (r *Recognizer) aliasTable(a string) string {
	for i := 0; i < len(r.aliases); i += 2 {
		if r.aliases[i] == a {
			return r.aliases[i+1]
		}
	}
	return ""
}

// wordPrefixOK reports whether the word read so far can still become an
// allowed keyword or name.
func (r *Recognizer) wordPrefixOK() bool {
	ok := false
	check := func(s string) bool {
		ok = strings.HasPrefix(s, r.buf)
		return !ok
	}
	r.keywords(check)
	if ok {
		return true
	}
	if r.names(check) && len(r.buf) <= MaxNameLen {
		return true
	}
	return ok
}

func (r *Recognizer) quotedPrefixOK() bool {
	ok := false
	anyIdent := r.names(func(s string) bool {
		ok = strings.HasPrefix(s, r.buf)
		return !ok
	})
	return ok || anyIdent && len(r.buf) <= MaxNameLen
}

// endWord finishes the word in buf.
func (r *Recognizer) endWord() bool {
	r.lex = lexNone
	w := r.buf
	if r.keywordAllowed(w) {
		r.keyword(w)
		return true
	}
	return r.name(w, false)
}

// keyword moves past an allowed keyword.
func (r *Recognizer) keyword(k string) {
	r.last = k
	switch k {
	case "SELECT":
		r.selected, r.clause, r.fromSeen, r.exp = true, clSelect, false, eOperand
	case "WITH":
		r.exp = eCTEName
	case "OVER":
		r.exp = eOverOpen
	case "PARTITION":
		r.pendingBy, r.exp = clGroup, eBy
	case "ALL":
		if r.exp == eOperand {
			r.last = "DISTINCT"
		}
	case "DISTINCT":
	case "FROM":
		r.clause, r.fromSeen, r.exp = clFrom, true, eTable
	case "JOIN":
		r.clause, r.exp = clFrom, eTable
	case "LEFT", "RIGHT", "FULL", "INNER", "CROSS", "NATURAL", "OUTER":
		r.exp = eJoin
	case "ON":
		r.clause, r.exp = clOn, eOperand
	case "WHERE":
		r.clause, r.exp = clWhere, eOperand
	case "HAVING":
		r.clause, r.exp = clHaving, eOperand
	case "GROUP":
		r.pendingBy, r.exp = clGroup, eBy
	case "ORDER":
		r.pendingBy, r.exp = clOrder, eBy
	case "BY":
		r.clause, r.exp = r.pendingBy, eOperand
	case "LIMIT", "OFFSET":
		r.clause, r.exp = clLimit, eOperand
	case "NOT":
		if r.exp == eOperand {
			return
		}
		r.exp = eNotOp
	case "AND", "OR", "IS", "IN", "LIKE", "GLOB", "BETWEEN", "ESCAPE", "EXISTS", "CAST", "WHEN", "THEN", "ELSE":
		r.exp = eOperand
	case "NULL", "TRUE", "FALSE", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "ASC", "DESC":
		r.exp = eAfterOperand
	case "CASE":
		r.caseDepth++
		r.exp = eOperand
	case "END":
		r.caseDepth--
		r.exp = eAfterOperand
	case "AS":
		if r.exp == eCTEAs {
			r.exp = eCTEOpen
		} else if len(r.stack) > 0 && r.stack[len(r.stack)-1].kind == 'k' && r.after() {
			r.exp = eType
		} else {
			r.exp = eAlias
		}
	case "UNION", "INTERSECT", "EXCEPT":
		r.exp = eSelect
	}
}

// name moves past an identifier w (upper case); quoted names are never
// keywords.
func (r *Recognizer) name(w string, quoted bool) bool {
	switch r.exp {
	case eTable:
		switch {
		case r.ix.tables[w] != nil:
			r.table = w
		case slices.Contains(r.ctes, w):
			r.table = subquery
		default:
			return false
		}
		r.exp = eAfterTable
	case eCTEName:
		if !quoted && reserved(w) || slices.Contains(r.ctes, w) {
			return false
		}
		r.ctes = append(slices.Clip(r.ctes), w)
		r.exp = eCTEAs
	case eColumn:
		switch t := r.qualTable(); {
		case t != "":
			if !slices.Contains(r.ix.tables[t], w) {
				return false
			}
		case r.openTable(r.qual):
			if !r.ix.columns[w] && !slices.Contains(r.selAlias, w) {
				return false
			}
		case quoted || !reserved(w):
			// Not defined yet: check the pair once the query is complete.
			r.deferred = append(slices.Clip(r.deferred), r.qual, w)
		default:
			return false
		}
		r.exp = eAfterOperand
	case eAfterTable, eAlias:
		if !quoted && reserved(w) {
			return false
		}
		if r.exp == eAfterTable || r.table != "" && r.clause == clFrom {
			r.aliases = append(slices.Clip(r.aliases), w, r.table)
			r.exp = eAfterAlias
		} else {
			r.selAlias = append(slices.Clip(r.selAlias), w)
			r.exp = eAfterOperand
		}
	case eType:
		if quoted {
			return false
		}
		r.exp = eAfterOperand
	case eOperand:
		var f uint8
		if r.ix.columns[w] || slices.Contains(r.selAlias, w) {
			f |= fAfter
		}
		if r.ix.tables[w] != nil || r.aliasTable(w) != "" || slices.Contains(r.ctes, w) ||
			!r.fromSeen && (quoted || !reserved(w)) {
			f |= fDot
		}
		if f&fAfter == 0 && !r.fromSeen && (quoted || !reserved(w)) {
			// A column of a FROM subquery not read yet, or a name an
			// AS gives later: checked once the query is complete.
			f |= fAfter | fDefer
		}
		if !quoted && r.ix.functions[w] {
			f |= fCall
		}
		if f == 0 {
			return false
		}
		r.exp, r.flags, r.qual, r.last = eAfterWord, f, w, ""
	default:
		return false
	}
	return true
}
