package sqlexec

import (
	"context"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Postgres executes queries on a PostgreSQL server through pgx. Each query
// runs in its own READ ONLY transaction, rolled back at the end, with
// SET LOCAL statement_timeout when a timeout is given.
type Postgres struct {
	pool     *pgxpool.Pool
	borrowed bool
}

var _ Executor = (*Postgres)(nil)

// timeoutSlack is how much longer than statement_timeout the client waits
// before cancelling from its side: the server's own timeout is the clean path.
const timeoutSlack = 500 * time.Millisecond

// OpenPostgres connects to the server at url (a postgres:// URL or a
// key=value connection string) and checks the connection.
func OpenPostgres(ctx context.Context, url string) (*Postgres, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return &Postgres{pool: pool}, nil
}

// NewPostgres wraps a pool owned by the caller: Close leaves it open.
func NewPostgres(pool *pgxpool.Pool) *Postgres { return &Postgres{pool: pool, borrowed: true} }

// Dialect returns DialectPostgres.
func (p *Postgres) Dialect() string { return DialectPostgres }

// Close closes the pool unless it was borrowed.
func (p *Postgres) Close() error {
	if !p.borrowed {
		p.pool.Close()
	}
	return nil
}

// begin opens a read-only transaction with the statement timeout set.
func (p *Postgres) begin(ctx context.Context, timeout time.Duration) (pgx.Tx, error) {
	tx, err := p.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	if timeout > 0 {
		ms := max(timeout.Milliseconds(), 1)
		if _, err := tx.Exec(ctx, "SET LOCAL statement_timeout = "+strconv.FormatInt(ms, 10)); err != nil {
			_ = tx.Rollback(context.Background())
			return nil, err
		}
	}
	return tx, nil
}

// Check guards sql and prepares it in a read-only transaction without running
// it.
func (p *Postgres) Check(ctx context.Context, query string) error {
	if err := Guard(query); err != nil {
		return refusal(ctx, query, err, p.prepare(ctx, query))
	}
	return p.prepare(ctx, query)
}

// prepare prepares sql in a read-only transaction without running it.
func (p *Postgres) prepare(ctx context.Context, query string) error {
	tx, err := p.begin(ctx, 0)
	if err != nil {
		return wrapErr(ctx, query, err)
	}
	defer func() { _ = tx.Rollback(context.Background()) }()
	if _, err := tx.Conn().Prepare(ctx, "", query); err != nil {
		return wrapErr(ctx, query, err)
	}
	return nil
}

// Query guards sql (unless opts.Trusted), runs it in a read-only transaction
// and reads up to the row and byte caps of opts; a value longer than the cell
// cap fails the query. Results are requested in text format and converted by
// column type, so dates and timestamps come back as the server prints them
// (ISO: 2021-03-04, 2021-03-04 00:00:00).
func (p *Postgres) Query(ctx context.Context, query string, opts Options) (*Result, error) {
	if !opts.Trusted {
		if err := Guard(query); err != nil {
			return nil, refusal(ctx, query, err, p.prepare(ctx, query))
		}
	}
	b := boundsOf(opts)
	qctx, cancel := withTimeout(ctx, withSlack(opts.Timeout))
	defer cancel()
	tx, err := p.begin(qctx, opts.Timeout)
	if err != nil {
		return nil, wrapErr(qctx, query, err)
	}
	defer func() { _ = tx.Rollback(context.Background()) }()
	rows, err := tx.Query(qctx, query, pgx.QueryResultFormats{pgx.TextFormatCode})
	if err != nil {
		return nil, wrapErr(qctx, query, err)
	}
	defer rows.Close()
	fields := rows.FieldDescriptions()
	res := &Result{Columns: make([]string, len(fields)), Rows: [][]Value{}}
	for i, f := range fields {
		res.Columns[i] = f.Name
	}
	rd := reader{b: b, res: res}
	for rows.Next() {
		if rd.full() {
			break
		}
		raw := rows.RawValues()
		row := make([]Value, len(fields))
		for i, v := range raw {
			if len(v) > b.maxCell {
				return nil, wrapErr(qctx, query, fmt.Errorf("column %d (%s): %w", i+1, fields[i].Name, cellTooBig(len(v), b.maxCell)))
			}
			if row[i], err = fromPGText(fields[i].DataTypeOID, v); err != nil {
				return nil, wrapErr(qctx, query, fmt.Errorf("column %d (%s): %w", i+1, fields[i].Name, err))
			}
		}
		if !rd.add(row) {
			break
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrapErr(qctx, query, err)
	}
	return res, nil
}

func withSlack(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d + timeoutSlack
}

// fromPGText converts one text-format value of the type oid. Integers and
// booleans become Int, floats Real, numeric Int when it has no fractional
// part and fits (as SUM(bigint) gives) else Real, bytea Blob, and everything
// else (text, dates, timestamps, ...) Text as printed.
func fromPGText(oid uint32, b []byte) (Value, error) {
	if b == nil {
		return NullValue(), nil
	}
	s := string(b)
	switch oid {
	case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID, pgtype.OIDOID:
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return Value{}, err
		}
		return IntValue(i), nil
	case pgtype.Float4OID, pgtype.Float8OID:
		return RealValue(parsePGFloat(s)), nil
	case pgtype.NumericOID:
		if !strings.ContainsAny(s, ".eEN") {
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				return IntValue(i), nil
			}
		}
		return RealValue(parsePGFloat(s)), nil
	case pgtype.BoolOID:
		if s == "t" {
			return IntValue(1), nil
		}
		return IntValue(0), nil
	case pgtype.ByteaOID:
		if h, ok := strings.CutPrefix(s, `\x`); ok {
			d, err := hex.DecodeString(h)
			if err != nil {
				return Value{}, err
			}
			return BlobValue(d), nil
		}
		return BlobValue(b), nil
	}
	return TextValue(s), nil
}

func parsePGFloat(s string) float64 {
	switch s {
	case "NaN":
		return math.NaN()
	case "Infinity":
		return math.Inf(1)
	case "-Infinity":
		return math.Inf(-1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return f
}
