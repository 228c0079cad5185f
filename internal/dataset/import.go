package dataset

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
)

// Importers for other datasets' formats. Each reads untrusted input and reports a bad line
// as a *LineError ("file:line: field X: ..."); with ReadOptions.SkipBad bad lines are
// counted and skipped instead.

// Import sources accepted by Import.
const (
	FromOpenAI           = "openai"
	FromSeed             = "seed"
	FromSQLCreateContext = "sql-create-context"
	FromSpider           = "spider"
	FromRecords          = "records"
)

// ImportSources lists the sources Import accepts.
func ImportSources() []string {
	return []string{FromOpenAI, FromSeed, FromSQLCreateContext, FromSpider, FromRecords}
}

// ImportFile imports path from the named source. For spider, path is the dev.json (or
// train_spider.json) file or a directory holding dev.json; tables.json is read from the
// same directory.
func ImportFile(ctx context.Context, from, path string, opts ReadOptions) ([]Record, ReadReport, error) {
	if from == FromSpider {
		return ImportSpiderFiles(ctx, path, opts)
	}
	var fn func(context.Context, io.Reader, string, ReadOptions) ([]Record, ReadReport, error)
	switch from {
	case FromOpenAI:
		fn = ImportOpenAI
	case FromSeed:
		fn = ImportSeed
	case FromSQLCreateContext:
		fn = ImportSQLCreateContext
	case FromRecords:
		fn = ReadJSONL
	default:
		return nil, ReadReport{}, fmt.Errorf("unknown import source %q (want one of %s)", from, strings.Join(ImportSources(), ", "))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, ReadReport{}, fmt.Errorf("import %s: %w", from, err)
	}
	defer f.Close()
	return fn(ctx, f, path, opts)
}

// finish fills the fields every imported record gets and checks that a question and SQL
// remain; qField and sqlField name the input fields they came from.
func finish(r *Record, source, file string, line int, qField, sqlField string) error {
	r.Question = strings.TrimSpace(r.Question)
	r.SQL = NormalizeSQL(r.SQL)
	if r.Question == "" {
		return &LineError{File: file, Line: line, Field: qField, Err: fmt.Errorf("no question")}
	}
	if r.SQL == "" {
		return &LineError{File: file, Line: line, Field: sqlField, Err: fmt.Errorf("no SQL")}
	}
	if f, err := checkLengths(r); err != nil {
		if f == "question" {
			f = qField
		} else {
			f = sqlField
		}
		return &LineError{File: file, Line: line, Field: f, Err: err}
	}
	r.ID = RecordID(r.Question, r.SQL)
	if r.Group == "" {
		r.Group = r.ID
	}
	r.Source = source
	return nil
}

// ImportOpenAI reads OpenAI chat JSONL ({"messages":[...]}). The question is the last user
// message (or the text after "Question:" when the user message is the seed's long prompt);
// the assistant text is split at FinalSQLMarker into reasoning and SQL, and a ```sql fence
// is unwrapped.
func ImportOpenAI(ctx context.Context, r io.Reader, name string, opts ReadOptions) ([]Record, ReadReport, error) {
	var recs []Record
	var rep ReadReport
	err := eachLine(ctx, r, name, opts, &rep, func(line int, b []byte) error {
		var ex OpenAIChat
		if err := decodeStrict(b, &ex); err != nil {
			f, e := jsonFieldError(err)
			return &LineError{File: name, Line: line, Field: f, Err: e}
		}
		var user, asst, sys string
		for _, m := range ex.Messages {
			switch m.Role {
			case "system":
				sys = m.Content
			case "user":
				user = m.Content
			case "assistant":
				asst = m.Content
			}
		}
		if strings.TrimSpace(user) == "" {
			return &LineError{File: name, Line: line, Field: "messages", Err: fmt.Errorf("no user message")}
		}
		if strings.TrimSpace(asst) == "" {
			return &LineError{File: name, Line: line, Field: "messages", Err: fmt.Errorf("no assistant message")}
		}
		rec := Record{Question: questionFromPrompt(user)}
		rec.Reasoning, rec.SQL = SplitAssistant(asst)
		if strings.TrimSpace(rec.SQL) == "" {
			return &LineError{File: name, Line: line, Field: "messages", Err: fmt.Errorf("assistant message holds no SQL")}
		}
		if i := strings.Index(sys, "\n\n"); i >= 0 && strings.HasPrefix(sys, systemPromptStart) {
			rec.Context = strings.TrimSpace(sys[i+2:])
		}
		if err := finish(&rec, "import:openai", name, line, "messages", "messages"); err != nil {
			return err
		}
		recs = append(recs, rec)
		return nil
	})
	return recs, rep, err
}

// questionFromPrompt extracts the question from a user prompt: the seed's prompt puts it
// between "Question:" and "Output the SQL"; a plain prompt is the question itself.
func questionFromPrompt(user string) string {
	const q = "\nQuestion:\n"
	i := strings.LastIndex(user, q)
	if i < 0 {
		return strings.TrimSpace(user)
	}
	rest := user[i+len(q):]
	if j := strings.Index(rest, "\n\nOutput the SQL"); j >= 0 {
		rest = rest[:j]
	}
	return strings.TrimSpace(rest)
}

// SplitAssistant splits an assistant text into reasoning and SQL: the text after the last
// FinalSQLMarker is the SQL and what precedes it (trimmed) the reasoning; without a marker
// the whole text is the SQL. A ```sql ... ``` fence around the SQL is removed.
func SplitAssistant(text string) (reasoning, sql string) {
	sql = text
	if i := strings.LastIndex(text, FinalSQLMarker); i >= 0 {
		reasoning = strings.TrimSpace(text[:i])
		sql = text[i+len(FinalSQLMarker):]
	}
	sql = strings.TrimSpace(sql)
	if strings.HasPrefix(sql, "```") {
		sql = strings.TrimPrefix(sql, "```sql")
		sql = strings.TrimPrefix(sql, "```SQL")
		sql = strings.TrimPrefix(sql, "```")
		if j := strings.Index(sql, "```"); j >= 0 {
			sql = sql[:j]
		}
		sql = strings.TrimSpace(sql)
	}
	return reasoning, sql
}

// seedRecord is one line of the seed project's test files (sql_result_test*.jsonl).
type seedRecord struct {
	User               *string `json:"user"`
	AssistantReasoning string  `json:"assistant_reasoning"`
	SQLResult          *string `json:"sql_result"`
}

// ImportSeed reads the seed's test records ({"user", "assistant_reasoning", "sql_result"}).
func ImportSeed(ctx context.Context, r io.Reader, name string, opts ReadOptions) ([]Record, ReadReport, error) {
	var recs []Record
	var rep ReadReport
	err := eachLine(ctx, r, name, opts, &rep, func(line int, b []byte) error {
		var s seedRecord
		if err := decodeStrict(b, &s); err != nil {
			f, e := jsonFieldError(err)
			return &LineError{File: name, Line: line, Field: f, Err: e}
		}
		if s.User == nil || strings.TrimSpace(*s.User) == "" {
			return &LineError{File: name, Line: line, Field: "user", Err: fmt.Errorf("missing")}
		}
		if s.SQLResult == nil || strings.TrimSpace(*s.SQLResult) == "" {
			return &LineError{File: name, Line: line, Field: "sql_result", Err: fmt.Errorf("missing")}
		}
		_, sql := SplitAssistant(*s.SQLResult)
		rec := Record{Question: strings.TrimSpace(*s.User), SQL: sql, Reasoning: strings.TrimSpace(s.AssistantReasoning)}
		if err := finish(&rec, "import:seed", name, line, "user", "sql_result"); err != nil {
			return err
		}
		recs = append(recs, rec)
		return nil
	})
	return recs, rep, err
}

// sqlCreateContextRecord accepts both spellings of b-mc2/sql-create-context rows.
type sqlCreateContextRecord struct {
	Input      *string  `json:"input"`
	Question   *string  `json:"question"`
	Context    string   `json:"context"`
	Output     *string  `json:"output"`
	Answer     *string  `json:"answer"`
	TableNames []string `json:"table_names"`
}

// ImportSQLCreateContext reads sql-create-context JSONL: input/context/output/table_names
// (the copy in data/sql-create-context) or question/context/answer (the original).
func ImportSQLCreateContext(ctx context.Context, r io.Reader, name string, opts ReadOptions) ([]Record, ReadReport, error) {
	var recs []Record
	var rep ReadReport
	err := eachLine(ctx, r, name, opts, &rep, func(line int, b []byte) error {
		var s sqlCreateContextRecord
		if err := decodeStrict(b, &s); err != nil {
			f, e := jsonFieldError(err)
			return &LineError{File: name, Line: line, Field: f, Err: e}
		}
		q, qf := firstOf(s.Input, s.Question), "input"
		if s.Input == nil && s.Question != nil {
			qf = "question"
		}
		if strings.TrimSpace(q) == "" {
			return &LineError{File: name, Line: line, Field: qf, Err: fmt.Errorf("missing")}
		}
		sql, sf := firstOf(s.Output, s.Answer), "output"
		if s.Output == nil && s.Answer != nil {
			sf = "answer"
		}
		if strings.TrimSpace(sql) == "" {
			return &LineError{File: name, Line: line, Field: sf, Err: fmt.Errorf("missing")}
		}
		rec := Record{Question: strings.TrimSpace(q), SQL: sql, Context: strings.TrimSpace(s.Context), Tables: s.TableNames}
		if err := finish(&rec, "import:sql-create-context", name, line, qf, sf); err != nil {
			return err
		}
		recs = append(recs, rec)
		return nil
	})
	return recs, rep, err
}

func firstOf(a, b *string) string {
	if a != nil {
		return *a
	}
	if b != nil {
		return *b
	}
	return ""
}
