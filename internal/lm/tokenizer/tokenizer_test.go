package tokenizer

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func mustLoad(t testing.TB, name string) *Tokenizer {
	t.Helper()
	tok, err := Load(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// The expected ids are worked out by hand from the merge lists in testdata/make_fixtures.py.
func TestEncodeFixtures(t *testing.T) {
	tests := []struct {
		file, text string
		want       []int
		special    bool // EncodeWithSpecial
	}{
		// GPT-2: S E L E C T merges by rank SE, LE, SELE, CT, SELECT; " the" → Ġt, he, Ġthe.
		{"gpt2.json", "SELECT the", []int{263, 258}, false},
		{"gpt2.json", "in the", []int{264, 258}, false},
		{"gpt2.json", "hello<|endoftext|>", []int{257, 75, 75, 78, 265}, false},
		{"gpt2.json", "a<|endoftext|><|endoftext|>b", []int{64, 265, 265, 65}, false},
		{"gpt2.json", "  x", []int{220, 220, 87}, false}, // \s+(?!\S) keeps one space for the word
		{"gpt2.json", "é", []int{127, 102}, false},       // bytes C3 A9 as byte-level runes
		// Llama 3: ignore_merges takes ĠFROM whole; digits in groups of three; BOS template.
		{"llama3.json", "x FROM", []int{87, 262}, false},
		{"llama3.json", "x FROM", []int{263, 87, 262}, true},
		{"llama3.json", "12345", []int{260, 19, 20}, false},
		{"llama3.json", "\n\n", []int{261}, false},
		{"llama3.json", "<|begin_of_text|>the", []int{263, 83, 257}, false},
		{"llama3.json", "<|start_header_id|>user<|end_header_id|>", []int{265, 84, 82, 68, 81, 266}, false},
		// Llama 2 (SentencePiece export): ▁ prepended, byte fallback for é, BOS template.
		{"llama2.json", "hello world", []int{276, 281}, false},
		{"llama2.json", "hello world", []int{1, 276, 281}, true},
		{"llama2.json", "hello é", []int{276, 259, 198, 172}, false},
		{"llama2.json", "SELECT", []int{259, 267, 268, 269, 268, 270, 271}, false},
		{"llama2.json", "hello</s>", []int{276, 2}, false},
		// The Metaspace form of the same vocabulary gives the same ids.
		{"metaspace.json", "hello world", []int{276, 281}, false},
		{"metaspace.json", "hello é", []int{276, 259, 198, 172}, false},
	}
	for _, tt := range tests {
		tok := mustLoad(t, tt.file)
		var got []int
		if tt.special {
			got = tok.EncodeWithSpecial(tt.text)
		} else {
			got = tok.Encode(tt.text)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: encode(%q, special=%v) = %v, want %v", tt.file, tt.text, tt.special, got, tt.want)
		}
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	texts := []string{
		"SELECT name FROM users WHERE id = 42;",
		"hello world",
		"  leading and trailing spaces  ",
		"tabs\tand\nnewlines\n\n",
		"unicode: é ü 日本語 🙂",
		"special <|endoftext|> inside <|begin_of_text|> text </s> <s>",
		"",
	}
	for _, file := range []string{"gpt2.json", "llama3.json", "llama2.json", "metaspace.json"} {
		tok := mustLoad(t, file)
		for _, s := range texts {
			if file == "metaspace.json" && strings.HasPrefix(s, " ") {
				continue // prepend_scheme "first" does not prepend to " x", so decoding drops a space (as in Hugging Face)
			}
			if file == "llama2.json" && strings.Contains(s, "</s> ") {
				continue // the legacy Prepend normalizer adds ▁ after every special token (as in Hugging Face)
			}
			if got := tok.Decode(tok.Encode(s)); got != s {
				t.Errorf("%s: decode(encode(%q)) = %q", file, s, got)
			}
		}
	}
}

func TestSpecialTokensKeptInText(t *testing.T) {
	tok := mustLoad(t, "llama3.json")
	text := "<|start_header_id|>assistant<|end_header_id|>\n\nSELECT 1<|eot_id|>"
	ids := tok.Encode(text)
	for _, s := range []string{"<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"} {
		id, ok := tok.TokenID(s)
		if !ok {
			t.Fatalf("TokenID(%q) not found", s)
		}
		if !slices.Contains(ids, id) {
			t.Errorf("encode(%q) = %v, missing %s (%d)", text, ids, s, id)
		}
		if !tok.IsSpecial(id) {
			t.Errorf("IsSpecial(%d) = false for %s", id, s)
		}
	}
	if got, want := tok.DecodeSkipSpecial(ids), "assistant\n\nSELECT 1"; got != want {
		t.Errorf("DecodeSkipSpecial = %q, want %q", got, want)
	}
}

func TestVocabSizeAndTokenID(t *testing.T) {
	tests := []struct {
		file  string
		size  int
		token string
		id    int
	}{
		{"gpt2.json", 266, "<|endoftext|>", 265},
		{"gpt2.json", 266, "Ġthe", 258},
		{"llama3.json", 268, "<|eot_id|>", 267},
		{"llama2.json", 282, "<0x0A>", 13},
		{"llama2.json", 282, "▁world", 281},
	}
	for _, tt := range tests {
		tok := mustLoad(t, tt.file)
		if got := tok.VocabSize(); got != tt.size {
			t.Errorf("%s: VocabSize() = %d, want %d", tt.file, got, tt.size)
		}
		if got, ok := tok.TokenID(tt.token); !ok || got != tt.id {
			t.Errorf("%s: TokenID(%q) = %d, %v, want %d", tt.file, tt.token, got, ok, tt.id)
		}
		if s, ok := tok.Token(tt.id); !ok || s != tt.token {
			t.Errorf("%s: Token(%d) = %q, want %q", tt.file, tt.id, s, tt.token)
		}
	}
}

func TestParseErrors(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "gpt2.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new, want string
	}{
		{"bad json", `"version"`, `version`, "parse tokenizer.json"},
		{"model type", `"type": "BPE"`, `"type": "Unigram"`, `model.type: unsupported "Unigram"`},
		{"merge not in vocab", `"Ġ t"`, `"Ġ zz"`, `model.merges[0]`},
		{"merge form", `"Ġ t"`, `"Ġt"`, `model.merges[0]: "Ġt" is not two tokens`},
		{"pre-tokenizer", `"type": "ByteLevel",
  "add_prefix_space": false`, `"type": "Whatever",
  "add_prefix_space": false`, `pre_tokenizer.type: unsupported pre-tokenizer "Whatever"`},
	}
	for _, tt := range tests {
		data := strings.Replace(string(base), tt.old, tt.new, 1)
		if data == string(base) {
			t.Fatalf("%s: fixture text %q not found", tt.name, tt.old)
		}
		_, err := Parse([]byte(data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Parse error = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	if _, err := Load(filepath.Join("testdata", "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("Load(missing) error = %v, want the path named", err)
	}
}
