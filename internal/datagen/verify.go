package datagen

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Reasons a query is rejected by verification, the keys of Stats.Rejected.
const (
	RejectError        = "error"            // the query failed to run
	RejectEmpty        = "empty"            // no rows
	RejectNull         = "all_null"         // a single-value query returned only NULLs
	RejectTooMany      = "too_many_rows"    // more rows than MaxRows
	RejectUnstable     = "nondeterministic" // the rows change when the engine scans in reverse
	RejectHardness     = "unclassified"     // sqlparse could not classify the SQL
	RejectQuota        = "hardness_quota"   // its hardness level already had its share
	RejectDuplicateSQL = "duplicate_sql"
	RejectNoPhrasing   = "no_new_question" // every phrasing was already used by another query
	RejectTimeout      = "timeout"         // the query ran longer than Options.QueryTimeout
)

// DefaultQueryTimeout bounds each verification query when Options.QueryTimeout is 0.
const DefaultQueryTimeout = time.Minute

// maxTimeoutStreak timeouts in a row stop the generation: the database no longer answers.
const maxTimeoutStreak = 5

// MaxRows is the most rows a verified query may return: larger results make poor targets.
const MaxRows = 400

// verifier executes candidates on two connections of one database: one as usual, one with
// SQLite's reverse_unordered_selects, so a result that depends on scan order (a LIMIT
// without ORDER BY, an unordered subquery) shows up as a difference. SQLite's sorter orders
// ties by the remaining columns, so ties under ORDER BY ... LIMIT do not show up this way:
// the builders end every such ORDER BY with a unique key instead (TestTieBreak checks it).
//
// Each query runs under timeout; a query that takes longer is rejected, and
// maxTimeoutStreak of them in a row stop the generation (stopped).
type verifier struct {
	conn, reverse *sql.Conn
	timeout       time.Duration
	mu            sync.Mutex
	streak        int
}

func newVerifier(ctx context.Context, db *sql.DB, checkOrder bool, timeout time.Duration) (*verifier, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("open connection: %w", err)
	}
	if timeout <= 0 {
		timeout = DefaultQueryTimeout
	}
	v := &verifier{conn: c, timeout: timeout}
	if checkOrder {
		r, err := db.Conn(ctx)
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("open connection: %w", err)
		}
		if _, err := r.ExecContext(ctx, "PRAGMA reverse_unordered_selects = ON"); err != nil {
			r.Close()
		} else {
			v.reverse = r
		}
	}
	return v, nil
}

func (v *verifier) close() {
	v.conn.Close()
	if v.reverse != nil {
		v.reverse.ExecContext(context.Background(), "PRAGMA reverse_unordered_selects = OFF")
		v.reverse.Close()
	}
}

// result is what verification learns about a query.
type result struct {
	rows   int
	hash   string
	reject string
	err    error
}

// query runs q on conn under the verifier's timeout; timedOut says the timeout, not ctx,
// ended it.
func (v *verifier) query(ctx context.Context, conn *sql.Conn, q string) (rows [][]string, timedOut bool, err error) {
	qctx, cancel := context.WithTimeout(ctx, v.timeout)
	defer cancel()
	rows, err = query(qctx, conn, q)
	timedOut = err != nil && ctx.Err() == nil && qctx.Err() != nil
	v.mu.Lock()
	if timedOut {
		v.streak++
	} else {
		v.streak = 0
	}
	v.mu.Unlock()
	if timedOut {
		err = fmt.Errorf("no result in %s: %w", v.timeout, err)
	}
	return rows, timedOut, err
}

// stopped returns an error once maxTimeoutStreak queries in a row have timed out.
func (v *verifier) stopped() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.streak >= maxTimeoutStreak {
		return fmt.Errorf("the database stopped answering: %d queries in a row gave no result in %s", v.streak, v.timeout)
	}
	return nil
}

// verify runs c and decides whether it is kept.
func (v *verifier) verify(ctx context.Context, c *candidate) result {
	rows, timedOut, err := v.query(ctx, v.conn, c.sql)
	if timedOut {
		return result{reject: RejectTimeout, err: err}
	}
	if err != nil {
		return result{reject: RejectError, err: err}
	}
	switch {
	case len(rows) == 0:
		return result{reject: RejectEmpty}
	case len(rows) > MaxRows:
		return result{reject: RejectTooMany}
	case c.single && allNull(rows):
		return result{reject: RejectNull}
	}
	if v.reverse != nil && (c.ordered || strings.Contains(c.sql, " LIMIT ")) {
		again, timedOut, err := v.query(ctx, v.reverse, c.sql)
		if timedOut {
			return result{reject: RejectTimeout, err: err}
		}
		if err != nil {
			return result{reject: RejectError, err: err}
		}
		if !slices.EqualFunc(rows, again, slices.Equal) {
			return result{reject: RejectUnstable}
		}
	}
	return result{rows: len(rows), hash: resultHash(rows, c.ordered)}
}

// query runs q and renders every cell canonically: integers in decimal, reals with 12
// significant digits (so the hash does not depend on the last bits of a sum), NULL as \N.
func query(ctx context.Context, c *sql.Conn, q string) ([][]string, error) {
	rs, err := c.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return nil, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out [][]string
	for rs.Next() {
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = cell(v)
		}
		out = append(out, row)
		if len(out) > MaxRows {
			break
		}
	}
	return out, rs.Err()
}

func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return `\N`
	case float64:
		if x == float64(int64(x)) && x < 1e15 && x > -1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', 12, 64)
	default:
		return text(v)
	}
}

func allNull(rows [][]string) bool {
	for _, r := range rows {
		for _, c := range r {
			if c != `\N` {
				return false
			}
		}
	}
	return true
}

// resultHash is the sha256 of the canonical result: rows in their order when the query
// orders them, sorted otherwise.
func resultHash(rows [][]string, ordered bool) string {
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = strings.Join(r, "\t")
	}
	if !ordered {
		slices.Sort(lines)
	}
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:])
}

// errRejected is returned by Verify for a query that runs but is not kept.
var errRejected = errors.New("rejected")

// Verify executes sql on db by the generator's rules (it runs, returns 1..MaxRows rows,
// not only NULLs when single, the same rows when the engine scans in reverse) and returns
// the row count and result hash. ordered says the outer query has an ORDER BY.
func Verify(ctx context.Context, db *sql.DB, sql string, ordered, single bool) (rows int, hash string, err error) {
	v, err := newVerifier(ctx, db, true, 0)
	if err != nil {
		return 0, "", err
	}
	defer v.close()
	r := v.verify(ctx, &candidate{sql: sql, ordered: ordered, single: single})
	if r.err != nil {
		return 0, "", fmt.Errorf("run %q: %w", sql, r.err)
	}
	if r.reject != "" {
		return 0, "", fmt.Errorf("%w: %s", errRejected, r.reject)
	}
	return r.rows, r.hash, nil
}
