package tokenizer

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// spModels are the SentencePiece models testdata/spm/oracle.py trained: unigram and BPE with
// byte fallback and no normalization (Llama 2 / Gemma style), and unigram with the trainer's
// default NFKC map, whitespace cleanup and <unk>.
var spModels = []string{"unigram", "bpe", "unigram_nfkc"}

type spCase struct {
	Text    string `json:"text"`
	IDs     []int  `json:"ids"`
	Decoded string `json:"decoded"`
}

func loadSP(t testing.TB, name string) *Tokenizer {
	t.Helper()
	tok, err := LoadSentencePiece(filepath.Join("testdata", "spm", name+".model"))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// checkSP compares the Go encoder and decoder with what SentencePiece gave.
func checkSP(t *testing.T, tok *Tokenizer, cases []spCase) {
	t.Helper()
	for _, c := range cases {
		got := tok.Encode(c.Text)
		if !slices.Equal(got, c.IDs) {
			t.Errorf("Encode(%q):\n got  %v\n want %v", c.Text, got, c.IDs)
			continue
		}
		if d := tok.Decode(c.IDs); d != c.Decoded {
			t.Errorf("Decode(Encode(%q)) = %q, want %q", c.Text, d, c.Decoded)
		}
	}
}

// TestSentencePieceShipped checks the ids SentencePiece gave for the hard strings of
// oracle.py (SQL, accents, CJK, emoji, digits, whitespace runs), shipped in expected.json.
func TestSentencePieceShipped(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "spm", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string][]spCase
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	for _, name := range spModels {
		t.Run(name, func(t *testing.T) {
			if len(want[name]) == 0 {
				t.Fatalf("expected.json has no cases for %s", name)
			}
			checkSP(t, loadSP(t, name), want[name])
		})
	}
}

// TestSentencePieceOracle asks SentencePiece itself (Debian's python3-sentencepiece) for the
// ids of the shipped strings plus random mixtures of pieces, characters the vocabulary lacks
// and whitespace, and compares. It skips where the package is absent.
func TestSentencePieceOracle(t *testing.T) {
	py := spPython()
	if py == "" {
		t.Skip("skipping the SentencePiece oracle: no python3 can import sentencepiece; install python3-sentencepiece")
	}
	texts := randomSPTexts(300)
	req, _ := json.Marshal(map[string]any{"models": spModels, "texts": texts})
	cmd := exec.Command(py, filepath.Join("testdata", "spm", "oracle.py"), "encode", filepath.Join("testdata", "spm"))
	cmd.Stdin = bytes.NewReader(req)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle.py: %v\n%s", err, stderr.String())
	}
	var want map[string][]spCase
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatalf("oracle.py output: %v", err)
	}
	for _, name := range spModels {
		t.Run(name, func(t *testing.T) { checkSP(t, loadSP(t, name), want[name]) })
	}
}

// randomSPTexts draws n strings from pieces of SQL and prose, characters outside the
// training corpus and whitespace of every kind, from a fixed seed.
func randomSPTexts(n int) []string {
	parts := []string{"SELECT", " FROM", " WHERE", " orders", "customer_id", "(", ")", "*", ";", ",", "'", "=", " ",
		"  ", "   ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "é", "è", "ü", "ñ", "ç", "Å", "東京", "数据", "日本語",
		"🙂", "🚀", "👩\u200d💻", "0", "12", "2023", "3.14", "-", "ｆｕｌｌ", "①", "Ω", "∑", "\u0301", "<sql>",
		"x", "the", " quick", "brown", "Café", "naïve", "\uFFFD", "\x7f", "\x01", "ǅ", "ﬁ", "…", "™"}
	r := rand.New(rand.NewPCG(18, 2))
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for k := r.IntN(12); k >= 0; k-- {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		out[i] = b.String()
	}
	return out
}

// spPython returns a python3 that can import sentencepiece: $SQLFORGE_PYTHON, python3 on
// PATH, then Debian's /usr/bin/python3.
func spPython() string {
	for _, py := range []string{os.Getenv("SQLFORGE_PYTHON"), "python3", "/usr/bin/python3"} {
		if py != "" && exec.Command(py, "-c", "import sentencepiece").Run() == nil {
			return py
		}
	}
	return ""
}

func TestSentencePieceSpecials(t *testing.T) {
	tok := loadSP(t, "bpe")
	bos, ok := tok.TokenID("<s>")
	if !ok || !tok.IsSpecial(bos) {
		t.Fatalf("TokenID(<s>) = %d, %v; want a special id", bos, ok)
	}
	eos, _ := tok.TokenID("</s>")
	tests := []struct {
		name string
		got  []int
		want []int
	}{
		{"BOS added", tok.EncodeWithSpecial("a")[:1], []int{bos}},
		{"control piece in text", tok.Encode("a</s>")[len(tok.Encode("a")):], []int{eos}},
		{"user-defined kept whole", tok.Encode("<sql>")[1:], []int{mustID(t, tok, "<sql>")}},
	}
	for _, tt := range tests {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if got := tok.DecodeSkipSpecial(tok.EncodeWithSpecial("SELECT 1</s>")); got != "SELECT 1" {
		t.Errorf("DecodeSkipSpecial = %q, want %q", got, "SELECT 1")
	}
	if _, err := tok.MarshalJSON(); err == nil {
		t.Error("MarshalJSON of a SentencePiece tokenizer: want an error")
	}
}

func mustID(t *testing.T, tok *Tokenizer, s string) int {
	t.Helper()
	id, ok := tok.TokenID(s)
	if !ok {
		t.Fatalf("no id for %q", s)
	}
	return id
}

func TestLoadDir(t *testing.T) {
	spData, err := os.ReadFile(filepath.Join("testdata", "spm", "bpe.model"))
	if err != nil {
		t.Fatal(err)
	}
	jsonData, err := os.ReadFile(filepath.Join("testdata", "gpt2.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		files   map[string][]byte
		wantSP  bool
		wantErr bool
	}{
		{"tokenizer.model only", map[string][]byte{SentencePieceFile: spData}, true, false},
		{"both: tokenizer.json wins", map[string][]byte{SentencePieceFile: spData, JSONFile: jsonData}, false, false},
		{"neither", map[string][]byte{}, false, true},
		{"broken tokenizer.model", map[string][]byte{SentencePieceFile: []byte("\x0a\xff")}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			tok, err := LoadDir(dir)
			if (err != nil) != tt.wantErr {
				t.Fatalf("LoadDir: error %v, want error %v", err, tt.wantErr)
			}
			if err == nil && (tok.sp != nil) != tt.wantSP {
				t.Errorf("SentencePiece = %v, want %v", tok.sp != nil, tt.wantSP)
			}
		})
	}
}

func TestParseSentencePieceRejects(t *testing.T) {
	piece := func(s string, typ byte) []byte {
		body := append([]byte{0x0a, byte(len(s))}, s...)
		body = append(body, 0x18, typ)
		return append([]byte{0x0a, byte(len(body))}, body...)
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "pieces: empty"},
		{"truncated", []byte{0x0a, 0x10, 0x01}, "truncated"},
		{"group wire type", []byte{0x0b}, "wire type"},
		{"no unk", piece("a", spNormal), "no unknown piece"},
		{"bad type", piece("a", 9), "unknown type"},
		{"duplicate", append(piece("a", spNormal), piece("a", spNormal)...), "already defined"},
		{"byte fallback without bytes", append(piece("<unk>", spUnknown), 0x12, 0x03, 0x98, 0x02, 0x01), "no byte piece <0x00>"},
		{"word model", append(piece("<unk>", spUnknown), 0x12, 0x02, 0x18, 0x03), "model_type 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSentencePiece(tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
