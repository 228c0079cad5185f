package match

import (
	"math"
	"strconv"
	"strings"

	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// key returns a string that is equal for two values exactly when Python's ==
// holds between the values sqlite3 returns for them: integers and integral
// floats share a key (1 == 1.0), text and numbers never do ('1' != 1), and
// NULL equals NULL (None == None).
func key(v sqlexec.Value) string {
	switch v.Kind {
	case sqlexec.Int:
		return "i" + strconv.FormatInt(v.Int, 10)
	case sqlexec.Real:
		f := v.Real
		if f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 {
			return "i" + strconv.FormatInt(int64(f), 10)
		}
		return "f" + strconv.FormatFloat(f, 'g', -1, 64)
	case sqlexec.Text:
		return "t" + v.Str
	case sqlexec.Blob:
		return "b" + v.Str
	}
	return "n"
}

// rowKey joins the keys of a row unambiguously.
func rowKey(row []sqlexec.Value) string {
	var b strings.Builder
	for _, v := range row {
		k := key(v)
		b.WriteString(strconv.Itoa(len(k)))
		b.WriteByte(':')
		b.WriteString(k)
	}
	return b.String()
}

// equal compares two values like key does, with numbers within tol equal.
func equal(a, b sqlexec.Value, tol float64) bool {
	if tol > 0 && a.IsNumeric() && b.IsNumeric() {
		return near(a.Float(), b.Float(), tol)
	}
	if a.Kind == b.Kind {
		switch a.Kind {
		case sqlexec.Int:
			return a.Int == b.Int
		case sqlexec.Real:
			return a.Real == b.Real
		case sqlexec.Null:
			return true
		default:
			return a.Str == b.Str
		}
	}
	return key(a) == key(b)
}

func near(x, y, tol float64) bool {
	if x == y {
		return true
	}
	return math.Abs(x-y) <= tol*math.Max(1, math.Max(math.Abs(x), math.Abs(y)))
}

func rowEqual(a, b []sqlexec.Value, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !equal(a[i], b[i], tol) {
			return false
		}
	}
	return true
}

// order is a total order on values: numbers (by value), then text, then
// blobs (by bytes), then NULL last, as pandas sorts missing values.
func order(a, b sqlexec.Value) int {
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return ra - rb
	}
	switch ra {
	case 0:
		if a.Kind == sqlexec.Int && b.Kind == sqlexec.Int {
			return cmpInt(a.Int, b.Int)
		}
		x, y := a.Float(), b.Float()
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case 1, 2:
		return strings.Compare(a.Str, b.Str)
	}
	return 0
}

func rank(v sqlexec.Value) int {
	switch v.Kind {
	case sqlexec.Int, sqlexec.Real:
		return 0
	case sqlexec.Text:
		return 1
	case sqlexec.Blob:
		return 2
	}
	return 3
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func rowOrder(a, b []sqlexec.Value) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := order(a[i], b[i]); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}
