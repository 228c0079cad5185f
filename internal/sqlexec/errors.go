package sqlexec

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// Error classes returned by ErrorClass.
const (
	ClassSyntax        = "syntax"
	ClassUnknownTable  = "unknown_table"
	ClassUnknownColumn = "unknown_column"
	ClassTimeout       = "timeout"
	ClassCanceled      = "canceled"
	ClassRuntime       = "runtime"
	// ClassRefused is SQL the statement guard or the authorizer refused.
	ClassRefused = "refused"
	// ClassTooBig is a value over the cell byte limit.
	ClassTooBig = "too_big"
)

// QueryError is a failed query: the class of the failure, an excerpt of the
// SQL and the engine's error.
type QueryError struct {
	// Class is one of the Class constants.
	Class string
	// SQL is an excerpt of the failing statement.
	SQL string
	// Err is the underlying error.
	Err error
}

func (e *QueryError) Error() string { return "query " + quote(e.SQL) + ": " + e.Err.Error() }

// Unwrap returns the engine's error.
func (e *QueryError) Unwrap() error { return e.Err }

func quote(s string) string { return "\"" + strings.ReplaceAll(s, "\"", "\\\"") + "\"" }

// ErrorClass names the class of a query error for reports: ClassSyntax,
// ClassUnknownTable, ClassUnknownColumn, ClassTimeout, ClassCanceled or
// ClassRuntime, ClassRefused or ClassTooBig; "" for nil.
func ErrorClass(err error) string {
	if err == nil {
		return ""
	}
	var qe *QueryError
	if errors.As(err, &qe) {
		return qe.Class
	}
	return classify(nil, err)
}

// wrapErr turns an engine error into a *QueryError. ctx is the query's
// context: when it is done, the failure is a timeout or a cancellation
// whatever the engine said.
func wrapErr(ctx context.Context, sql string, err error) error {
	return &QueryError{Class: classify(ctx, err), SQL: excerpt(sql), Err: err}
}

func classify(ctx context.Context, err error) string {
	if ctx != nil {
		switch ctx.Err() {
		case context.DeadlineExceeded:
			return ClassTimeout
		case context.Canceled:
			return ClassCanceled
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return ClassTimeout
	}
	if errors.Is(err, context.Canceled) {
		return ClassCanceled
	}
	if errors.Is(err, ErrRefused) || errors.Is(err, sqlparse.ErrNotReadOnly) { // the latter: bqdb's own guard
		return ClassRefused
	}
	if errors.Is(err, ErrTooBig) {
		return ClassTooBig
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "42601":
			return ClassSyntax
		case "42P01":
			return ClassUnknownTable
		case "42703":
			return ClassUnknownColumn
		case "57014":
			return ClassTimeout
		}
		return ClassRuntime
	}
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "syntax error"), strings.Contains(msg, "incomplete input"),
		strings.Contains(msg, "unrecognized token"):
		return ClassSyntax
	case strings.Contains(msg, "no such table"),
		// BigQuery: "Not found: Table p:d.x was not found"; the emulator: "Table not found: x".
		strings.Contains(msg, "not found: table"), strings.Contains(msg, "table not found"):
		return ClassUnknownTable
	case strings.Contains(msg, "no such column"),
		strings.Contains(msg, "unrecognized name"): // BigQuery and the emulator (ZetaSQL)
		return ClassUnknownColumn
	case strings.Contains(msg, "interrupted"):
		return ClassTimeout
	case strings.Contains(msg, "string or blob too big"):
		return ClassTooBig
	case strings.Contains(msg, "not authorized"), strings.Contains(msg, "authorization denied"),
		strings.Contains(msg, "too many attached databases"):
		return ClassRefused
	}
	return ClassRuntime
}
