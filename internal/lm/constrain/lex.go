package constrain

import "strings"

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
		return r.openQuoted(c)
	}
	return r.punctuation(c)
}

// openQuoted starts a quoted name ("...", `...` or [...]) where a name may stand.
func (r *Recognizer) openQuoted(c byte) bool {
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
}

// punctuation reads a punctuation or operator character between tokens.
func (r *Recognizer) punctuation(c byte) bool {
	switch {
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
	}
	return r.operator(c)
}

// operator reads an arithmetic or comparison operator, or '*' (every column or a product).
func (r *Recognizer) operator(c byte) bool {
	switch {
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
		return r.top() == 'c'
	}
	return false
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
