package sqlexec

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
)

// SQLite executes queries on a SQLite database through modernc.org/sqlite.
type SQLite struct {
	db *sql.DB
	// borrowed is set when the *sql.DB belongs to the caller: Close leaves it
	// open and each query sets PRAGMA query_only on its connection itself,
	// unless readOnlyDSN says every connection has it already.
	borrowed    bool
	readOnlyDSN bool
}

var _ Executor = (*SQLite)(nil)

// ReadOnlyDSN is the read-only data source name of the SQLite file at path for the
// "sqlite" driver: mode=ro, and query_only on every connection. It is the one spelling of
// it (database.Open uses it too).
func ReadOnlyDSN(path string) string {
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + escaped + "?mode=ro&_pragma=query_only(1)"
}

// OpenSQLite opens the SQLite file at path read-only (mode=ro and PRAGMA
// query_only) and checks that it can be read.
func OpenSQLite(ctx context.Context, path string) (*SQLite, error) {
	db, err := sql.Open("sqlite", ReadOnlyDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return &SQLite{db: db}, nil
}

// NewSQLite wraps a *sql.DB opened with the modernc.org/sqlite driver. The
// caller keeps ownership: Close does not close db. Each query turns PRAGMA
// query_only on for its connection and restores the previous setting after.
func NewSQLite(db *sql.DB) *SQLite { return &SQLite{db: db, borrowed: true} }

// NewSQLiteReadOnly wraps a *sql.DB of the modernc.org/sqlite driver whose
// every connection is read-only by its data source name (mode=ro and
// _pragma=query_only(1), as ReadOnlyDSN writes it), so queries do not turn
// query_only on and off around themselves. The caller keeps ownership.
func NewSQLiteReadOnly(db *sql.DB) *SQLite { return &SQLite{db: db, borrowed: true, readOnlyDSN: true} }

// Dialect returns DialectSQLite.
func (s *SQLite) Dialect() string { return DialectSQLite }

// Close closes the database unless it was borrowed.
func (s *SQLite) Close() error {
	if s.borrowed {
		return nil
	}
	return s.db.Close()
}

// Check guards sql and prepares it on a connection without running it, under
// the same authorizer and limits as Query.
func (s *SQLite) Check(ctx context.Context, query string) error {
	if err := Guard(query); err != nil {
		return refusal(ctx, query, err, s.prepare(ctx, query))
	}
	return s.prepare(ctx, query)
}

// prepare prepares sql on a confined connection without running it.
func (s *SQLite) prepare(ctx context.Context, query string) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return wrapErr(ctx, query, err)
	}
	defer conn.Close()
	release, err := confine(conn, boundsOf(Options{}))
	if err != nil {
		return wrapErr(ctx, query, err)
	}
	defer release()
	if _, err := columnInfo(conn, query); err != nil {
		return wrapErr(ctx, query, sqliteErr(err, boundsOf(Options{})))
	}
	return nil
}

// Query guards sql (unless opts.Trusted), runs it read-only and reads up to
// the row and byte caps of opts.
//
// modernc.org/sqlite turns TEXT values of columns declared DATE, DATETIME or
// TIMESTAMP into time.Time, which loses the stored text. Query therefore
// reads the declared types of the result columns before the first row, and
// when one is a date type closes the rows and runs the statement wrapped as
// WITH q(c0, ...) AS (sql) SELECT c0, +c1 ... FROM q: the unary + is a no-op
// on every value but makes the column an expression, which has no declared
// type, so the stored text comes back untouched, as Python's sqlite3 gives it.
func (s *SQLite) Query(ctx context.Context, query string, opts Options) (*Result, error) {
	if !opts.Trusted {
		if err := Guard(query); err != nil {
			return nil, refusal(ctx, query, err, s.prepare(ctx, query))
		}
	}
	b := boundsOf(opts)
	ctx, cancel := withTimeout(ctx, opts.Timeout)
	defer cancel()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, wrapErr(ctx, query, err)
	}
	defer conn.Close()
	if s.borrowed && !s.readOnlyDSN {
		restore, err := queryOnly(ctx, conn)
		if err != nil {
			return nil, wrapErr(ctx, query, err)
		}
		defer restore()
	}
	release, err := confine(conn, b)
	if err != nil {
		return nil, wrapErr(ctx, query, err)
	}
	defer release()
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return nil, wrapErr(ctx, query, sqliteErr(err, b))
	}
	if info := dateColumns(rows); info != nil {
		rows.Close()
		if rows, err = conn.QueryContext(ctx, undateQuery(query, info)); err != nil {
			return nil, wrapErr(ctx, query, sqliteErr(err, b))
		}
	}
	defer rows.Close()
	res, err := readSQLRows(rows, b)
	if err != nil {
		return nil, wrapErr(ctx, query, sqliteErr(err, b))
	}
	return res, nil
}

// sqliteErr explains SQLite's "string or blob too big" with the limit that
// caused it, and marks the authorizer's and the attach limit's denials as
// refusals.
func sqliteErr(err error, b bounds) error {
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "string or blob too big"):
		return fmt.Errorf("%w: a value exceeds the %d-byte cell limit (%v)", ErrTooBig, b.maxCell, err)
	case strings.Contains(msg, "authorization denied"), strings.Contains(msg, "not authorized"),
		strings.Contains(msg, "too many attached databases"):
		return fmt.Errorf("%w: %w", ErrRefused, err)
	}
	return err
}

type columnInfoer interface {
	ColumnInfo(query string) ([]sqlite.ColumnInfo, error)
}

// columnInfo prepares query on conn and returns its result columns.
func columnInfo(conn *sql.Conn, query string) ([]sqlite.ColumnInfo, error) {
	var info []sqlite.ColumnInfo
	err := conn.Raw(func(dc any) error {
		ci, ok := dc.(columnInfoer)
		if !ok {
			return fmt.Errorf("driver %T is not modernc.org/sqlite", dc)
		}
		var err error
		info, err = ci.ColumnInfo(query)
		return err
	})
	return info, err
}

// dateColumns returns the result columns of rows (name and declared type)
// when one of them is declared with a date type, nil otherwise.
func dateColumns(rows *sql.Rows) []sqlite.ColumnInfo {
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil
	}
	info := make([]sqlite.ColumnInfo, len(cts))
	for i, ct := range cts {
		info[i] = sqlite.ColumnInfo{Name: ct.Name(), DeclType: ct.DatabaseTypeName()}
	}
	if !hasDateColumn(info) {
		return nil
	}
	return info
}

func hasDateColumn(info []sqlite.ColumnInfo) bool {
	for _, c := range info {
		switch strings.ToUpper(c.DeclType) {
		case "DATE", "DATETIME", "TIMESTAMP":
			return true
		}
	}
	return false
}

// undateQuery wraps query so that no result column keeps a date declared type
// (see SQLite.Query). Columns are renamed positionally by the CTE's column
// list, so duplicate or odd names need no resolving, and re-aliased to their
// original names.
func undateQuery(query string, info []sqlite.ColumnInfo) string {
	body := strings.TrimSpace(query)
	for strings.HasSuffix(body, ";") {
		body = strings.TrimSpace(strings.TrimSuffix(body, ";"))
	}
	var b strings.Builder
	b.WriteString(`WITH "sqlforge_q"(`)
	for i := range info {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("c" + strconv.Itoa(i))
	}
	b.WriteString(") AS (\n")
	b.WriteString(body)
	b.WriteString("\n) SELECT ")
	for i, c := range info {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("+c" + strconv.Itoa(i) + ` AS "` + strings.ReplaceAll(c.Name, `"`, `""`) + `"`)
	}
	b.WriteString(` FROM "sqlforge_q"`)
	return b.String()
}

// queryOnly turns PRAGMA query_only on for conn and returns a function that
// restores the previous setting.
func queryOnly(ctx context.Context, conn *sql.Conn) (func(), error) {
	var prev int
	if err := conn.QueryRowContext(ctx, "PRAGMA query_only").Scan(&prev); err != nil {
		return nil, fmt.Errorf("read query_only: %w", err)
	}
	if prev != 0 {
		return func() {}, nil
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA query_only = 1"); err != nil {
		return nil, fmt.Errorf("set query_only: %w", err)
	}
	return func() { _, _ = conn.ExecContext(context.Background(), "PRAGMA query_only = 0") }, nil
}

// readSQLRows reads rows of database/sql values into canonical values, up to
// the caps of b.
func readSQLRows(rows *sql.Rows, b bounds) (*Result, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	res := &Result{Columns: cols, Rows: [][]Value{}}
	rd := reader{b: b, res: res}
	raw := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	for rows.Next() {
		if rd.full() {
			break
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]Value, len(cols))
		for i, v := range raw {
			row[i], err = fromDriver(v)
			if err != nil {
				return nil, fmt.Errorf("column %d (%s): %w", i+1, cols[i], err)
			}
			if len(row[i].Str) > b.maxCell {
				return nil, fmt.Errorf("column %d (%s): %w", i+1, cols[i], cellTooBig(len(row[i].Str), b.maxCell))
			}
		}
		if !rd.add(row) {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// fromDriver converts a value scanned into *any from the SQLite driver.
func fromDriver(v any) (Value, error) {
	switch x := v.(type) {
	case nil:
		return NullValue(), nil
	case int64:
		return IntValue(x), nil
	case float64:
		return RealValue(x), nil
	case string:
		return TextValue(x), nil
	case []byte:
		return BlobValue(x), nil
	case bool:
		if x {
			return IntValue(1), nil
		}
		return IntValue(0), nil
	case time.Time:
		// Only reachable if a date column escaped undateQuery.
		return TextValue(x.Format("2006-01-02 15:04:05.999999999")), nil
	}
	return Value{}, errors.New(fmt.Sprintf("unexpected driver value %T", v))
}
