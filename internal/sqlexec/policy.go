package sqlexec

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// The execution policy. Every query an Executor runs is bounded by it; SQL that
// sqlforge did not write itself (a model's answer, a predictions file, an LLM's
// data) also passes the statement guard first. Options fields left at zero take
// these defaults.
const (
	// DefaultMaxCellBytes bounds one value: SQLite's SQLITE_LIMIT_LENGTH during
	// the query (so printf('%.*c', 1e9, 'x') fails at once, before allocating),
	// and a check on each PostgreSQL value read.
	DefaultMaxCellBytes = 1_000_000
	// DefaultMaxResultBytes bounds the bytes of a result read into memory; past it
	// the result is truncated (Result.TruncatedBy is TruncatedByBytes).
	DefaultMaxResultBytes = 64 << 20
	// MaxSQLBytes is the longest statement the guard accepts.
	MaxSQLBytes = 100_000
	// cellOverhead is what each value costs besides its text or bytes, in the
	// result byte count.
	cellOverhead = 16
)

// What cut a truncated result, in Result.TruncatedBy.
const (
	TruncatedByRows  = "rows"
	TruncatedByBytes = "bytes"
)

// ErrRefused is wrapped by every error of Guard.
var ErrRefused = errors.New("refused by the statement guard")

// heavyFunctions allocate memory in one call that a query timeout cannot
// interrupt (SELECT randomblob(1000000000) ran 14 s past a 200 ms timeout before
// SQLITE_LIMIT_LENGTH was set): the guard refuses them outright.
var heavyFunctions = map[string]bool{"randomblob": true, "zeroblob": true}

// deniedFunctions are refused by the SQLite authorizer while untrusted SQL is
// prepared, whatever the guard saw: they load code, touch files or change the
// connection.
var deniedFunctions = map[string]bool{
	"load_extension": true, "readfile": true, "writefile": true, "edit": true,
	"fts3_tokenizer": true, "randomblob": true, "zeroblob": true,
}

// Guard accepts sql for execution: at most MaxSQLBytes, sqlparse.IsReadOnly (one
// SELECT/WITH statement, no writing, schema, PRAGMA, ATTACH, VACUUM or file
// functions) and no call of randomblob or zeroblob. Errors wrap ErrRefused and
// sqlparse.ErrNotReadOnly.
func Guard(sql string) error {
	if len(sql) > MaxSQLBytes {
		return fmt.Errorf("%w: %w: statement of %d bytes, the limit is %d", ErrRefused, sqlparse.ErrNotReadOnly, len(sql), MaxSQLBytes)
	}
	if err := sqlparse.IsReadOnly(sql); err != nil {
		return fmt.Errorf("%w: %w", ErrRefused, err)
	}
	toks, err := sqlparse.Tokenize(sql)
	if err != nil {
		return fmt.Errorf("%w: %w: %v", ErrRefused, sqlparse.ErrNotReadOnly, err)
	}
	for i, t := range toks {
		if t.Kind == sqlparse.Ident && heavyFunctions[strings.ToLower(t.Text)] && i+1 < len(toks) && toks[i+1].Text == "(" {
			return fmt.Errorf("%w: %w: %s() may exhaust memory", ErrRefused, sqlparse.ErrNotReadOnly, t.Text)
		}
	}
	return nil
}

// refusal is the error of sql that the guard refused with gerr. Preparing a
// statement runs nothing, so the executor prepares it too (confined): when the
// engine cannot even compile it — a syntax error, an unknown table or column —
// that is the more useful class and the error says so; otherwise the refusal
// stands.
func refusal(ctx context.Context, sql string, gerr, prepErr error) error {
	switch ErrorClass(prepErr) {
	case ClassSyntax, ClassUnknownTable, ClassUnknownColumn:
		return prepErr
	}
	return wrapErr(ctx, sql, gerr)
}

// bounds are an Options' limits with the defaults filled in.
type bounds struct {
	maxRows, maxCell, maxResult int
}

func boundsOf(opts Options) bounds {
	b := bounds{maxRows: opts.MaxRows, maxCell: opts.MaxCellBytes, maxResult: opts.MaxResultBytes}
	if b.maxCell <= 0 {
		b.maxCell = DefaultMaxCellBytes
	}
	if b.maxResult <= 0 {
		b.maxResult = DefaultMaxResultBytes
	}
	return b
}

// valueBytes is what v counts for in the result byte cap.
func valueBytes(v Value) int { return len(v.Str) + cellOverhead }

// cellTooBig is the error of a value over the cell limit.
func cellTooBig(n, limit int) error {
	return fmt.Errorf("%w: a value of %d bytes exceeds the %d-byte cell limit", ErrTooBig, n, limit)
}

// ErrTooBig is wrapped by errors of values over the cell limit (class ClassTooBig).
var ErrTooBig = errors.New("value too big")
