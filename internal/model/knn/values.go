package knn

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
)

// maxDistinct caps the distinct values read per column.
const maxDistinct = 5000

// valueSource reads and caches the distinct text values of columns, the vocabulary a
// question's names (countries, categories, companies, people) are looked up in.
type valueSource struct {
	db *sql.DB
	mu sync.Mutex
	// cols maps a lower-case table name to its column names.
	cols map[string][]string
	// vals maps "table.column" (lower case) to its distinct values.
	vals map[string][]string
}

func newValueSource(db *sql.DB) *valueSource {
	return &valueSource{db: db, cols: map[string][]string{}, vals: map[string][]string{}}
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// columns returns the column names of table (nil when it does not exist).
func (v *valueSource) columns(ctx context.Context, table string) []string {
	key := strings.ToLower(table)
	v.mu.Lock()
	cols, ok := v.cols[key]
	v.mu.Unlock()
	if ok {
		return cols
	}
	rows, err := v.db.QueryContext(ctx, "SELECT name FROM pragma_table_info(?)", table)
	if err == nil {
		for rows.Next() {
			var c string
			if rows.Scan(&c) == nil {
				cols = append(cols, c)
			}
		}
		rows.Close()
	}
	v.mu.Lock()
	v.cols[key] = cols
	v.mu.Unlock()
	return cols
}

// resolve finds the table among tables that has column; qualifier, when it names one of
// them, wins.
func (v *valueSource) resolve(ctx context.Context, qualifier, column string, tables []string) (string, bool) {
	try := tables
	if qualifier != "" {
		try = append([]string{qualifier}, tables...)
	}
	for _, t := range try {
		for _, c := range v.columns(ctx, t) {
			if strings.EqualFold(c, column) {
				return t, true
			}
		}
	}
	return "", false
}

// distinct returns the distinct text values of table.column (at most maxDistinct).
func (v *valueSource) distinct(ctx context.Context, table, column string) []string {
	key := strings.ToLower(table + "." + column)
	v.mu.Lock()
	vals, ok := v.vals[key]
	v.mu.Unlock()
	if ok {
		return vals
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	q := fmt.Sprintf("SELECT DISTINCT %[1]s FROM %[2]s WHERE typeof(%[1]s) = 'text' LIMIT %[3]d", quoteIdent(column), quoteIdent(table), maxDistinct)
	rows, err := v.db.QueryContext(ctx, q)
	if err != nil {
		return nil // not cached: a timeout may pass next time
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if rows.Scan(&s) == nil && strings.TrimSpace(s) != "" {
			vals = append(vals, s)
		}
	}
	if rows.Err() != nil {
		return nil
	}
	v.mu.Lock()
	v.vals[key] = vals
	v.mu.Unlock()
	return vals
}

// mentioned returns the longest of values that question mentions as whole words
// (case-insensitive), or "" when none is.
func mentioned(question string, values []string) string {
	q := strings.ToLower(question)
	best := ""
	for _, val := range values {
		if len(val) <= len(best) || len(val) < 2 {
			continue
		}
		if containsWord(q, strings.ToLower(val)) {
			best = val
		}
	}
	return best
}

var wordChar = regexp.MustCompile(`[\p{L}\p{N}]`)

// containsWord reports whether phrase occurs in s not inside a longer word.
func containsWord(s, phrase string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], phrase)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(phrase)
		before := i == 0 || !wordChar.MatchString(s[i-1:i])
		after := end == len(s) || !wordChar.MatchString(s[end:end+1])
		if before && after {
			return true
		}
		off = i + 1
	}
}
