package sqlparse

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTokenize(t *testing.T) {
	type kt struct {
		Kind Kind
		Text string
	}
	tests := []struct {
		in      string
		want    []kt
		wantErr bool
	}{
		{"SELECT a.b, 'it''s' FROM \"t\"\"x\" -- c\n", []kt{{Keyword, "SELECT"}, {Ident, "a"}, {Punct, "."}, {Ident, "b"}, {Punct, ","}, {String, "'it''s'"}, {Keyword, "FROM"}, {QuotedIdent, `"t""x"`}, {Comment, "-- c"}}, false},
		{"[a b] `c` x'0f' X'' ?1 ? :n @m $v", []kt{{QuotedIdent, "[a b]"}, {QuotedIdent, "`c`"}, {Blob, "x'0f'"}, {Blob, "X''"}, {Param, "?1"}, {Param, "?"}, {Param, ":n"}, {Param, "@m"}, {Param, "$v"}}, false},
		{"1 1.5 .5 1e10 1.5E-3 0x1F 1_000", []kt{{Number, "1"}, {Number, "1.5"}, {Number, ".5"}, {Number, "1e10"}, {Number, "1.5E-3"}, {Number, "0x1F"}, {Number, "1_000"}}, false},
		{"a->>'$.x' || b <> c != d == e <= f >= g << h >> i /*k*/", []kt{{Ident, "a"}, {Operator, "->>"}, {String, "'$.x'"}, {Operator, "||"}, {Ident, "b"}, {Operator, "<>"}, {Ident, "c"}, {Operator, "!="}, {Ident, "d"}, {Operator, "=="}, {Ident, "e"}, {Operator, "<="}, {Ident, "f"}, {Operator, ">="}, {Ident, "g"}, {Operator, "<<"}, {Ident, "h"}, {Operator, ">>"}, {Ident, "i"}, {Comment, "/*k*/"}}, false},
		{"württemberg", []kt{{Ident, "württemberg"}}, false},
		{"'open", []kt{{String, "'open"}}, true},
		{"a # b", []kt{{Ident, "a"}, {Illegal, "#"}, {Ident, "b"}}, true},
		{"/* open", []kt{{Comment, "/* open"}}, true},
	}
	for _, tc := range tests {
		toks, err := Tokenize(tc.in)
		got := make([]kt, len(toks))
		for i, tok := range toks {
			got[i] = kt{tok.Kind, tok.Text}
		}
		if (err != nil) != tc.wantErr {
			t.Errorf("Tokenize(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("Tokenize(%q) (-want +got):\n%s", tc.in, d)
		}
	}
}

func TestTokenName(t *testing.T) {
	tests := []struct{ text, want string }{
		{`"a""b"`, `a"b`}, {"[x y]", "x y"}, {"`q``r`", "q`r"}, {"plain", "plain"},
	}
	for _, tc := range tests {
		toks, _ := Tokenize(tc.text)
		if got := toks[0].Name(); got != tc.want {
			t.Errorf("Name(%s) = %q, want %q", tc.text, got, tc.want)
		}
	}
}
