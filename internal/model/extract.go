package model

import (
	"regexp"
	"strings"

	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// Markers of the seed project's answer format: reasoning, then
// "###final_sql_query:", the SQL, and "###END".
const (
	markerFinalSQL = "###final_sql_query:"
	markerEnd      = "###END"
)

var (
	fenceRE     = regexp.MustCompile("(?s)```[ \\t]*([A-Za-z0-9_-]*)[^\\n]*\\n(.*?)```")
	stmtStartRE = regexp.MustCompile(`(?im)^[ \t]*(?:WITH\s+(?:RECURSIVE\s+)?["\x60\[]?\w+["\x60\]]?\s*(?:\([^)]*\))?\s+AS\s*(?:NOT\s+)?(?:MATERIALIZED\s+)?\(|SELECT\b)`)
	selectRE    = regexp.MustCompile(`(?i)\bSELECT\b`)
	blankLineRE = regexp.MustCompile(`\n[ \t]*\n`)
)

// ExtractSQL finds the SQL statement in a model's answer and the reasoning
// that precedes it. It understands, in order of precedence:
//
//   - the seed format: reasoning, "###final_sql_query:", SQL, optional "###END";
//   - fenced blocks: the last ```sql block, else the last fenced block that
//     holds a SELECT or WITH statement;
//   - a bare SELECT or WITH statement in prose, up to its first ";" outside
//     quotes or the first blank line.
//
// The SQL is trimmed and loses its trailing semicolons; it is always a
// substring of text. Both results are empty when nothing looks like SQL.
func ExtractSQL(text string) (sql, reasoning string) {
	if i := indexFold(text, markerFinalSQL); i >= 0 {
		reasoning = strings.TrimSpace(text[:i])
		rest := text[i+len(markerFinalSQL):]
		if j := indexFold(rest, markerEnd); j >= 0 {
			rest = rest[:j]
		}
		if s, _ := fromFences(rest); s != "" {
			return s, reasoning
		}
		return clean(rest), reasoning
	}
	if j := indexFold(text, markerEnd); j >= 0 {
		text = text[:j]
	}
	if s, at := fromFences(text); s != "" {
		return s, strings.TrimSpace(text[:at])
	}
	loc := stmtStartRE.FindStringIndex(text)
	if loc == nil {
		loc = selectRE.FindStringIndex(text)
	}
	if loc == nil {
		return "", ""
	}
	start := loc[0] + len(text[loc[0]:loc[1]]) - len(strings.TrimLeft(text[loc[0]:loc[1]], " \t"))
	return clean(statementAt(text[start:])), strings.TrimSpace(text[:start])
}

// fromFences returns the SQL of the preferred fenced block and the offset of
// that block in text, or "" when no block holds SQL.
func fromFences(text string) (string, int) {
	blocks := fenceRE.FindAllStringSubmatchIndex(text, -1)
	best, bestAt, bestIsSQL := "", 0, false
	for _, b := range blocks {
		lang := strings.ToLower(text[b[2]:b[3]])
		body := clean(text[b[4]:b[5]])
		isSQL := lang == "sql" || strings.HasSuffix(lang, "sql")
		switch {
		case isSQL:
			best, bestAt, bestIsSQL = body, b[0], true
		case !bestIsSQL && (stmtStartRE.MatchString(body) || selectRE.MatchString(body)):
			best, bestAt = body, b[0]
		}
	}
	return best, bestAt
}

// statementAt returns s up to the first ";" outside quotes or comments (a sqlparse
// token), or the first blank line, whichever comes first.
func statementAt(s string) string {
	if loc := blankLineRE.FindStringIndex(s); loc != nil {
		s = s[:loc[0]]
	}
	toks, _ := sqlparse.Tokenize(s)
	for _, t := range toks {
		if t.IsPunct(";") {
			return s[:t.Pos]
		}
	}
	return s
}

// clean trims space and trailing semicolons.
func clean(s string) string {
	for {
		t := strings.TrimSpace(strings.TrimRight(s, ";"))
		if t == s {
			return s
		}
		s = t
	}
}

// indexFold is strings.Index ignoring ASCII case.
func indexFold(s, sub string) int {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], sub) {
			return i
		}
	}
	return -1
}
