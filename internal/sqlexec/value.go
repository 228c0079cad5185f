package sqlexec

import (
	"encoding/hex"
	"strconv"
)

// Kind is the storage class of a Value, after SQLite's five classes.
type Kind uint8

// The kinds of Value.
const (
	Null Kind = iota
	Int
	Real
	Text
	Blob
)

var kindNames = [...]string{"null", "int", "real", "text", "blob"}

// String names the kind in lower case.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one result cell in canonical form. Dates and times are Text exactly
// as stored (SQLite) or as the server prints them in ISO style (PostgreSQL).
// Text may hold bytes that are not valid UTF-8: they are kept as read, and the
// comparison modes decide what to do with them.
type Value struct {
	Kind Kind
	// Int is set for Kind Int.
	Int int64
	// Real is set for Kind Real.
	Real float64
	// Str holds the text of Kind Text and the bytes of Kind Blob.
	Str string
}

// NullValue, IntValue, RealValue, TextValue and BlobValue build values.
func NullValue() Value          { return Value{} }
func IntValue(i int64) Value    { return Value{Kind: Int, Int: i} }
func RealValue(f float64) Value { return Value{Kind: Real, Real: f} }
func TextValue(s string) Value  { return Value{Kind: Text, Str: s} }
func BlobValue(b []byte) Value  { return Value{Kind: Blob, Str: string(b)} }

// IsNumeric reports whether v is an Int or a Real.
func (v Value) IsNumeric() bool { return v.Kind == Int || v.Kind == Real }

// Float returns the numeric value of an Int or Real (0 otherwise).
func (v Value) Float() float64 {
	switch v.Kind {
	case Int:
		return float64(v.Int)
	case Real:
		return v.Real
	}
	return 0
}

// String renders v for people: NULL, numbers in Go's shortest form, text as
// is, blobs as x'hex'.
func (v Value) String() string {
	switch v.Kind {
	case Int:
		return strconv.FormatInt(v.Int, 10)
	case Real:
		return strconv.FormatFloat(v.Real, 'g', -1, 64)
	case Text:
		return v.Str
	case Blob:
		return "x'" + hex.EncodeToString([]byte(v.Str)) + "'"
	}
	return "NULL"
}
