// Package sqlexec runs SQL read-only against a database and returns results as
// canonical typed values, so that results from SQLite and PostgreSQL, and from
// gold and predicted queries, can be compared cell by cell.
//
// Every query is bounded: a timeout interrupts it inside the engine (the
// executor stays usable afterwards), and a row cap stops reading early and
// reports the truncation. Read-only enforcement lives here, not at call sites:
// SQLite files are opened with mode=ro and PRAGMA query_only, PostgreSQL
// queries run in READ ONLY transactions with a statement_timeout.
//
// Errors carry a class (see ErrorClass) for reports: syntax error, unknown
// table, unknown column, timeout, runtime error.
package sqlexec

import (
	"context"
	"strings"
	"time"
)

// Dialect names returned by Executor.Dialect.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// Executor runs read-only SQL against one database. Implementations are safe
// for concurrent use.
type Executor interface {
	// Query runs sql and reads its rows, bounded by ctx and opts.
	Query(ctx context.Context, sql string, opts Options) (*Result, error)
	// Check prepares sql without running it: it reports syntax errors and
	// unknown tables or columns, classified like Query's errors.
	Check(ctx context.Context, sql string) error
	// Dialect names the SQL dialect: DialectSQLite or DialectPostgres.
	Dialect() string
	// Close releases the executor's connections (not those of a borrowed
	// *sql.DB or pool).
	Close() error
}

// Options bound one query. The zero value means no timeout beyond ctx and no
// row cap.
type Options struct {
	// Timeout interrupts the query after this long; 0 means only ctx bounds it.
	Timeout time.Duration
	// MaxRows stops reading after this many rows and sets Result.Truncated;
	// 0 means no cap.
	MaxRows int
}

// Result is the outcome of a query: column names and rows of canonical values.
type Result struct {
	// Columns are the result column names as the engine reports them
	// (duplicates possible).
	Columns []string
	// Rows hold len(Columns) values each, in the order the engine returned them.
	Rows [][]Value
	// Truncated reports that the query had more rows than Options.MaxRows.
	Truncated bool
}

// Open opens an executor for target: a postgres:// or postgresql:// URL opens
// PostgreSQL; anything else is the path of a SQLite file, opened read-only.
func Open(ctx context.Context, target string) (Executor, error) {
	switch {
	case strings.HasPrefix(target, "postgres://"), strings.HasPrefix(target, "postgresql://"):
		return OpenPostgres(ctx, target)
	default:
		return OpenSQLite(ctx, target)
	}
}

// withTimeout derives the query context from opts.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d > 0 {
		return context.WithTimeout(ctx, d)
	}
	return context.WithCancel(ctx)
}

// excerpt shortens sql for error messages: one line, at most 120 characters.
func excerpt(sql string) string {
	s := strings.Join(strings.Fields(sql), " ")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:117]) + "..."
	}
	return s
}

// capReached reports whether reading one more row would exceed opts.MaxRows.
func capReached(opts Options, n int) bool {
	return opts.MaxRows > 0 && n >= opts.MaxRows
}
