// Package sqlparse reads SQLite-flavoured SQL for the rest of sqlforge: it
// tokenizes, checks syntax, normalises text for exact-match comparison,
// formats it for training data, classifies Spider hardness, lists the tables
// a query reads and decides whether a statement is read-only.
//
// Two layers do the work. A tokenizer of our own (Tokenize) understands
// every lexical form SQLite accepts — strings, "x", [x] and `x` identifiers,
// numbers, blobs, parameters, comments, operators — and never fails to make
// progress, so the text functions (Normalize, Format, StripDistinct,
// HasOrderBy, OuterOrderBy, IsReadOnly) work on any input. Above it,
// github.com/rqlite/sql provides a SQLite AST (Parse) that Hardness,
// HardnessCounts, Tables and Components walk with a walker of our own,
// because rqlite's Walk does not descend into CTEs and subqueries.
package sqlparse
