package constrain

import "slices"

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

// name moves past an identifier w (upper case); quoted names are never
// keywords.
func (r *Recognizer) name(w string, quoted bool) bool {
	switch r.exp {
	case eTable:
		return r.tableName(w)
	case eCTEName:
		if !quoted && reserved(w) || slices.Contains(r.ctes, w) {
			return false
		}
		r.ctes = append(slices.Clip(r.ctes), w)
		r.exp = eCTEAs
		return true
	case eColumn:
		return r.columnName(w, quoted)
	case eAfterTable, eAlias:
		return r.aliasName(w, quoted)
	case eType:
		if quoted {
			return false
		}
		r.exp = eAfterOperand
		return true
	case eOperand:
		return r.operandName(w, quoted)
	}
	return false
}

// tableName reads a table of FROM or JOIN: a schema table or a common table.
func (r *Recognizer) tableName(w string) bool {
	switch {
	case r.ix.tables[w] != nil:
		r.table = w
	case slices.Contains(r.ctes, w):
		r.table = subquery
	default:
		return false
	}
	r.exp = eAfterTable
	return true
}

// columnName reads the column after "QUALIFIER.".
func (r *Recognizer) columnName(w string, quoted bool) bool {
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
	return true
}

// aliasName reads a new name: a FROM alias of the table just named, or a select-list alias.
func (r *Recognizer) aliasName(w string, quoted bool) bool {
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
	return true
}

// operandName reads a name that starts an operand: a column, a qualifier, a function, or a
// name checked once the query is complete.
func (r *Recognizer) operandName(w string, quoted bool) bool {
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
	return true
}
