// Package spider ports the parts of Spider's official evaluator that need no
// database: process_sql.py's tokenizer and parser, and evaluation.py's exact-set
// match and hardness, from taoyds/test-suite-sql-eval (line numbers in the doc
// comments refer to that repository's files of December 2026).
//
// Queries are parsed against a schema, so table aliases and bare column names
// resolve to "__table.column__" ids; columns linked by foreign keys
// (tables.json) are one column; values and DISTINCT are ignored by default.
// Where the original raises, Parse returns an error: a prediction that does not
// parse scores as the empty query, a gold that does not parse is one the
// official evaluator stops on. The verdicts agree item by item with the
// official code on Spider's public examples (testdata/README.md).
package spider
