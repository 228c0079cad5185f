package constrain

import (
	"strings"

	"github.com/sqlforge/sqlforge/internal/schema"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// Names are the identifiers a query may use: each table (or view) with its
// columns. Matching is case-insensitive, as in SQLite.
type Names struct {
	Tables map[string][]string
}

// FromSchema collects the table, view and column names of s.
func FromSchema(s *schema.Schema) Names {
	n := Names{Tables: map[string][]string{}}
	for _, t := range s.Tables {
		var cols []string
		for _, c := range t.Columns {
			cols = append(cols, c.Name)
		}
		n.Tables[t.Name] = cols
	}
	return n
}

// Functions are the SQL functions a constrained query may call.
var Functions = []string{
	"ABS", "AVG", "COALESCE", "COUNT", "DATE", "DATETIME", "GROUP_CONCAT", "IFNULL", "IIF", "INSTR",
	"JULIANDAY", "LENGTH", "LOWER", "LTRIM", "MAX", "MIN", "NULLIF", "PRINTF", "REPLACE", "ROUND", "RTRIM",
	"STRFTIME", "SUBSTR", "SUBSTRING", "SUM", "TIME", "TOTAL", "TRIM", "UPPER",
	// Window functions (any function call may be followed by OVER).
	"ROW_NUMBER", "RANK", "DENSE_RANK", "NTILE", "LAG", "LEAD", "FIRST_VALUE", "LAST_VALUE",
	"PERCENT_RANK", "CUME_DIST",
}

// index is the upper-cased lookup built once per Names and shared,
// read-only, by every recognizer state.
type index struct {
	tables    map[string][]string // table → its columns, all upper case
	columns   map[string]bool     // every column of every table
	functions map[string]bool
	// words lists every table, column and function name, for prefix checks.
	tableList, columnList, functionList []string
}

func newIndex(n Names) *index {
	ix := &index{tables: map[string][]string{}, columns: map[string]bool{}, functions: map[string]bool{}}
	for t, cols := range n.Tables {
		T := strings.ToUpper(t)
		ix.tableList = append(ix.tableList, T)
		for _, c := range cols {
			C := strings.ToUpper(c)
			ix.tables[T] = append(ix.tables[T], C)
			if !ix.columns[C] {
				ix.columns[C] = true
				ix.columnList = append(ix.columnList, C)
			}
		}
		if ix.tables[T] == nil {
			ix.tables[T] = []string{}
		}
	}
	for _, f := range Functions {
		ix.functions[f] = true
		ix.functionList = append(ix.functionList, f)
	}
	return ix
}

// reserved reports whether w (upper case) may not be used as a bare alias.
func reserved(w string) bool {
	return sqlparse.IsKeyword(w) || keywordSet[w]
}

// The keywords the recognizer understands, grouped by where they may come.
var (
	operandKeywords = []string{"NOT", "NULL", "TRUE", "FALSE", "CASE", "EXISTS", "CAST",
		"CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP"}
	afterOperandKeywords = []string{"AND", "OR", "NOT", "IS", "IN", "LIKE", "GLOB", "BETWEEN", "ESCAPE",
		"ASC", "DESC", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "UNION", "INTERSECT", "EXCEPT"}
	joinKeywords  = []string{"JOIN", "LEFT", "RIGHT", "FULL", "INNER", "CROSS", "NATURAL"}
	tableKeywords = []string{"ON", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "UNION", "INTERSECT", "EXCEPT"}
	caseKeywords  = []string{"WHEN", "THEN", "ELSE", "END"}
	notOpKeywords = []string{"IN", "LIKE", "GLOB", "BETWEEN", "NULL"}
	allKeywords   = [][]string{operandKeywords, afterOperandKeywords, joinKeywords, tableKeywords, caseKeywords,
		{"SELECT", "DISTINCT", "ALL", "FROM", "AS", "BY", "OUTER", "USING", "WITH", "OVER", "PARTITION"}}
	keywordSet = func() map[string]bool {
		m := map[string]bool{}
		for _, ks := range allKeywords {
			for _, k := range ks {
				m[k] = true
			}
		}
		return m
	}()
)
