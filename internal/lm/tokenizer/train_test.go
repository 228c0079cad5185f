package tokenizer

import (
	"bufio"
	"encoding/json"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// sqlTexts yields up to limit examples of the sql-create-context data (question, schema and
// query of each record) as one text each; limit <= 0 means all.
func sqlTexts(t testing.TB, limit int) iter.Seq[string] {
	t.Helper()
	var texts []string
	for _, name := range []string{"sql-create-context-train.jsonl", "sql-create-context-test.jsonl"} {
		f, err := os.Open(filepath.Join("..", "..", "..", "data", "sql-create-context", name))
		if err != nil {
			t.Skipf("training data not found: %v", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() && (limit <= 0 || len(texts) < limit) {
			var r struct{ Input, Context, Output string }
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			texts = append(texts, r.Input+"\n"+r.Context+"\n"+r.Output+"\n")
		}
		f.Close()
	}
	return slices.Values(texts)
}

func TestTrainSmall(t *testing.T) {
	texts := []string{"SELECT name FROM users", "SELECT id FROM users WHERE name = 'x'", "<|bos|>SELECT name FROM orders"}
	tok, err := Train(slices.Values(texts), 300, DefaultSpecialTokens)
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.VocabSize(); got > 300 || got <= 261 {
		t.Errorf("VocabSize() = %d, want in (261, 300]", got)
	}
	for i, s := range DefaultSpecialTokens {
		if id, ok := tok.TokenID(s); !ok || id != i || !tok.IsSpecial(id) {
			t.Errorf("TokenID(%q) = %d, %v, want special id %d", s, id, ok, i)
		}
	}
	// " FROM" and "SELECT" occur three times each: they must have become single tokens.
	for _, w := range []string{"ĠFROM", "SELECT", "Ġname"} {
		if _, ok := tok.TokenID(w); !ok {
			t.Errorf("token %q was not learned", w)
		}
	}
	if got := tok.Encode("<|im_start|>SELECT"); len(got) != 2 || got[0] != 3 {
		t.Errorf("Encode(<|im_start|>SELECT) = %v, want [3 id(SELECT)]", got)
	}
	if got := tok.EncodeWithSpecial("x"); len(got) != 2 || got[0] != 0 {
		t.Errorf("EncodeWithSpecial(x) = %v, want BOS (0) first", got)
	}
	for _, tc := range []struct {
		size  int
		specs []string
	}{{100, nil}, {300, []string{"a", "a"}}, {300, []string{""}}} {
		if _, err := Train(slices.Values(texts), tc.size, tc.specs); err == nil {
			t.Errorf("Train(size %d, specials %q) succeeded, want an error", tc.size, tc.specs)
		}
	}
}

func TestTrainSaveLoad(t *testing.T) {
	texts := sqlTexts(t, 1000)
	tok, err := Train(texts, 2048, DefaultSpecialTokens)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Train(texts, 2048, DefaultSpecialTokens)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tok.merges, again.merges) {
		t.Error("two trainings on the same texts learned different merges")
	}
	if got := tok.VocabSize(); got != 2048 {
		t.Errorf("VocabSize() = %d, want 2048", got)
	}
	path := filepath.Join(t.TempDir(), "tokenizer.json")
	if err := tok.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var bytes, ntok int
	for s := range texts {
		a, b := tok.EncodeWithSpecial(s), loaded.EncodeWithSpecial(s)
		if !slices.Equal(a, b) {
			t.Fatalf("trained and saved/loaded tokenizers differ on %q:\n%v\n%v", s, a, b)
		}
		if got := loaded.Decode(loaded.Encode(s)); got != s {
			t.Fatalf("decode(encode(%q)) = %q", s, got)
		}
		bytes += len(s)
		ntok += len(a)
	}
	// Byte-level BPE with 2k merges on its own training text compresses well past 3 bytes/token.
	if r := float64(bytes) / float64(ntok); r < 3 {
		t.Errorf("%.2f bytes per token, want >= 3", r)
	}
	t.Logf("%d bytes, %d tokens: %.2f bytes/token", bytes, ntok, float64(bytes)/float64(ntok))
}

// TestTrainFull trains on all of sql-create-context (about 3 MB) as the embedded model does.
func TestTrainFull(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	tok, err := Train(sqlTexts(t, 0), 8192, DefaultSpecialTokens)
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.VocabSize(); got != 8192 {
		t.Errorf("VocabSize() = %d, want 8192", got)
	}
}
