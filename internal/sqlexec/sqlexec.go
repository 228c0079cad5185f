// Package sqlexec runs SQL read-only against a database and returns results as
// canonical typed values, so that results from SQLite and PostgreSQL, and from
// gold and predicted queries, can be compared cell by cell.
//
// Every query is bounded by one execution policy (policy.go): a timeout
// interrupts it inside the engine (the executor stays usable afterwards); each
// value is capped in bytes (SQLITE_LIMIT_LENGTH in SQLite, so one function call
// cannot allocate past it; a check while scanning in PostgreSQL); a row cap and
// a byte cap stop reading early and report the truncation. SQL that sqlforge
// did not write itself passes the statement guard (Guard) first. Read-only
// enforcement lives here, not at call sites: SQLite files are opened with
// mode=ro and PRAGMA query_only, and while a query is prepared and run an
// authorizer admits only reading (no PRAGMA, ATTACH, transaction or file
// function) and no database can be attached; both are removed and the limits
// restored afterwards, so a pooled connection leaves each query as it entered.
// PostgreSQL queries run in READ ONLY transactions with a statement_timeout.
//
// Errors carry a class (see ErrorClass) for reports: syntax error, unknown
// table, unknown column, timeout, runtime error.
package sqlexec

import (
	"context"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/bqdb"
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
	// Dialect names the SQL dialect: DialectSQLite, DialectPostgres or
	// DialectBigQuery.
	Dialect() string
	// Close releases the executor's connections (not those of a borrowed
	// *sql.DB or pool).
	Close() error
}

// Options bound one query. The zero value means no timeout beyond ctx, no
// row cap, the default cell and result byte caps, and the statement guard.
type Options struct {
	// Timeout interrupts the query after this long; 0 means only ctx bounds it.
	Timeout time.Duration
	// MaxRows stops reading after this many rows and sets Result.Truncated;
	// 0 means no cap.
	MaxRows int
	// MaxCellBytes fails the query when one value (a result cell or any
	// intermediate SQLite value) is longer; 0 means DefaultMaxCellBytes.
	MaxCellBytes int
	// MaxResultBytes stops reading once the result holds this many bytes and
	// sets Result.Truncated; 0 means DefaultMaxResultBytes.
	MaxResultBytes int
	// Trusted skips the statement guard: for SQL sqlforge wrote itself or a
	// dataset's gold query. The authorizer and the limits still apply.
	Trusted bool
}

// Result is the outcome of a query: column names and rows of canonical values.
type Result struct {
	// Columns are the result column names as the engine reports them
	// (duplicates possible).
	Columns []string
	// Rows hold len(Columns) values each, in the order the engine returned them.
	Rows [][]Value
	// Truncated reports that the query had more rows than Options.MaxRows or
	// more bytes than Options.MaxResultBytes.
	Truncated bool
	// TruncatedBy says which cap cut the result: TruncatedByRows or
	// TruncatedByBytes ("" when not truncated).
	TruncatedBy string
}

// Open opens an executor for target: a postgres:// or postgresql:// URL opens
// PostgreSQL, a bigquery:// URL a BigQuery dataset; anything else is the path of a
// SQLite file, opened read-only.
func Open(ctx context.Context, target string) (Executor, error) {
	switch {
	case bqdb.IsURL(target):
		return OpenBigQuery(ctx, target)
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

// reader accumulates rows under the row and byte caps.
type reader struct {
	b     bounds
	res   *Result
	bytes int
}

// full reports whether reading one more row would exceed a cap, and marks the
// result truncated when it would.
func (r *reader) full() bool {
	switch {
	case r.b.maxRows > 0 && len(r.res.Rows) >= r.b.maxRows:
		r.res.Truncated, r.res.TruncatedBy = true, TruncatedByRows
	case r.bytes >= r.b.maxResult:
		r.res.Truncated, r.res.TruncatedBy = true, TruncatedByBytes
	default:
		return false
	}
	return true
}

// add appends row unless it would take the result past the byte cap, in which
// case the result is marked truncated; it reports whether row was added.
func (r *reader) add(row []Value) bool {
	n := 0
	for _, v := range row {
		n += valueBytes(v)
	}
	if len(r.res.Rows) > 0 && r.bytes+n > r.b.maxResult {
		r.res.Truncated, r.res.TruncatedBy = true, TruncatedByBytes
		return false
	}
	r.bytes += n
	r.res.Rows = append(r.res.Rows, row)
	return true
}
