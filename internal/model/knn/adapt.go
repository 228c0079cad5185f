package knn

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// Substitution is one literal of a retrieved query replaced by a value of the new question.
type Substitution struct {
	// Old is the literal as it was in the retrieved SQL (quotes included).
	Old string
	// New is the literal written in its place.
	New string
}

// adaptation is a retrieved query rewritten for the new question.
type adaptation struct {
	sql  string
	subs []Substitution
	// stale counts filter values of the old question that the new question does not
	// replace (the adapted query still filters on them).
	stale int
	// unused counts values of the new question (years, dates, months, numbers) that had
	// nothing to replace in the retrieved query.
	unused int
}

// questionValues are the values a question states, by kind, in order of appearance.
type questionValues struct {
	dates, months, years, quarters, numbers []string
}

var (
	qDateRE    = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
	qMonthRE   = regexp.MustCompile(`(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{4})\b`)
	qYearRE    = regexp.MustCompile(`\b(?:19|20)\d{2}\b`)
	qQuarterRE = regexp.MustCompile(`(?i)\bQ([1-4])\b|\b(first|second|third|fourth) quarter\b`)
	qNumberRE  = regexp.MustCompile(`\b\d+(?:\.\d+)?\b`)
	quarterEnd = regexp.MustCompile(`/\s*3\s*\)\s*=\s*$`)
)

var monthNumbers = map[string]string{"jan": "01", "feb": "02", "mar": "03", "apr": "04", "may": "05", "jun": "06",
	"jul": "07", "aug": "08", "sep": "09", "oct": "10", "nov": "11", "dec": "12"}
var ordinalQuarters = map[string]string{"first": "1", "second": "2", "third": "3", "fourth": "4"}

// extractValues finds the values question states. Each piece of text counts once: a date
// is not also a year, a month's year is not also a year.
func extractValues(question string) questionValues {
	var v questionValues
	rest := []byte(question)
	blank := func(loc []int) {
		for i := loc[0]; i < loc[1]; i++ {
			rest[i] = ' '
		}
	}
	for _, loc := range qDateRE.FindAllIndex(rest, -1) {
		v.dates = append(v.dates, string(rest[loc[0]:loc[1]]))
		blank(loc)
	}
	for _, m := range qMonthRE.FindAllSubmatchIndex(rest, -1) {
		mon := monthNumbers[strings.ToLower(string(rest[m[2]:m[2]+3]))]
		v.months = append(v.months, string(rest[m[4]:m[5]])+"-"+mon)
		v.years = append(v.years, string(rest[m[4]:m[5]])) // the month's year, for year filters
		blank(m[:2])
	}
	for _, m := range qQuarterRE.FindAllSubmatchIndex(rest, -1) {
		if m[2] >= 0 {
			v.quarters = append(v.quarters, string(rest[m[2]:m[3]]))
		} else {
			v.quarters = append(v.quarters, ordinalQuarters[strings.ToLower(string(rest[m[4]:m[5]]))])
		}
		blank(m[:2])
	}
	for _, loc := range qYearRE.FindAllIndex(rest, -1) {
		v.years = append(v.years, string(rest[loc[0]:loc[1]]))
		blank(loc)
	}
	for _, loc := range qNumberRE.FindAllIndex(rest, -1) {
		v.numbers = append(v.numbers, string(rest[loc[0]:loc[1]]))
	}
	return v
}

// pairUp maps the old question's values to the new one's, position by position, when both
// state the same number of them; it returns how many new values went unmapped.
func pairUp(m map[string]string, old, cur []string) int {
	if len(old) != len(cur) {
		return len(cur)
	}
	for i := range old {
		if _, dup := m[old[i]]; !dup {
			m[old[i]] = cur[i]
		}
	}
	return 0
}

// nextDay returns the date after d ("2022-05-31" → "2022-06-01"), for exclusive bounds.
func nextDay(d string) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 0, 1).Format("2006-01-02")
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func unquote(lit string) string {
	if len(lit) < 2 {
		return lit
	}
	return strings.ReplaceAll(lit[1:len(lit)-1], "''", "'")
}

// adapt rewrites query, the SQL of the retrieved question oldQ, for the question newQ: the
// dates, months, years, quarters and numbers oldQ states are replaced by newQ's, and every
// string literal a column is compared with is replaced by the value of that column newQ
// mentions (from the database's distinct values). Only literal tokens change.
func (b *Backend) adapt(ctx context.Context, query, oldQ, newQ string) adaptation {
	ov, nv := extractValues(oldQ), extractValues(newQ)
	dates, months, years, quarters, numbers := map[string]string{}, map[string]string{}, map[string]string{}, map[string]string{}, map[string]string{}
	a := adaptation{}
	a.unused += pairUp(dates, ov.dates, nv.dates)
	a.unused += pairUp(months, ov.months, nv.months)
	a.unused += pairUp(years, ov.years, nv.years)
	a.unused += pairUp(quarters, ov.quarters, nv.quarters)
	pairUp(numbers, ov.numbers, nv.numbers) // numbers often have no place in SQL: not counted
	for o, n := range dates {
		if on, nn := nextDay(o), nextDay(n); on != "" && nn != "" {
			if _, ok := dates[on]; !ok {
				dates[on] = nn
			}
		}
	}
	toks, err := sqlparse.Tokenize(query)
	if err != nil {
		return adaptation{sql: query}
	}
	tables, _ := sqlparse.Tables(query)
	var out strings.Builder
	last := 0
	replace := func(t sqlparse.Token, lit string) {
		if lit == t.Text {
			return
		}
		out.WriteString(query[last:t.Pos])
		out.WriteString(lit)
		last = t.Pos + len(t.Text)
		a.subs = append(a.subs, Substitution{Old: t.Text, New: lit})
	}
	var prev []sqlparse.Token // significant tokens before the current one
	for _, t := range toks {
		if t.Kind == sqlparse.Comment {
			continue
		}
		switch t.Kind {
		case sqlparse.String:
			v := unquote(t.Text)
			switch {
			case dates[v] != "":
				replace(t, sqlString(dates[v]))
			case months[v] != "":
				replace(t, sqlString(months[v]))
			case years[v] != "":
				replace(t, sqlString(years[v]))
			default:
				if tbl, col, ok := comparedColumn(prev); ok {
					b.substituteValue(ctx, &a, t, v, tbl, col, tables, oldQ, newQ, replace)
				}
			}
		case sqlparse.Number:
			switch {
			case years[t.Text] != "":
				replace(t, years[t.Text])
			case quarters[t.Text] != "" && quarterEnd.MatchString(query[:t.Pos]):
				replace(t, quarters[t.Text])
			case numbers[t.Text] != "" && comparesOrLimits(prev):
				replace(t, numbers[t.Text])
			}
		}
		prev = append(prev, t)
	}
	out.WriteString(query[last:])
	a.sql = out.String()
	return a
}

// substituteValue replaces the literal v compared with qualifier.column by the value of that
// column newQ mentions; a value oldQ stated that newQ does not replace is counted as stale.
func (b *Backend) substituteValue(ctx context.Context, a *adaptation, t sqlparse.Token, v, qualifier, column string,
	tables []string, oldQ, newQ string, replace func(sqlparse.Token, string)) {
	table, ok := b.values.resolve(ctx, qualifier, column, tables)
	if !ok {
		return
	}
	vals := b.values.distinct(ctx, table, column)
	if n := mentioned(newQ, vals); n != "" {
		replace(t, sqlString(n))
		return
	}
	if containsWord(strings.ToLower(oldQ), strings.ToLower(v)) {
		a.stale++
	}
}

// comparedColumn reports the column a string literal is compared with, from the tokens
// before it: `[qualifier.]column (=|<>|!=|LIKE) 'literal'`.
func comparedColumn(prev []sqlparse.Token) (qualifier, column string, ok bool) {
	n := len(prev)
	if n < 2 {
		return "", "", false
	}
	op := prev[n-1]
	if !(op.Text == "=" || op.Text == "==" || op.Text == "<>" || op.Text == "!=" || op.Is("LIKE")) {
		return "", "", false
	}
	col := prev[n-2]
	if col.Kind != sqlparse.Ident && col.Kind != sqlparse.QuotedIdent {
		return "", "", false
	}
	if n >= 4 && prev[n-3].Text == "." {
		return prev[n-4].Name(), col.Name(), true
	}
	return "", col.Name(), true
}

// comparesOrLimits reports whether a number follows LIMIT or a comparison operator, the
// places where a question's numbers (top 5, above 50) land in SQL.
func comparesOrLimits(prev []sqlparse.Token) bool {
	if len(prev) == 0 {
		return false
	}
	p := prev[len(prev)-1]
	switch p.Text {
	case "<", ">", "<=", ">=", "=", "<>", "!=":
		return true
	}
	return p.Is("LIMIT") || p.Is("BETWEEN") || (p.Is("AND") && len(prev) >= 3 && prev[len(prev)-3].Is("BETWEEN"))
}
