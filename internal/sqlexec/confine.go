package sqlexec

import (
	"database/sql"
	"fmt"
	"strings"

	"modernc.org/sqlite"
)

// SQLite's limit categories (sqlite3_limit), stable values of the C API.
const (
	limitLength   = 0 // SQLITE_LIMIT_LENGTH: the longest string or blob
	limitAttached = 7 // SQLITE_LIMIT_ATTACHED: how many databases may be attached
)

// confine puts conn under the execution policy for one query: an authorizer that
// admits only reading (authorize), SQLITE_LIMIT_LENGTH at the cell cap and
// SQLITE_LIMIT_ATTACHED at 0 (so neither ATTACH nor VACUUM INTO, which attaches
// its target, can open a file). The returned function removes the authorizer
// and restores the previous limits: the pooled connection goes back as it came.
func confine(conn *sql.Conn, b bounds) (release func(), err error) {
	err = conn.Raw(func(dc any) error {
		ar, ok := dc.(sqlite.AuthorizerRegisterer)
		if !ok {
			return fmt.Errorf("driver %T has no authorizer", dc)
		}
		return ar.RegisterAuthorizer(authorize)
	})
	if err != nil {
		return nil, fmt.Errorf("install the authorizer: %w", err)
	}
	unregister := func() {
		_ = conn.Raw(func(dc any) error { return dc.(sqlite.AuthorizerRegisterer).RegisterAuthorizer(nil) })
	}
	prevLen, err := sqlite.Limit(conn, limitLength, b.maxCell)
	if err != nil {
		unregister()
		return nil, fmt.Errorf("set the length limit: %w", err)
	}
	prevAtt, err := sqlite.Limit(conn, limitAttached, 0)
	if err != nil {
		_, _ = sqlite.Limit(conn, limitLength, prevLen)
		unregister()
		return nil, fmt.Errorf("set the attach limit: %w", err)
	}
	return func() {
		_, _ = sqlite.Limit(conn, limitAttached, prevAtt)
		_, _ = sqlite.Limit(conn, limitLength, prevLen)
		unregister()
	}, nil
}

// authorize admits what a read-only query needs — SELECT, reading tables and
// columns, recursive CTEs, functions other than deniedFunctions — and denies
// everything else: writes, schema changes, PRAGMA, ATTACH/DETACH, transactions
// and savepoints, ANALYZE, REINDEX, and reading sqlite_dbpage (raw pages).
func authorize(action sqlite.AuthorizerActionCode, arg1, arg2, _, _ string) sqlite.AuthorizerReturnCode {
	switch action {
	case sqlite.AuthSelect, sqlite.AuthRecursive:
		return sqlite.AuthorizerOK
	case sqlite.AuthRead:
		if strings.EqualFold(arg1, "sqlite_dbpage") {
			return sqlite.AuthorizerDeny
		}
		return sqlite.AuthorizerOK
	case sqlite.AuthFunction:
		if deniedFunctions[strings.ToLower(arg2)] {
			return sqlite.AuthorizerDeny
		}
		return sqlite.AuthorizerOK
	}
	return sqlite.AuthorizerDeny
}
