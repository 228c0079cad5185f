package sqlparse

import "strings"

// Normalize returns the canonical text of sql for exact-match comparison:
// comments dropped, whitespace collapsed, keywords upper-cased, unquoted
// identifiers (function names included) lower-cased, trailing semicolons
// removed and spacing around punctuation made canonical (see Format).
// Quoted identifiers are case-folded too, as SQLite compares identifiers
// without regard to ASCII case; one that would be a valid bare word loses its
// quotes ("OrderID" becomes orderid) and the others are written "like ""this""".
// The operators <> and == are written != and =. String literals, numbers and
// blobs are kept byte for byte. Normalize never fails: text the tokenizer
// cannot read stays as it is, so Normalize(Normalize(x)) == Normalize(x).
func Normalize(sql string) string {
	toks, _ := Tokenize(sql)
	return render(toks, true)
}

// Format returns sql in the one-line style used for training data:
// comments dropped, single spaces, keywords upper-case, identifiers and
// literals exactly as written, no space inside parentheses or before commas,
// no space between a function name and its '(' , and no trailing semicolon.
// Format(Format(x)) == Format(x).
func Format(sql string) string {
	toks, _ := Tokenize(sql)
	return render(toks, false)
}

// render writes the tokens (comments skipped, trailing semicolons dropped)
// with canonical spacing; canonical selects Normalize's spelling rules.
func render(toks []Token, canonical bool) string {
	end := len(toks)
	for end > 0 && (toks[end-1].Kind == Comment || toks[end-1].IsPunct(";")) {
		end--
	}
	var b strings.Builder
	b.Grow(len(toks) * 6)
	var prev Token
	prevText := ""
	havePrev := false
	for _, t := range toks[:end] {
		if t.Kind == Comment {
			continue
		}
		text := spell(t, canonical)
		if havePrev && (needSpace(prev, t) || merges(prevText, text)) {
			b.WriteByte(' ')
		}
		b.WriteString(text)
		prev = classifyUnary(prev, t, havePrev)
		prevText = text
		havePrev = true
	}
	return b.String()
}

// unaryOp marks a '-', '+' or '~' token read as a prefix operator.
const unaryOp Kind = 255

// classifyUnary returns t, re-kinded as unaryOp when it is a sign or '~'
// that begins an operand rather than joining two.
func classifyUnary(prev, t Token, havePrev bool) Token {
	if t.Kind != Operator || (t.Text != "-" && t.Text != "+" && t.Text != "~") {
		return t
	}
	if t.Text == "~" || !havePrev || !endsOperand(prev) {
		t.Kind = unaryOp
	}
	return t
}

// endsOperand reports whether a token can be the last token of an operand,
// so that a following '-' or '+' is binary.
func endsOperand(t Token) bool {
	switch t.Kind {
	case Ident, QuotedIdent, String, Number, Blob, Param:
		return true
	case Punct:
		return t.Text == ")"
	case Keyword:
		switch strings.ToUpper(t.Text) {
		case "END", "NULL", "TRUE", "FALSE", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP":
			return true
		}
	}
	return false
}

// needSpace decides the canonical spacing between two adjacent tokens.
func needSpace(prev, t Token) bool {
	if prev.Kind == unaryOp {
		return false
	}
	if prev.Kind == Punct && (prev.Text == "(" || prev.Text == ".") {
		return false
	}
	if t.Kind == Punct {
		switch t.Text {
		case ")", ",", ";", ".":
			return false
		case "(":
			// A call: no space after a function name (or CAST).
			return !(prev.Kind == Ident || prev.Kind == QuotedIdent || prev.Is("CAST"))
		}
	}
	return true
}

// merges reports whether writing b right after a would lex differently,
// such as "-" "-" becoming a comment or "1" "." becoming "1.".
func merges(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	joined := a + b
	end, _, _ := scanToken(joined, 0)
	return end != len(a)
}

// spell returns the text render writes for t.
func spell(t Token, canonical bool) string {
	switch t.Kind {
	case Keyword:
		return strings.ToUpper(t.Text)
	case Ident:
		if canonical {
			return strings.ToLower(t.Text)
		}
	case QuotedIdent:
		if canonical {
			return canonicalIdent(t)
		}
	case Operator:
		if canonical {
			switch t.Text {
			case "<>":
				return "!="
			case "==":
				return "="
			}
		}
	}
	return t.Text
}

// canonicalIdent spells a quoted identifier for Normalize: lower-cased, and
// bare when it is a plain word that is not a keyword.
func canonicalIdent(t Token) string {
	name := strings.ToLower(t.Name())
	if isBareWord(name) {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// isBareWord reports whether s lexes as a single non-keyword identifier.
func isBareWord(s string) bool {
	if s == "" || !isWordStart(s[0]) || s[0] >= 0x80 || IsKeyword(s) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			return false
		}
	}
	// x'..' would read as a blob if a quote followed; never the case here.
	return true
}

// Squeeze returns sql with each run of white space between two tokens made one space
// and the white space at either end removed. Tokens are kept byte for byte, so white
// space inside strings, quoted identifiers and comments stays. keep chooses the tokens
// written (nil keeps every one); a token left out counts as white space. Unlike Format,
// Squeeze changes nothing else: no case, no spacing around punctuation.
func Squeeze(sql string, keep func(Token) bool) string {
	toks, _ := Tokenize(sql)
	var b strings.Builder
	b.Grow(len(sql))
	end := 0     // the end of the previous token, written or not
	gap := false // white space or a token left out since the last token written
	for _, t := range toks {
		if t.Pos > end {
			gap = true
		}
		end = t.Pos + len(t.Text)
		if keep != nil && !keep(t) {
			gap = true
			continue
		}
		if gap && b.Len() > 0 {
			b.WriteByte(' ')
		}
		gap = false
		b.WriteString(t.Text)
	}
	return b.String()
}

// IsLineComment reports whether t is a "--" comment, which runs to the end of its line.
func (t Token) IsLineComment() bool {
	return t.Kind == Comment && strings.HasPrefix(t.Text, "--")
}
