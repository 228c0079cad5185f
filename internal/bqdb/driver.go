package bqdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
)

// DriverName is the database/sql driver this package registers. Its data source
// name is a bigquery:// reference.
const DriverName = "sqlforge-bigquery"

func init() { sql.Register(DriverName, drv{}) }

// Open opens the dataset ref names as a *sql.DB whose connections share one client
// and run only read-only statements (Dataset.Query's guard), and checks that the
// dataset exists.
func Open(ctx context.Context, ref string) (*sql.DB, error) {
	r, err := ParseURL(ref)
	if err != nil {
		return nil, err
	}
	d, err := OpenDataset(ctx, r)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(&connector{d: d}), nil
}

// DatasetOf returns the dataset behind a *sql.DB that Open opened.
func DatasetOf(ctx context.Context, db *sql.DB) (*Dataset, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var d *Dataset
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*conn_)
		if !ok {
			return fmt.Errorf("not a bigquery connection: %T", dc)
		}
		d = c.d
		return nil
	})
	return d, err
}

type drv struct{}

func (drv) Open(name string) (driver.Conn, error) {
	c, err := drv{}.OpenConnector(name)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

func (drv) OpenConnector(name string) (driver.Connector, error) {
	r, err := ParseURL(name)
	if err != nil {
		return nil, err
	}
	d, err := OpenDataset(context.Background(), r)
	if err != nil {
		return nil, err
	}
	return &connector{d: d}, nil
}

// connector hands out connections over one shared client.
type connector struct{ d *Dataset }

func (c *connector) Connect(context.Context) (driver.Conn, error) { return &conn_{d: c.d}, nil }
func (c *connector) Driver() driver.Driver                        { return drv{} }
func (c *connector) Close() error                                 { return c.d.Close() }

// conn_ is one database/sql connection: stateless, since every query is a job.
type conn_ struct{ d *Dataset }

var (
	_ driver.QueryerContext     = (*conn_)(nil)
	_ driver.Pinger             = (*conn_)(nil)
	_ driver.ConnPrepareContext = (*conn_)(nil)
)

// errReadOnly refuses what a read-only connection cannot do.
var errReadOnly = errors.New("bigquery connections are read-only: only SELECT and WITH queries run")

func (c *conn_) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext validates query with a dry run (Dataset.Check), so that preparing
// reports syntax errors and unknown names as on other engines; the statement runs as
// a new job each time.
func (c *conn_) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if err := c.d.Check(ctx, query); err != nil {
		return nil, err
	}
	return &stmt{c: c, q: query}, nil
}
func (c *conn_) Close() error { return nil }
func (c *conn_) Begin() (driver.Tx, error) {
	return nil, errors.New("bigquery: transactions are not supported")
}
func (c *conn_) Ping(ctx context.Context) error { return c.d.Ping(ctx) }

func (c *conn_) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	vals := make([]any, len(args))
	for i, a := range args {
		if a.Name != "" {
			return nil, fmt.Errorf("bigquery: named parameter %s: only positional (?) parameters are supported", a.Name)
		}
		vals[i] = a.Value
	}
	r, err := c.d.Query(ctx, query, vals, QueryOptions{})
	if err != nil {
		return nil, err
	}
	return &rows{r: r, cols: r.Columns()}, nil
}

// stmt is a query kept as text until it runs (BigQuery has no server-side prepare).
type stmt struct {
	c *conn_
	q string
}

func (s *stmt) Close() error  { return nil }
func (s *stmt) NumInput() int { return -1 }
func (s *stmt) Exec([]driver.Value) (driver.Result, error) {
	return nil, errReadOnly
}
func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return s.c.QueryContext(context.Background(), s.q, named)
}

type rows struct {
	r    *Rows
	cols []string
}

func (r *rows) Columns() []string { return r.cols }
func (r *rows) Close() error      { return nil }
func (r *rows) Next(dest []driver.Value) error {
	row, err := r.r.Next()
	if err != nil {
		return err // io.EOF at the end
	}
	if len(row) != len(dest) {
		return fmt.Errorf("bigquery: row of %d values for %d columns", len(row), len(dest))
	}
	for i, v := range row {
		dest[i] = v
	}
	return nil
}
