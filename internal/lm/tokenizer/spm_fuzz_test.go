package tokenizer

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseSentencePiece feeds arbitrary bytes (seeded with the small shipped models, whole
// and cut) to the .model reader: it must return an error or a tokenizer whose ids stay in range
// and whose decoder does not panic.
func FuzzParseSentencePiece(f *testing.F) {
	for _, name := range spModels {
		data, err := os.ReadFile(filepath.Join("testdata", "spm", name+".model"))
		if err != nil {
			f.Fatal(err)
		}
		if len(data) > 20000 {
			continue // the NFKC map makes a large input the fuzzer crawls through
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Add([]byte{0x0a, 0x09, 0x0a, 0x05, '<', 'u', 'n', 'k', '>', 0x18, 0x02})
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, err := ParseSentencePiece(data)
		if err != nil {
			return
		}
		for _, s := range []string{"SELECT * FROM t;", "  é東京🙂\t\n", "<s>x</s>", "\xff"} {
			ids := tok.EncodeWithSpecial(s)
			for _, id := range ids {
				if id < 0 || id >= tok.VocabSize() {
					t.Fatalf("Encode(%q): id %d out of range [0, %d)", s, id, tok.VocabSize())
				}
			}
			tok.Decode(ids)
		}
	})
}
