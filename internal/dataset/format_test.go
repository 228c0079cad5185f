package dataset

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func sampleRecords() []Record {
	recs := []Record{
		{Question: "What was the total revenue in 2021?", SQL: "SELECT SUM(UnitPrice * Quantity) FROM order_details od JOIN Orders o ON o.OrderID = od.OrderID WHERE strftime('%Y', o.OrderDate) = '2021'",
			Reasoning: "Revenue is the sum of price times quantity; filter orders to 2021.", Group: "rev-2021", DB: "northwind", Hardness: "medium", Shape: "single", Source: "template"},
		{Question: "List products with a price above 50 <sorted>", SQL: "SELECT ProductName FROM Products WHERE UnitPrice > 50 ORDER BY ProductName",
			Group: "p50", DB: "northwind", Hardness: "easy", Shape: "list", Source: "template"},
	}
	for i := range recs {
		recs[i].ID = RecordID(recs[i].Question, recs[i].SQL)
	}
	return recs
}

const sampleSchema = "CREATE TABLE Products (ProductID INTEGER, ProductName TEXT, UnitPrice REAL)"

// TestExportGolden pins every format's rendering of two records.
func TestExportGolden(t *testing.T) {
	opts := ExportOptions{Schema: sampleSchema}
	for _, f := range Formats() {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Export(&buf, sampleRecords(), f, opts); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", string(f)+".jsonl")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if d := cmp.Diff(buf.String(), string(want)); d != "" {
				t.Errorf("%s (-got +want):\n%s", f, d)
			}
		})
	}
}

func TestReasoningAssistantMatchesSeed(t *testing.T) {
	r := sampleRecords()[0]
	got := Chat(&r, true, ExportOptions{}).Messages[2].Content
	want := r.Reasoning + "\n\n###final_sql_query:\n" + r.SQL
	if got != want {
		t.Fatalf("assistant text\n got %q\nwant %q", got, want)
	}
}

// TestRoundTrip exports and re-imports every format that carries question and SQL back.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	type pair struct{ Q, SQL, Reasoning, Context string }
	key := func(recs []Record, withReasoning, withContext bool) []pair {
		var out []pair
		for _, r := range recs {
			p := pair{Q: r.Question, SQL: r.SQL}
			if withReasoning {
				p.Reasoning = r.Reasoning
			}
			if withContext {
				p.Context = r.Context
			}
			out = append(out, p)
		}
		return out
	}
	in := sampleRecords()
	for i := range in {
		in[i].Context = sampleSchema
	}
	tests := []struct {
		format    Format
		importer  func(context.Context, io.Reader, string, ReadOptions) ([]Record, ReadReport, error)
		reasoning bool
	}{
		{FormatRecords, ReadJSONL, true},
		{FormatOpenAI, ImportOpenAI, false},
		{FormatOpenAIReasoning, ImportOpenAI, true},
		{FormatSQLCreateContext, ImportSQLCreateContext, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Export(&buf, in, tt.format, ExportOptions{}); err != nil {
				t.Fatal(err)
			}
			out, _, err := tt.importer(ctx, &buf, "rt.jsonl", ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(key(out, tt.reasoning, true), key(in, tt.reasoning, true)); d != "" {
				t.Errorf("round trip (-got +want):\n%s", d)
			}
		})
	}
}

func TestWriteSplits(t *testing.T) {
	dir := t.TempDir()
	parts, err := Split(synthetic(200), SplitOptions{Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	tc, err := NewTokenCounter()
	if err != nil {
		t.Fatal(err)
	}
	opts := WriteOptions{Formats: []Format{FormatOpenAI, FormatTRL, FormatAlpaca, FormatShareGPT, FormatSQLCreateContext}, Export: ExportOptions{Schema: sampleSchema}}
	m, err := NewManifest(parts, tc, opts.Export, DefaultCostModel, 0)
	if err != nil {
		t.Fatal(err)
	}
	m.Seed, m.Generator = 5, "test"
	if _, err := WriteSplits(context.Background(), dir, parts, opts, m); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got Manifest
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Files) != 3*6 {
		t.Errorf("manifest lists %d files, want 18", len(got.Files))
	}
	for rel, sum := range got.Files {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		if s := sha256Hex(b); s != sum {
			t.Errorf("%s: sha256 %s, manifest says %s", rel, s, sum)
		}
	}
	entries, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(entries) != 0 {
		t.Errorf("temporary files left: %v", entries)
	}
	back, _, err := ReadFile(context.Background(), filepath.Join(dir, "train.jsonl"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != got.Splits[0].Count || got.Total != len(synthetic(200)) {
		t.Errorf("train.jsonl has %d records, manifest %d; total %d", len(back), got.Splits[0].Count, got.Total)
	}
	if got.Splits[0].Tokens <= 0 || got.Cost == nil || got.Cost.USD <= 0 {
		t.Errorf("no tokens or cost in manifest: %+v", got.Splits[0])
	}
}

func TestTokenCounts(t *testing.T) {
	tc, err := NewTokenCounter()
	if err != nil {
		t.Fatal(err)
	}
	// o200k_base: "hello world" is 2 tokens.
	if n := tc.Text("hello world"); n != 2 {
		t.Errorf("Text(hello world) = %d, want 2", n)
	}
	ex := OpenAIChat{Messages: []ChatMessage{{Role: "user", Content: "hello world"}}}
	if n := tc.Chat(ex); n != 3+3+1+2 {
		t.Errorf("Chat = %d, want 9 (3 priming + 3 framing + role + content)", n)
	}
	c, err := EstimateCost("gpt-4o-mini-2024-07-18", 1_000_000, 3)
	if err != nil || c.USD != 9 {
		t.Errorf("cost of 1M tokens x 3 epochs on gpt-4o-mini = %v, %v; want $9", c.USD, err)
	}
	if _, err := EstimateCost("gpt-unknown", 1, 1); err == nil {
		t.Error("unknown model priced")
	}
}

func TestNormalizeSQL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SELECT  *\n FROM t ;", "SELECT * FROM t"},
		{"SELECT 'a  b;'  FROM t;;", "SELECT 'a  b;' FROM t"},
		{"  SELECT \"x  y\" FROM [a  b]\t", "SELECT \"x  y\" FROM [a  b]"},
		{"SELECT 'open  ;", "SELECT 'open  ;"},
	}
	for _, tt := range tests {
		if got := NormalizeSQL(tt.in); got != tt.want {
			t.Errorf("NormalizeSQL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := NormalizeQuestion("  What's the  Total-Revenue, in 2021?? "); got != "whats the total revenue in 2021" {
		t.Errorf("NormalizeQuestion = %q", got)
	}
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
