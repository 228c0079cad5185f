package constrain

import "slices"

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
		r.selectKeywords(each)
	case r.exp == eCTEAs:
		each("AS")
	case r.exp == eAfterCTE:
		each("SELECT")
	case r.exp == eWindow:
		each("PARTITION", "ORDER")
	case r.exp == eOperand:
		r.operandStartKeywords(each)
	case r.after():
		r.operandEndKeywords(each)
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

// selectKeywords are those that start a query: SELECT, ALL after UNION, WITH at the very start.
func (r *Recognizer) selectKeywords(each func(...string) bool) {
	if !each("SELECT") {
		return
	}
	if r.last == "UNION" {
		each("ALL")
	}
	if r.last == "" && !r.selected && len(r.stack) == 0 && len(r.ctes) == 0 {
		each("WITH")
	}
}

// operandStartKeywords are those that may start an operand.
func (r *Recognizer) operandStartKeywords(each func(...string) bool) {
	if !each(operandKeywords...) {
		return
	}
	if r.last == "SELECT" || r.last == "(" && r.top() == 'c' {
		if !each("DISTINCT") {
			return
		}
	}
	if r.last == "SELECT" && !each("ALL") {
		return
	}
	if r.last == "(" && r.top() == 'g' && !each("SELECT") {
		return
	}
	if r.last == "CASE" {
		each("WHEN")
	}
}

// operandEndKeywords are those that may follow a whole operand: operators, the clause
// keywords, OVER after a call, AS in a select list or CAST, joins after ON, CASE's words.
func (r *Recognizer) operandEndKeywords(each func(...string) bool) {
	if !each(afterOperandKeywords...) {
		return
	}
	if r.exp == eAfterOperand && r.last == lastCall && !each("OVER") {
		return
	}
	if r.clause == clSelect && !each("FROM", "AS") {
		return
	}
	if r.top() == 'k' && !each("AS") {
		return
	}
	if r.clause == clOn && !each(joinKeywords...) {
		return
	}
	if r.caseDepth > 0 {
		each(caseKeywords...)
	}
}

// top is the kind of the innermost open parenthesis, 0 when none is open.
func (r *Recognizer) top() byte {
	if len(r.stack) == 0 {
		return 0
	}
	return r.stack[len(r.stack)-1].kind
}

func (r *Recognizer) keywordAllowed(w string) bool {
	found := false
	r.keywords(func(k string) bool {
		found = k == w
		return !found
	})
	return found
}

// keyword moves past an allowed keyword.
func (r *Recognizer) keyword(k string) {
	r.last = k
	if !r.clauseKeyword(k) {
		r.exprKeyword(k)
	}
}

// clauseKeyword moves past a keyword that starts a query, a clause, a join or a window, and
// reports whether k was one.
func (r *Recognizer) clauseKeyword(k string) bool {
	switch k {
	case "SELECT":
		r.selected, r.clause, r.fromSeen, r.exp = true, clSelect, false, eOperand
	case "WITH":
		r.exp = eCTEName
	case "OVER":
		r.exp = eOverOpen
	case "PARTITION":
		r.pendingBy, r.exp = clGroup, eBy
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
	case "UNION", "INTERSECT", "EXCEPT":
		r.exp = eSelect
	default:
		return false
	}
	return true
}

// exprKeyword moves past a keyword inside an expression or a select list.
func (r *Recognizer) exprKeyword(k string) {
	switch k {
	case "ALL":
		if r.exp == eOperand {
			r.last = "DISTINCT"
		}
	case "DISTINCT":
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
		} else if r.top() == 'k' && r.after() {
			r.exp = eType
		} else {
			r.exp = eAlias
		}
	}
}
