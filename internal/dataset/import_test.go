package dataset

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestImportFiles(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		from, path string
		n          int
		check      func(t *testing.T, recs []Record)
	}{
		{FromSeed, "testdata/seed_test_records.jsonl", 2, func(t *testing.T, recs []Record) {
			if recs[0].Reasoning == "" || strings.HasSuffix(recs[0].SQL, ";") {
				t.Errorf("seed record 1: reasoning %q, sql %q", recs[0].Reasoning, recs[0].SQL)
			}
			if !strings.HasPrefix(recs[1].SQL, "SELECT ShipVia") || strings.Contains(recs[1].SQL, "```") {
				t.Errorf("seed record 2: fence not removed: %q", recs[1].SQL)
			}
		}},
		{FromSQLCreateContext, "testdata/sql_create_context.jsonl", 4, func(t *testing.T, recs []Record) {
			if recs[0].Context == "" || len(recs[0].Tables) != 1 || recs[3].SQL != "SELECT COUNT(*) FROM head WHERE age > 56" {
				t.Errorf("sql-create-context records: %+v", recs)
			}
		}},
		{FromSpider, "testdata/spider", 3, func(t *testing.T, recs []Record) {
			want := "CREATE TABLE stadium (Stadium_ID NUMBER, Name TEXT, Capacity NUMBER, PRIMARY KEY (Stadium_ID));\n" +
				"CREATE TABLE singer (Singer_ID NUMBER, Name TEXT, Stadium_ID NUMBER, PRIMARY KEY (Singer_ID), FOREIGN KEY (Stadium_ID) REFERENCES stadium(Stadium_ID));"
			if d := cmp.Diff(recs[0].Context, want); d != "" {
				t.Errorf("spider context (-got +want):\n%s", d)
			}
			if recs[2].DB != "pets" || recs[2].Context != "CREATE TABLE Pets (PetID NUMBER, weight NUMBER, PRIMARY KEY (PetID));" {
				t.Errorf("pets record: %+v", recs[2])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			recs, rep, err := ImportFile(ctx, tt.from, tt.path, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != tt.n || rep.Bad != 0 {
				t.Fatalf("got %d records (%d bad), want %d", len(recs), rep.Bad, tt.n)
			}
			for _, r := range recs {
				if r.ID == "" || r.Group == "" || !strings.HasPrefix(r.Source, "import:") {
					t.Errorf("record lacks id/group/source: %+v", r)
				}
			}
			tt.check(t, recs)
		})
	}
}

func TestImportBadLines(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		fn   func(context.Context, *bytes.Reader) error
		in   string
		want string
	}{
		{"openai no assistant", wrap(ImportOpenAI), "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}\n", "in.jsonl:1: field messages: no assistant message"},
		{"openai bad json", wrap(ImportOpenAI), "\n{\"messages\": [\n", "in.jsonl:2: invalid JSON"},
		{"openai wrong type", wrap(ImportOpenAI), `{"messages":"x"}`, "in.jsonl:1: field messages: want []dataset.ChatMessage"},
		{"seed missing sql", wrap(ImportSeed), "{\"user\":\"q\",\"sql_result\":\"SELECT 1\"}\n{\"user\":\"q\"}\n", "in.jsonl:2: field sql_result: missing"},
		{"seed unknown field ok", wrap(ImportSeed), `{"user":"q","sql_result":"SELECT 1","x":1}`, ""},
		{"scc missing input", wrap(ImportSQLCreateContext), `{"context":"c","output":"SELECT 1"}`, "in.jsonl:1: field input: missing"},
		{"scc missing answer", wrap(ImportSQLCreateContext), `{"question":"q","context":"c"}`, "in.jsonl:1: field output: missing"},
		{"records missing sql", wrap(ReadJSONL), `{"question":"q"}`, "in.jsonl:1: field sql: missing"},
		{"records trailing", wrap(ReadJSONL), `{"question":"q","sql":"x"} 5`, "in.jsonl:1: invalid JSON: trailing data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.fn(ctx, bytes.NewReader([]byte(tt.in)))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			var le *LineError
			if err == nil || !errors.As(err, &le) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("got %v, want a LineError starting %q", err, tt.want)
			}
		})
	}
}

func wrap(fn func(context.Context, io.Reader, string, ReadOptions) ([]Record, ReadReport, error)) func(context.Context, *bytes.Reader) error {
	return func(ctx context.Context, r *bytes.Reader) error {
		_, _, err := fn(ctx, r, "in.jsonl", ReadOptions{})
		return err
	}
}

func TestImportSkipBad(t *testing.T) {
	in := "{\"input\":\"q1\",\"output\":\"SELECT 1\"}\nnot json\n{\"input\":\"q2\"}\n{\"input\":\"q3\",\"output\":\"SELECT 3\"}\n"
	recs, rep, err := ImportSQLCreateContext(context.Background(), strings.NewReader(in), "x.jsonl", ReadOptions{SkipBad: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || rep.Bad != 2 || rep.Lines != 4 || !strings.HasPrefix(rep.Errors[1], "x.jsonl:3: field output") {
		t.Fatalf("got %d records, report %+v", len(recs), rep)
	}
}

func TestImportSpiderBad(t *testing.T) {
	tables, err := os.ReadFile("testdata/spider/tables.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ dev, tables, want string }{
		{`[{"db_id":"nope","question":"q","query":"SELECT 1"}]`, string(tables), `dev.json:1: field db_id: "nope" not in tables.json`},
		{"[\n {\"db_id\":\"pets\",\"question\":\"q\",\"query\":\"SELECT 1\"},\n {\"db_id\":\"pets\",\"question\":\"\"}]", string(tables), "dev.json:3: field question: missing"},
		{`{}`, string(tables), "dev.json:1: want a JSON array"},
		{`[]`, `[{"db_id":"x","table_names_original":["t"],"column_names_original":[[5,"c"]]}]`, "tables.json:1: field column_names_original"},
		{`[]`, `[{"db_id":"x","table_names_original":["t"],"column_names_original":[[-1,"*"],[0,"c"]],"primary_keys":[7]}]`, "tables.json:1: field primary_keys"},
	}
	for _, tt := range tests {
		_, _, err := ImportSpider(context.Background(), []byte(tt.dev), "dev.json", []byte(tt.tables), "tables.json", ReadOptions{})
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("got %v, want prefix %q", err, tt.want)
		}
	}
}

// Fuzz targets: importers must never panic, and every error must be a LineError.
func fuzzImporter(f *testing.F, seeds []string, fn func(context.Context, io.Reader, string, ReadOptions) ([]Record, ReadReport, error)) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		recs, _, err := fn(context.Background(), strings.NewReader(in), "f.jsonl", ReadOptions{})
		var le *LineError
		if err != nil && !errors.As(err, &le) {
			t.Fatalf("error %v is not a LineError", err)
		}
		for _, r := range recs {
			if _, err := r.Check(); err != nil {
				t.Fatalf("imported an invalid record %+v", r)
			}
		}
	})
}

func FuzzImportOpenAI(f *testing.F) {
	fuzzImporter(f, []string{
		`{"messages":[{"role":"system","content":"s"},{"role":"user","content":"q"},{"role":"assistant","content":"r\n\n###final_sql_query:\nSELECT 1"}]}`,
		`{"messages":[{"role":"user","content":"x\nQuestion:\nq\n\nOutput the SQL"},{"role":"assistant","content":"` + "```sql\\nSELECT 1\\n```" + `"}]}`,
	}, ImportOpenAI)
}

func FuzzImportSeed(f *testing.F) {
	b, _ := os.ReadFile("testdata/seed_test_records.jsonl")
	fuzzImporter(f, []string{string(b), `{"user":null}`}, ImportSeed)
}

func FuzzImportSQLCreateContext(f *testing.F) {
	b, _ := os.ReadFile("testdata/sql_create_context.jsonl")
	fuzzImporter(f, []string{string(b), `{"input":"q","output":"x","table_names":[1]}`}, ImportSQLCreateContext)
}

func FuzzReadJSONL(f *testing.F) {
	fuzzImporter(f, []string{`{"question":"q","sql":"SELECT 1","concepts":["a"]}`}, ReadJSONL)
}

func FuzzImportSpider(f *testing.F) {
	dev, _ := os.ReadFile("testdata/spider/dev.json")
	tables, _ := os.ReadFile("testdata/spider/tables.json")
	f.Add(string(dev), string(tables))
	f.Add(`[{"db_id":"x","question":"q","query":"q"}]`, `[{"db_id":"x","table_names_original":["t"],"column_names_original":[[-1,"*"],[0,"c"]],"primary_keys":[[1]],"foreign_keys":[[1,1]]}]`)
	f.Fuzz(func(t *testing.T, dev, tables string) {
		recs, _, err := ImportSpider(context.Background(), []byte(dev), "dev.json", []byte(tables), "tables.json", ReadOptions{})
		var le *LineError
		if err != nil && !errors.As(err, &le) {
			t.Fatalf("error %v is not a LineError", err)
		}
		for _, r := range recs {
			if _, err := r.Check(); err != nil || r.DB == "" {
				t.Fatalf("imported an invalid record %+v", r)
			}
		}
	})
}
