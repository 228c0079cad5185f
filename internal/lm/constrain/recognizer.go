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
