package match

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// pyStr is Python's str() of the value sqlite3 returns for v (None for NULL).
func pyStr(v sqlexec.Value) string {
	switch v.Kind {
	case sqlexec.Int:
		return strconv.FormatInt(v.Int, 10)
	case sqlexec.Real:
		return pyFloat(v.Real)
	case sqlexec.Text:
		return v.Str
	case sqlexec.Blob:
		return pyBytes(v.Str)
	}
	return "None"
}

// pyType is Python's str(type(x)) for the value sqlite3 returns for v.
func pyType(v sqlexec.Value) string {
	switch v.Kind {
	case sqlexec.Int:
		return "<class 'int'>"
	case sqlexec.Real:
		return "<class 'float'>"
	case sqlexec.Text:
		return "<class 'str'>"
	case sqlexec.Blob:
		return "<class 'bytes'>"
	}
	return "<class 'NoneType'>"
}

// pyFloat is Python's repr of a float: the shortest digits that round-trip,
// positional when the decimal exponent is in [-4, 16), else scientific with
// at least two exponent digits; integral values keep ".0".
func pyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±XX
	sign := ""
	if e[0] == '-' {
		sign, e = "-", e[1:]
	}
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1)
	if exp >= -4 && exp < 16 {
		var s string
		switch {
		case exp < 0:
			s = "0." + strings.Repeat("0", -exp-1) + digits
		case exp+1 >= len(digits):
			s = digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
		default:
			s = digits[:exp+1] + "." + digits[exp+1:]
		}
		return sign + s
	}
	m := digits[:1]
	if len(digits) > 1 {
		m += "." + digits[1:]
	}
	es := "+"
	if exp < 0 {
		es, exp = "-", -exp
	}
	x := strconv.Itoa(exp)
	if len(x) < 2 {
		x = "0" + x
	}
	return sign + m + "e" + es + x
}

// pyBytes is Python's repr of a bytes object.
func pyBytes(b string) string {
	q := byte('\'')
	if strings.IndexByte(b, '\'') >= 0 && strings.IndexByte(b, '"') < 0 {
		q = '"'
	}
	var s strings.Builder
	s.WriteString("b")
	s.WriteByte(q)
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == q || c == '\\':
			s.WriteByte('\\')
			s.WriteByte(c)
		case c == '\t':
			s.WriteString(`\t`)
		case c == '\n':
			s.WriteString(`\n`)
		case c == '\r':
			s.WriteString(`\r`)
		case c < 32 || c >= 127:
			s.WriteString(`\x`)
			s.WriteString(strconv.FormatUint(uint64(c)|0x100, 16)[1:])
		default:
			s.WriteByte(c)
		}
	}
	s.WriteByte(q)
	return s.String()
}

func isUTF8(s string) bool { return utf8.ValidString(s) }
