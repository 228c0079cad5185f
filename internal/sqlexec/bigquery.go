package sqlexec

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/sqlforge/sqlforge/internal/bqdb"
)

// DialectBigQuery is the dialect of BigQuery executors.
const DialectBigQuery = "bigquery"

// BigQuery executes queries on a BigQuery dataset (the real service or
// goccy/bigquery-emulator) through the official client library. BigQuery has no
// read-only session, so read-only is the statement guard: every statement, trusted
// or not, must be one SELECT or WITH (sqlparse.IsReadOnly, checked again inside
// bqdb before anything reaches the server); untrusted SQL passes the full Guard
// first. Timeouts bound both the client (ctx) and the job (JobTimeout); the row and
// byte caps stop reading pages early.
type BigQuery struct {
	d        *bqdb.Dataset
	borrowed bool
}

var _ Executor = (*BigQuery)(nil)

// OpenBigQuery opens the dataset a bigquery://HOST:PORT/PROJECT/DATASET URL names
// and checks that it exists.
func OpenBigQuery(ctx context.Context, url string) (*BigQuery, error) {
	r, err := bqdb.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("open bigquery: %w", err)
	}
	d, err := bqdb.OpenDataset(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("open bigquery: %w", err)
	}
	return &BigQuery{d: d}, nil
}

// NewBigQuery wraps a dataset owned by the caller: Close leaves its client open.
func NewBigQuery(d *bqdb.Dataset) *BigQuery { return &BigQuery{d: d, borrowed: true} }

// Dialect returns DialectBigQuery.
func (b *BigQuery) Dialect() string { return DialectBigQuery }

// Close closes the client unless it was borrowed.
func (b *BigQuery) Close() error {
	if b.borrowed {
		return nil
	}
	return b.d.Close()
}

// Check guards sql and validates it with a dry run (on the emulator, which has
// none, a query that analyzes sql without computing it: bqdb.Dataset.Check).
func (b *BigQuery) Check(ctx context.Context, query string) error {
	if err := Guard(query); err != nil {
		return refusal(ctx, query, err, b.check(ctx, query))
	}
	return b.check(ctx, query)
}

func (b *BigQuery) check(ctx context.Context, query string) error {
	if err := b.d.Check(ctx, query); err != nil {
		return wrapErr(ctx, query, err)
	}
	return nil
}

// maxPageRows bounds the rows a page asks for when a row cap is set.
const maxPageRows = 10_000

// Query guards sql (unless opts.Trusted), runs it as a query job on the dataset and
// reads up to the row and byte caps of opts; a value longer than the cell cap fails
// the query. INT64 comes back as Int, FLOAT64 as Real, NUMERIC as Int when whole else
// Real, BOOL as Int 0/1, BYTES as Blob, and STRING, DATE ("2023-05-17"), DATETIME,
// TIME and TIMESTAMP as Text (bqdb.Convert).
func (b *BigQuery) Query(ctx context.Context, query string, opts Options) (*Result, error) {
	if !opts.Trusted {
		if err := Guard(query); err != nil {
			return nil, refusal(ctx, query, err, b.check(ctx, query))
		}
	}
	bd := boundsOf(opts)
	qctx, cancel := withTimeout(ctx, withSlack(opts.Timeout))
	defer cancel()
	qo := bqdb.QueryOptions{Timeout: opts.Timeout}
	if opts.MaxRows > 0 {
		qo.PageSize = min(opts.MaxRows+1, maxPageRows)
	}
	rows, err := b.d.Query(qctx, query, nil, qo)
	if err != nil {
		return nil, wrapErr(qctx, query, err)
	}
	cols := rows.Columns()
	res := &Result{Columns: cols, Rows: [][]Value{}}
	rd := reader{b: bd, res: res}
	for !rd.full() {
		raw, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, wrapErr(qctx, query, err)
		}
		row := make([]Value, len(raw))
		for i, v := range raw {
			if row[i], err = fromBigQuery(v, bd.maxCell); err != nil {
				return nil, wrapErr(qctx, query, fmt.Errorf("column %d (%s): %w", i+1, cols[i], err))
			}
		}
		if !rd.add(row) {
			break
		}
	}
	return res, nil
}

// fromBigQuery converts one bqdb.Convert value.
func fromBigQuery(v any, maxCell int) (Value, error) {
	switch x := v.(type) {
	case nil:
		return NullValue(), nil
	case int64:
		return IntValue(x), nil
	case float64:
		return RealValue(x), nil
	case bool:
		if x {
			return IntValue(1), nil
		}
		return IntValue(0), nil
	case string:
		if len(x) > maxCell {
			return Value{}, cellTooBig(len(x), maxCell)
		}
		return TextValue(x), nil
	case []byte:
		if len(x) > maxCell {
			return Value{}, cellTooBig(len(x), maxCell)
		}
		return BlobValue(x), nil
	}
	return Value{}, fmt.Errorf("unexpected value %T", v)
}
