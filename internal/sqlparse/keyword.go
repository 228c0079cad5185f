package sqlparse

import "strings"

// keywords is the set of words Normalize and Format upper-case. It holds
// SQLite's keywords minus those that commonly name columns or functions
// (KEY, ACTION, NO, PLAN, QUERY, TEMP, VIEW, REPLACE, ...): upper-casing
// those would change identifiers as written, and REPLACE is also a string
// function. A word left out is still read correctly, just as an identifier.
var keywords = func() map[string]struct{} {
	words := strings.Fields(`
ABORT ADD ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT
BEFORE BEGIN BETWEEN BY CASCADE CASE CAST CHECK COLLATE COMMIT CONFLICT CONSTRAINT
CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT
DEFERRABLE DEFERRED DELETE DESC DETACH DISTINCT DROP ELSE END ESCAPE EXCEPT EXCLUDE
EXCLUSIVE EXISTS EXPLAIN FALSE FILTER FIRST FOLLOWING FOR FOREIGN FROM FULL GENERATED
GLOB GROUP GROUPS HAVING IF IGNORE IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT
INSTEAD INTERSECT INTO IS ISNULL JOIN LAST LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL
NOT NOTHING NOTNULL NULL NULLS OFFSET ON OR ORDER OTHERS OUTER OVER PARTITION PRAGMA
PRECEDING PRIMARY RAISE RANGE RECURSIVE REFERENCES REGEXP REINDEX RELEASE RENAME
RESTRICT RETURNING RIGHT ROLLBACK ROWS SAVEPOINT SELECT SET TABLE THEN TIES TO
TRANSACTION TRIGGER TRUE UNBOUNDED UNION UNIQUE UPDATE USING VACUUM VALUES VIRTUAL
WHEN WHERE WINDOW WITH WITHOUT`)
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		m[w] = struct{}{}
	}
	return m
}()

// maxKeywordLen bounds the words worth looking up.
const maxKeywordLen = len("CURRENT_TIMESTAMP")

// IsKeyword reports whether word (any case) is an SQL keyword in the sense of
// this package: one that Normalize and Format write in upper case.
func IsKeyword(word string) bool {
	if len(word) > maxKeywordLen || len(word) < 2 {
		return false
	}
	var buf [maxKeywordLen]byte
	for i := 0; i < len(word); i++ {
		c := word[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	_, ok := keywords[string(buf[:len(word)])]
	return ok
}

// aggregates are the aggregate functions Spider's evaluation knows
// (AGG_OPS without 'none').
var aggregates = map[string]bool{"max": true, "min": true, "count": true, "sum": true, "avg": true}

// isAggregate reports whether a function name is one of Spider's aggregates.
func isAggregate(name string) bool {
	return len(name) <= 5 && aggregates[strings.ToLower(name)]
}
