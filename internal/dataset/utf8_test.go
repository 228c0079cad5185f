package dataset

import (
	"context"
	"strings"
	"testing"
)

// TestImportBadBytesAndLongFields: invalid UTF-8 is an error naming the file, the line and
// the byte unless replacement is asked for; an over-long question or SQL is an error naming
// the field.
func TestImportBadBytesAndLongFields(t *testing.T) {
	ctx := context.Background()
	scc := func(q, sql string) string {
		return `{"question":"` + q + `","answer":"` + sql + `","context":"CREATE TABLE t (a INT)"}` + "\n"
	}
	good := scc("how many", "SELECT count(*) FROM t")
	tests := []struct {
		name    string
		from    string
		input   string
		opts    ReadOptions
		wantErr string
		wantQ   string // first record's question when no error
		replace int
	}{
		{"invalid byte", FromSQLCreateContext, good + scc("caf\xe9 count", "SELECT 1"), ReadOptions{}, "in.jsonl:2: invalid UTF-8 at byte 17", "", 0},
		{"replaced on request", FromSQLCreateContext, scc("caf\xe9\xe9 count", "SELECT 1"), ReadOptions{ReplaceInvalidUTF8: true}, "", "caf\uFFFD count", 1},
		{"records reader too", FromRecords, "{\"question\":\"q\xff\",\"sql\":\"SELECT 1\"}\n", ReadOptions{}, "in.jsonl:1: invalid UTF-8", "", 0},
		{"5 MB question", FromSQLCreateContext, scc(strings.Repeat("q", 5<<20), "SELECT 1"), ReadOptions{}, "in.jsonl:1: field question: 5242880 bytes, the limit is 8192", "", 0},
		{"long SQL", FromSeed, `{"user":"q","sql_result":"SELECT '` + strings.Repeat("x", MaxSQLBytes) + `'"}` + "\n", ReadOptions{}, "in.jsonl:1: field sql_result: ", "", 0},
		{"long question in records", FromRecords, `{"question":"` + strings.Repeat("q", MaxQuestionBytes+1) + `","sql":"SELECT 1"}` + "\n", ReadOptions{}, "in.jsonl:1: field question: 8193 bytes", "", 0},
		{"skip-bad counts it", FromSQLCreateContext, scc("\xff", "SELECT 1") + good, ReadOptions{SkipBad: true}, "", "how many", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var recs []Record
			var rep ReadReport
			var err error
			r := strings.NewReader(tt.input)
			switch tt.from {
			case FromSQLCreateContext:
				recs, rep, err = ImportSQLCreateContext(ctx, r, "in.jsonl", tt.opts)
			case FromSeed:
				recs, rep, err = ImportSeed(ctx, r, "in.jsonl", tt.opts)
			default:
				recs, rep, err = ReadJSONL(ctx, r, "in.jsonl", tt.opts)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) == 0 || recs[0].Question != tt.wantQ || rep.Replaced != tt.replace {
				t.Errorf("records %d, first question %q, replaced %d; want %q, %d", len(recs), firstQ(recs), rep.Replaced, tt.wantQ, tt.replace)
			}
		})
	}
}

func TestSpiderInvalidUTF8NamesLine(t *testing.T) {
	dev := []byte("[\n{\"db_id\":\"x\",\"question\":\"ok\",\"query\":\"SELECT 1\"},\n{\"db_id\":\"x\",\"question\":\"b\xc3\",\"query\":\"SELECT 1\"}\n]")
	_, _, err := ImportSpider(context.Background(), dev, "dev.json", []byte("[]"), "tables.json", ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), "dev.json:3: invalid UTF-8") {
		t.Fatalf("error %v, want dev.json:3: invalid UTF-8", err)
	}
}

func firstQ(recs []Record) string {
	if len(recs) == 0 {
		return ""
	}
	return recs[0].Question
}
