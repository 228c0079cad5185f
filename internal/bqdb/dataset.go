package bqdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"strings"
	"time"

	"cloud.google.com/go/bigquery"
	"cloud.google.com/go/civil"
	"google.golang.org/api/iterator"

	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// Dataset is a client bound to one dataset: unqualified table names in its queries
// mean that dataset's tables.
type Dataset struct {
	Client *bigquery.Client
	Ref    Ref
}

// OpenDataset makes a client for r and checks that the dataset exists.
func OpenDataset(ctx context.Context, r Ref) (*Dataset, error) {
	c, err := NewClient(ctx, r)
	if err != nil {
		return nil, err
	}
	d := &Dataset{Client: c, Ref: r}
	if err := d.Ping(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return d, nil
}

// PingTimeout bounds Ping: the client library retries an unreachable server without end.
const PingTimeout = 30 * time.Second

// Ping reads the dataset's metadata: it fails when the server does not answer (at once for a
// server named by host and port that refuses connections, after PingTimeout otherwise) or the
// dataset does not exist.
func (d *Dataset) Ping(ctx context.Context) error {
	if d.Ref.Host != "" {
		port := d.Ref.Port
		if port == "" {
			port = map[bool]string{true: "80", false: "443"}[d.Ref.Loopback()]
		}
		addr := net.JoinHostPort(d.Ref.Host, port)
		c, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, "tcp", addr)
		if err != nil {
			return fmt.Errorf("bigquery server %s does not answer: %w", addr, err)
		}
		c.Close()
	}
	ctx, cancel := context.WithTimeout(ctx, PingTimeout)
	defer cancel()
	if _, err := d.Client.Dataset(d.Ref.Dataset).Metadata(ctx); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("no answer in %s: %w", PingTimeout, err)
		}
		return fmt.Errorf("bigquery dataset %s.%s: %w", d.Ref.Project, d.Ref.Dataset, err)
	}
	return nil
}

// Close closes the client.
func (d *Dataset) Close() error { return d.Client.Close() }

// ErrNotReadOnly is wrapped by the errors of statements Query refuses.
var ErrNotReadOnly = sqlparse.ErrNotReadOnly

// QueryOptions tune one query.
type QueryOptions struct {
	// Timeout bounds the job on the server (JobTimeout) besides ctx; 0: ctx only.
	Timeout time.Duration
	// PageSize asks for at most this many rows a page (0: the server's default).
	PageSize int
	// DryRun validates the query without running it (on a loopback server, the
	// emulator, the query runs and its result is discarded).
	DryRun bool
}

// query configures q on the dataset. The emulator honours the default dataset only on
// the jobs.query path (the client's fast path), not on jobs.insert, which the client takes
// for a job timeout or a dry run: against a loopback server neither is set (the context
// bounds the call; Query emulates a dry run with dryRunSQL, since the emulator's own dry
// run runs the query).
func (d *Dataset) query(sql string, args []any, o QueryOptions) *bigquery.Query {
	q := d.Client.Query(sql)
	q.DefaultProjectID, q.DefaultDatasetID = d.Ref.Project, d.Ref.Dataset
	if !d.Ref.Loopback() {
		q.JobTimeout = o.Timeout
		q.DryRun = o.DryRun
	}
	for _, a := range args {
		q.Parameters = append(q.Parameters, bigquery.QueryParameter{Value: a})
	}
	return q
}

// Query runs one read-only statement (sqlparse.IsReadOnly: a single SELECT or WITH;
// anything else is refused before it reaches the server, which has no read-only
// mode) with args as positional parameters (?), and returns its rows.
func (d *Dataset) Query(ctx context.Context, sql string, args []any, o QueryOptions) (*Rows, error) {
	if err := sqlparse.IsReadOnly(sql); err != nil {
		return nil, err
	}
	if o.DryRun && !d.Ref.Loopback() {
		_, err := d.query(sql, args, o).Run(ctx)
		if err != nil {
			return nil, err
		}
		return &Rows{done: true}, nil
	}
	if o.DryRun { // a loopback server (the emulator) has no real dry run: see dryRunSQL
		it, err := d.query(dryRunSQL(sql), args, o).Read(ctx)
		if err != nil {
			return nil, err
		}
		var row []bigquery.Value
		if err := it.Next(&row); err != nil && !errors.Is(err, iterator.Done) {
			return nil, err
		}
		return &Rows{done: true}, nil
	}
	it, err := d.query(sql, args, o).Read(ctx)
	if err != nil {
		return nil, err
	}
	// Not against the emulator: it answers jobs.query with every row at once, and a
	// second page would be asked of a job it does not keep (404).
	if o.PageSize > 0 && !d.Ref.Loopback() {
		it.PageInfo().MaxSize = o.PageSize
	}
	r := &Rows{it: it}
	// The schema arrives with the first page: read it now so that Columns works
	// before the first row is asked for.
	var first []bigquery.Value
	switch err := it.Next(&first); {
	case errors.Is(err, iterator.Done):
		r.done = true
	case err != nil:
		return nil, err
	default:
		r.first, r.hasFirst = first, true
	}
	r.schema = it.Schema
	return r, nil
}

// dryRunSQL is what stands for a dry run of sql on a server without one (the emulator,
// whose own dry run runs the query): sql as a subquery of a query that reads no row of it.
// The server still analyzes all of it (syntax, tables, columns, types), as a dry run does,
// but does not compute it: validating the ontology's correlated formulas on the emulator
// took seconds each when they ran.
func dryRunSQL(sql string) string {
	sql = strings.TrimRight(strings.TrimSpace(sql), ";")
	return "SELECT 1 FROM (\n" + sql + "\n) AS dry_run LIMIT 0"
}

// Check validates sql with a dry run: syntax, tables and columns. The statement
// guard applies as in Query.
func (d *Dataset) Check(ctx context.Context, sql string) error {
	_, err := d.Query(ctx, sql, nil, QueryOptions{DryRun: true})
	return err
}

// Rows reads a query's rows.
type Rows struct {
	it       *bigquery.RowIterator
	schema   bigquery.Schema
	first    []bigquery.Value
	hasFirst bool
	done     bool
}

// Columns are the result's column names.
func (r *Rows) Columns() []string {
	out := make([]string, len(r.schema))
	for i, f := range r.schema {
		out[i] = f.Name
	}
	return out
}

// Schema is the result's schema (nil for an empty result the server sent none for).
func (r *Rows) Schema() bigquery.Schema { return r.schema }

// Next returns the next row as Go values (see Convert), or io.EOF after the last.
func (r *Rows) Next() ([]any, error) {
	var row []bigquery.Value
	switch {
	case r.hasFirst:
		row, r.first, r.hasFirst = r.first, nil, false
	case r.done:
		return nil, io.EOF
	default:
		if err := r.it.Next(&row); err != nil {
			if errors.Is(err, iterator.Done) {
				r.done = true
				return nil, io.EOF
			}
			return nil, err
		}
	}
	out := make([]any, len(row))
	for i, v := range row {
		out[i] = Convert(v)
	}
	return out, nil
}

// Convert turns a value the client library returns into one of the types
// database/sql drivers return: nil, int64, float64, bool, string or []byte.
// DATE, DATETIME and TIME become their canonical text ("2023-05-17",
// "2023-05-17T10:00:00", "10:00:00"), TIMESTAMP "2023-05-17 10:00:00+00" (UTC),
// NUMERIC an int64 when whole and in range, else a float64; arrays and structs
// are written with fmt.
func Convert(v bigquery.Value) any {
	switch x := v.(type) {
	case nil, int64, float64, bool, string, []byte:
		return x
	case civil.Date:
		return x.String()
	case civil.DateTime:
		return x.String()
	case civil.Time:
		return x.String()
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05.999999-07")
	case *big.Rat:
		if x.IsInt() && x.Num().IsInt64() {
			return x.Num().Int64()
		}
		f, _ := x.Float64()
		return f
	}
	return fmt.Sprint(v)
}

// QuoteIdent backticks a table or column name for DDL and loader statements.
func QuoteIdent(name string) string {
	return "`" + strings.ReplaceAll(strings.ReplaceAll(name, `\`, `\\`), "`", "\\`") + "`"
}
