package constrain

import (
	"bufio"
	"context"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/tokenizer"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// tinySetup trains a small BPE vocabulary on the Northwind corpus and
// builds a random tiny model over it.
func tinySetup(t *testing.T) (*tokenizer.Tokenizer, *lm.Model) {
	t.Helper()
	f, err := os.Open("testdata/northwind_valid.sql")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var texts []string
	for sc := bufio.NewScanner(f); sc.Scan(); {
		texts = append(texts, sc.Text())
	}
	tok, err := tokenizer.Train(slices.Values(texts), 400, tokenizer.DefaultSpecialTokens)
	if err != nil {
		t.Fatal(err)
	}
	cfg := lm.Config{ModelType: "llama", HiddenSize: 16, IntermediateSize: 32, NumHiddenLayers: 1,
		NumAttentionHeads: 2, NumKeyValueHeads: 1, HeadDim: 8, VocabSize: tok.VocabSize(), RMSNormEps: 1e-6,
		RopeTheta: 10000, MaxPositionEmbeddings: 128, TieWordEmbeddings: true, HiddenAct: "silu"}
	m, err := lm.NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m.InitRandom(7, 1)
	return tok, m
}

// TestConstrainedDecoding decodes with a random model under the
// constraint and checks that every output is a valid prefix: it lexes
// without illegal tokens, every name after FROM or JOIN is a Northwind
// table or a common table the output defines (name AS '('), and outputs
// that ended with the end token are complete queries.
// Unconstrained, the same model writes no SQL at all.
func TestConstrainedDecoding(t *testing.T) {
	n := northwind(t)
	tok, m := tinySetup(t)
	end, ok := tok.TokenID("<|im_end|>")
	if !ok {
		t.Fatal("no <|im_end|> token")
	}
	c := New(n, tok, []int{end})
	tables := map[string]bool{}
	for name := range n.Tables {
		tables[strings.ToUpper(name)] = true
	}
	prompt := tok.Encode("<|im_start|>assistant\n")
	finished := 0
	for i, opts := range []lm.GenerateOptions{
		{MaxNew: 40},
		{MaxNew: 40, BeamWidth: 3},
		{MaxNew: 40, Temperature: 1, Seed: 1},
		{MaxNew: 40, Temperature: 1, Seed: 2},
		{MaxNew: 40, Temperature: 1.5, TopP: 0.9, Seed: 3},
		{MaxNew: 40, Temperature: 0.8, TopK: 20, Seed: 4},
		{MaxNew: 60, Temperature: 1, Seed: 5},
		{MaxNew: 60, Temperature: 2, Seed: 6},
	} {
		opts.Stop = [][]int{{end}}
		opts.Constraint = c
		res, err := m.GenerateWith(context.Background(), prompt, opts)
		if err != nil {
			t.Fatal(err)
		}
		text := tok.Decode(res.Tokens)
		t.Logf("%d (%s): %q", i, res.Finish, text)
		if up := strings.TrimSpace(strings.ToUpper(text)); !strings.HasPrefix(up, "SELECT") &&
			!strings.HasPrefix(up, "WITH") && up != "" {
			t.Errorf("%q does not start with SELECT or WITH", text)
		}
		toks, lexErr := sqlparse.Tokenize(text)
		known := maps.Clone(tables)
		for j := 0; j+2 < len(toks); j++ {
			if toks[j+1].Is("AS") && toks[j+2].IsPunct("(") {
				known[strings.ToUpper(toks[j].Name())] = true
			}
		}
		for j, st := range toks {
			if st.Kind == sqlparse.Illegal || st.Kind == sqlparse.Comment {
				t.Errorf("%q: %s token %q", text, st.Kind, st.Text)
			}
			if (st.Is("FROM") || st.Is("JOIN")) && j+1 < len(toks) {
				next := toks[j+1]
				name := strings.ToUpper(next.Name())
				last := j+1 == len(toks)-1 && res.Finish != lm.FinishStop
				if next.Kind == sqlparse.Ident || next.Kind == sqlparse.QuotedIdent {
					if !known[name] && !(last && hasTablePrefix(known, name)) {
						t.Errorf("%q names the unknown table %q", text, next.Text)
					}
				}
			}
		}
		r, ok := NewRecognizer(n).Feed(text)
		if !ok {
			t.Errorf("the recognizer rejects its own output %q", text)
		}
		if res.Finish == lm.FinishStop {
			finished++
			if lexErr != nil || !r.Complete() {
				t.Errorf("%q ended but is not a complete query (lex error %v)", text, lexErr)
			}
		}
	}
	t.Logf("%d of 8 outputs ended with the end token", finished)
	free, err := m.GenerateWith(context.Background(), prompt, lm.GenerateOptions{MaxNew: 40})
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := NewRecognizer(n).Feed(tok.Decode(free.Tokens)); ok && r.Complete() {
		t.Errorf("the random model writes a valid query unconstrained: %q", tok.Decode(free.Tokens))
	}
}

func hasTablePrefix(tables map[string]bool, p string) bool {
	for t := range tables {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

func TestConstraintEndToken(t *testing.T) {
	n := northwind(t)
	tok, _ := tinySetup(t)
	end, _ := tok.TokenID("<|im_end|>")
	bos, _ := tok.TokenID("<|bos|>")
	c := New(n, tok, []int{end})
	s := c.Begin()
	if _, ok := s.Advance(end); ok {
		t.Error("the end token is allowed before any query")
	}
	for _, id := range tok.Encode("SELECT COUNT(*) FROM Orders") {
		var ok bool
		if s, ok = s.Advance(id); !ok {
			t.Fatalf("token %d (%q) rejected", id, tok.Decode([]int{id}))
		}
	}
	if _, ok := s.Advance(bos); ok {
		t.Error("a special token other than the end is allowed")
	}
	done, ok := s.Advance(end)
	if !ok {
		t.Fatal("the end token is refused after a complete query")
	}
	if _, ok := done.Advance(tok.Encode(" ")[0]); ok {
		t.Error("text is allowed after the end token")
	}
}
