package tokenizer

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"unicode/utf8"
)

// FuzzEncodeDecode checks decode(encode(s)) == s for valid UTF-8 on the lossless fixtures and
// a trained vocabulary, and that encoding never panics on any input.
func FuzzEncodeDecode(f *testing.F) {
	for _, s := range []string{"", "SELECT * FROM t WHERE a = 'x';", "  \n\t ", "é日本🙂", "<|endoftext|>x<|eot_id|>", "12345 678", "\xff\xfe"} {
		f.Add(s)
	}
	toks := []*Tokenizer{mustLoad(f, "gpt2.json"), mustLoad(f, "llama3.json"), mustLoad(f, "llama2.json")}
	trained, err := Train(slices.Values([]string{"SELECT a FROM b WHERE c = 1", "the quick brown fox 123"}), 300, DefaultSpecialTokens)
	if err != nil {
		f.Fatal(err)
	}
	toks = append(toks, trained)
	f.Fuzz(func(t *testing.T, s string) {
		for i, tok := range toks {
			ids := tok.Encode(s)
			for _, id := range ids {
				if id < 0 || id >= tok.VocabSize() {
					t.Fatalf("tokenizer %d: id %d out of range for %q", i, id, s)
				}
			}
			got := tok.Decode(ids)
			if !utf8.ValidString(s) {
				continue
			}
			if i == 2 && (len(s) > 0 && s[0] == ' ' || containsSpecialThenSpace(s)) {
				continue // Llama 2's legacy Prepend normalizer is not lossless there (as in Hugging Face)
			}
			if got != s {
				t.Fatalf("tokenizer %d: decode(encode(%q)) = %q (ids %v)", i, s, got, ids)
			}
		}
	})
}

func containsSpecialThenSpace(s string) bool {
	for _, sp := range []string{"<unk>", "<s>", "</s>"} {
		for i := 0; i+len(sp) <= len(s); i++ {
			if s[i:i+len(sp)] == sp {
				return true // any text after a special token gets its own ▁
			}
		}
	}
	return false
}

// FuzzLoadTokenizerJSON checks that Parse never panics on malformed files, seeded with the
// fixtures so the fuzzer mutates real structure.
func FuzzLoadTokenizerJSON(f *testing.F) {
	for _, name := range []string{"gpt2.json", "llama3.json", "llama2.json", "metaspace.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"model":{"type":"BPE","vocab":{"a":0},"merges":[["a","a"]]}}`))
	f.Add([]byte(`{"model":{"vocab":{"a":99999999}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, err := Parse(data)
		if err != nil {
			return
		}
		ids := tok.EncodeWithSpecial("SELECT x FROM y <s> é")
		_ = tok.Decode(append(ids, -1, tok.VocabSize()))
	})
}
