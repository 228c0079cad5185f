package pgload

import "testing"

func TestPGType(t *testing.T) {
	for _, c := range []struct{ decl, want string }{
		{"INTEGER", "bigint"},
		{"int", "bigint"},
		{"BIGINT", "bigint"},
		{"TEXT", "text"},
		{"VARCHAR(40)", "text"},
		{"NCHAR(5)", "text"},
		{"CLOB", "text"},
		{"BLOB", "bytea"},
		{"REAL", "double precision"},
		{"DOUBLE PRECISION", "double precision"},
		{"FLOAT", "double precision"},
		{"NUMERIC", "double precision"},
		{"DECIMAL(10,2)", "double precision"},
		{"BOOLEAN", "double precision"},
		{"DATE", "text"},
		{"DATETIME", "text"},
		{"TIMESTAMP", "text"},
		{"", "text"},
	} {
		if got := PGType(c.decl); got != c.want {
			t.Errorf("PGType(%q) = %q, want %q", c.decl, got, c.want)
		}
	}
}

func TestConvert(t *testing.T) {
	for _, c := range []struct {
		v      any
		typ    string
		want   any
		failed bool
	}{
		{int64(3), typeBigint, int64(3), false},
		{float64(3), typeBigint, int64(3), false},
		{3.5, typeBigint, nil, true},
		{" 12", typeBigint, int64(12), false},
		{"twelve", typeBigint, nil, true},
		{int64(18), typeDouble, 18.0, false},
		{"2.5", typeDouble, 2.5, false},
		{[]byte{1}, typeDouble, nil, true},
		{int64(7), typeText, "7", false},
		{18.0, typeText, "18.0", false},
		{0.25, typeText, "0.25", false},
		{"ab", typeBytea, []byte("ab"), false},
		{int64(1), typeBytea, nil, true},
		{nil, typeBigint, nil, false},
	} {
		got, err := convert(c.v, c.typ)
		if (err != nil) != c.failed {
			t.Errorf("convert(%v, %s) error = %v, want failure %v", c.v, c.typ, err, c.failed)
			continue
		}
		if b, ok := c.want.([]byte); ok {
			if string(got.([]byte)) != string(b) {
				t.Errorf("convert(%v, %s) = %v, want %v", c.v, c.typ, got, c.want)
			}
			continue
		}
		if got != c.want {
			t.Errorf("convert(%v, %s) = %v (%T), want %v (%T)", c.v, c.typ, got, got, c.want, c.want)
		}
	}
}
