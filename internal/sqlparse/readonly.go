package sqlparse

import (
	"errors"
	"fmt"
	"strings"

	rq "github.com/rqlite/sql"
)

// ErrNotReadOnly is wrapped by every error IsReadOnly returns.
var ErrNotReadOnly = errors.New("not a read-only query")

// forbiddenKeywords may not occur anywhere in a read-only query: they
// start or belong to statements that write, change the schema or the
// connection, or manage transactions.
var forbiddenKeywords = []string{
	"INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "ATTACH", "DETACH",
	"PRAGMA", "VACUUM", "REINDEX", "ANALYZE", "BEGIN", "COMMIT", "ROLLBACK",
	"SAVEPOINT", "RELEASE", "TRANSACTION", "TRIGGER", "INTO", "RETURNING",
	"EXPLAIN", "TABLE", "INDEX", "VIRTUAL", "DATABASE", "SET", "RENAME",
}

// forbiddenFunctions are SQLite functions with effects outside the query:
// loading code, reading or writing files, or changing FTS tokenizers.
var forbiddenFunctions = map[string]bool{
	"load_extension": true, "readfile": true, "writefile": true, "edit": true,
	"fts3_tokenizer": true, "sqlite_dbpage": true,
}

// IsReadOnly returns nil when sql is exactly one query that can only read:
// a statement beginning with SELECT or WITH, containing none of the
// keywords of writing, schema, connection or transaction statements
// (INSERT, UPDATE, DELETE, REPLACE, CREATE, DROP, ALTER, ATTACH, DETACH,
// PRAGMA, VACUUM, ...; also inside CTEs) and no call of load_extension,
// readfile, writefile, edit, fts3_tokenizer or sqlite_dbpage. The check works
// on tokens, so it holds for text the AST parser cannot read; where the
// parser can, the statement must also parse as a SELECT. Otherwise the
// error wraps ErrNotReadOnly and gives the reason. This is a syntactic
// guard: the executor still opens databases read-only.
func IsReadOnly(sql string) error {
	toks, err := Tokenize(sql)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotReadOnly, err)
	}
	stmts := splitStatements(toks)
	switch {
	case len(stmts) == 0:
		return fmt.Errorf("%w: empty statement", ErrNotReadOnly)
	case len(stmts) > 1:
		return fmt.Errorf("%w: %d statements, want exactly one", ErrNotReadOnly, len(stmts))
	}
	st := stmts[0]
	if !(st[0].Is("SELECT") || st[0].Is("WITH")) {
		return fmt.Errorf("%w: statement starts with %q, want SELECT or WITH", ErrNotReadOnly, st[0].Text)
	}
	for i, t := range st {
		switch t.Kind {
		case Illegal:
			return fmt.Errorf("%w: unexpected %q at byte %d", ErrNotReadOnly, t.Text, t.Pos)
		case Keyword:
			for _, kw := range forbiddenKeywords {
				if t.Is(kw) {
					return fmt.Errorf("%w: %s at byte %d", ErrNotReadOnly, strings.ToUpper(t.Text), t.Pos)
				}
			}
		case Ident, QuotedIdent:
			call := i+1 < len(st) && st[i+1].IsPunct("(")
			name := strings.ToLower(t.Name())
			if call && forbiddenFunctions[name] {
				return fmt.Errorf("%w: call of %s at byte %d", ErrNotReadOnly, name, t.Pos)
			}
			if t.Kind == Ident && name == "replace" && !call {
				return fmt.Errorf("%w: REPLACE at byte %d", ErrNotReadOnly, t.Pos)
			}
		}
	}
	if stmt, err := Parse(sql); err == nil {
		if _, ok := stmt.(*rq.SelectStatement); !ok {
			return fmt.Errorf("%w: %s statement", ErrNotReadOnly, statementKind(stmt))
		}
	}
	return nil
}
