package pgload

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Column kinds: the PostgreSQL type a SQLite column is copied as.
const (
	typeBigint = "bigint"
	typeDouble = "double precision"
	typeText   = "text"
	typeBytea  = "bytea"
)

// PGType maps a SQLite declared column type to the PostgreSQL type pgload creates.
//
// It follows SQLite's affinity rules (INT → integer, CHAR/CLOB/TEXT → text, BLOB → blob,
// REAL/FLOA/DOUB → real, the rest numeric) with two choices of our own:
//   - DATE, DATETIME, TIMESTAMP and TIME columns stay text, exactly as stored
//     ('YYYY-MM-DD'), so that results read the same on both engines and the postgres
//     dialect's ::date casts apply;
//   - NUMERIC-affinity columns (NUMERIC, DECIMAL, BOOLEAN, ...) become double precision,
//     the type SQLite computes them in, so that sums and averages agree with SQLite's to
//     the last bits far more often than exact numeric would, and compare as numbers.
//
// A column with no declared type becomes text.
func PGType(decl string) string {
	u := strings.ToUpper(strings.TrimSpace(decl))
	if base, _, ok := strings.Cut(u, "("); ok {
		u = strings.TrimSpace(base)
	}
	switch {
	case u == "":
		return typeText
	case strings.Contains(u, "INT"):
		return typeBigint
	case strings.Contains(u, "CHAR"), strings.Contains(u, "CLOB"), strings.Contains(u, "TEXT"):
		return typeText
	case strings.Contains(u, "BLOB"):
		return typeBytea
	case strings.Contains(u, "DATE"), strings.Contains(u, "TIME"):
		return typeText
	}
	return typeDouble
}

// convert turns a value read from SQLite (int64, float64, string, []byte or nil) into the
// Go value pgx copies into a column of type pgType. SQLite lets any column hold any value,
// so a value that cannot be represented in the column's type is an error.
func convert(v any, pgType string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch pgType {
	case typeBigint:
		switch x := v.(type) {
		case int64:
			return x, nil
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
				return int64(x), nil
			}
		case string:
			if i, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
				return i, nil
			}
		}
	case typeDouble:
		switch x := v.(type) {
		case int64:
			return float64(x), nil
		case float64:
			return x, nil
		case string:
			if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
				return f, nil
			}
		}
	case typeText:
		switch x := v.(type) {
		case string:
			return x, nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return sqliteFloatText(x), nil
		case []byte:
			return string(x), nil
		}
	case typeBytea:
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
	}
	return nil, fmt.Errorf("value %v (%T) does not fit a %s column", v, v, pgType)
}

// sqliteFloatText renders f the way SQLite's CAST(f AS TEXT) does for ordinary values:
// shortest round-trip digits, with ".0" on integral values.
func sqliteFloatText(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eIN") {
		s += ".0"
	}
	return s
}

// Convert is the conversion Load applies to each value read from SQLite for a column of
// type pgType (a PGType result); other loaders (internal/bqload) share it so that every
// engine holds the same values.
func Convert(v any, pgType string) (any, error) { return convert(v, pgType) }

// The PGType results, for loaders that map them to their engine's types.
const (
	TypeBigint = typeBigint
	TypeDouble = typeDouble
	TypeText   = typeText
	TypeBytea  = typeBytea
)
