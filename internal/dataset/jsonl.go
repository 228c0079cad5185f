package dataset

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/sqlforge/sqlforge/internal/atomicfile"
)

// maxLine bounds one JSONL line (16 MiB): a record with a large schema context fits.
const maxLine = 16 << 20

// LineError is a bad input line: the file, the 1-based line, the field and what is wrong.
// Its text is "file:line: field X: message", the form every sqlforge input error takes.
type LineError struct {
	File  string
	Line  int
	Field string
	Err   error
}

func (e *LineError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s:%d: field %s: %v", e.File, e.Line, e.Field, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// ReadOptions tune how JSONL input is read.
type ReadOptions struct {
	// SkipBad skips bad lines instead of failing on the first one; they are counted
	// in ReadReport.Bad and the first few kept in ReadReport.Errors.
	SkipBad bool
	// ReplaceInvalidUTF8 replaces bytes that are not UTF-8 with U+FFFD (counted in
	// ReadReport.Replaced) instead of failing on them.
	ReplaceInvalidUTF8 bool
}

// Field limits of every reader and importer: a longer value is a bad line.
const (
	// MaxQuestionBytes bounds a question.
	MaxQuestionBytes = 8 << 10
	// MaxSQLBytes bounds a SQL query (the statement guard's limit too).
	MaxSQLBytes = 100_000
)

// checkLengths reports the first of r's question and SQL that is over its limit.
func checkLengths(r *Record) (string, error) {
	switch {
	case len(r.Question) > MaxQuestionBytes:
		return "question", fmt.Errorf("%d bytes, the limit is %d", len(r.Question), MaxQuestionBytes)
	case len(r.SQL) > MaxSQLBytes:
		return "sql", fmt.Errorf("%d bytes, the limit is %d", len(r.SQL), MaxSQLBytes)
	}
	return "", nil
}

// validUTF8 checks that data is UTF-8: with opts.ReplaceInvalidUTF8 it returns data with
// invalid bytes replaced by U+FFFD and how many runs it replaced, else an error naming
// the file, the line and the byte of the first invalid sequence (line is the line of
// data's first byte in the file).
func validUTF8(data []byte, name string, line int, opts ReadOptions) ([]byte, int, error) {
	if utf8.Valid(data) {
		return data, 0, nil
	}
	if opts.ReplaceInvalidUTF8 {
		n, inBad := 0, false
		for i := 0; i < len(data); {
			r, size := utf8.DecodeRune(data[i:])
			bad := r == utf8.RuneError && size == 1
			if bad && !inBad {
				n++
			}
			inBad = bad
			i += size
		}
		return bytes.ToValidUTF8(data, []byte("\uFFFD")), n, nil
	}
	off := 0
	for off < len(data) {
		r, size := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		off += size
	}
	nl := bytes.Count(data[:off], []byte("\n"))
	col := off - (bytes.LastIndexByte(data[:off], '\n') + 1)
	return nil, 0, &LineError{File: name, Line: line + nl, Err: fmt.Errorf("invalid UTF-8 at byte %d of the line (pass --replace-invalid-utf8 to replace such bytes with U+FFFD)", col+1)}
}

// ReadReport says what a reader saw.
type ReadReport struct {
	// Lines is the number of non-blank lines read.
	Lines int `json:"lines"`
	// Bad is the number of lines skipped because they were invalid (SkipBad only).
	Bad int `json:"bad"`
	// Errors holds the first 20 bad-line errors (SkipBad only).
	Errors []string `json:"errors,omitempty"`
	// Replaced counts the runs of invalid UTF-8 replaced by U+FFFD (ReplaceInvalidUTF8 only).
	Replaced int `json:"replaced_utf8,omitempty"`
}

func (rep *ReadReport) bad(err error) {
	rep.Bad++
	if len(rep.Errors) < 20 {
		rep.Errors = append(rep.Errors, err.Error())
	}
}

// eachLine calls fn for every non-blank line of r with its 1-based number. A non-nil
// error from fn stops the scan unless opts.SkipBad, in which case it is counted.
func eachLine(ctx context.Context, r io.Reader, name string, opts ReadOptions, rep *ReadReport, fn func(line int, b []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		rep.Lines++
		b, replaced, err := validUTF8(b, name, n, opts)
		rep.Replaced += replaced
		if err == nil {
			err = fn(n, b)
		}
		if err != nil {
			if !opts.SkipBad {
				return err
			}
			rep.bad(err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("line %d: %w", n+1, err)
	}
	return nil
}

// decodeStrict unmarshals one JSON value and rejects trailing data.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after the JSON object")
	}
	return nil
}

// jsonFieldError turns a json error into (field, error) when the error names a field.
func jsonFieldError(err error) (string, error) {
	if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field != "" {
		return te.Field, fmt.Errorf("want %s, got JSON %s", te.Type, te.Value)
	}
	return "", fmt.Errorf("invalid JSON: %w", err)
}

// ReadJSONL reads records (our own format, one JSON object per line) from r; name is used
// in error messages. Each record must have a question and SQL.
func ReadJSONL(ctx context.Context, r io.Reader, name string, opts ReadOptions) ([]Record, ReadReport, error) {
	var recs []Record
	var rep ReadReport
	err := eachLine(ctx, r, name, opts, &rep, func(line int, b []byte) error {
		var rec Record
		if err := decodeStrict(b, &rec); err != nil {
			f, e := jsonFieldError(err)
			return &LineError{File: name, Line: line, Field: f, Err: e}
		}
		if f, err := rec.Check(); err != nil {
			return &LineError{File: name, Line: line, Field: f, Err: err}
		}
		if f, err := checkLengths(&rec); err != nil {
			return &LineError{File: name, Line: line, Field: f, Err: err}
		}
		recs = append(recs, rec)
		return nil
	})
	if err != nil {
		return nil, rep, err
	}
	return recs, rep, nil
}

// ReadFile reads a records JSONL file.
func ReadFile(ctx context.Context, path string, opts ReadOptions) ([]Record, ReadReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, ReadReport{}, fmt.Errorf("read records: %w", err)
	}
	defer f.Close()
	return ReadJSONL(ctx, f, path, opts)
}

// WriteJSONL writes records to w, one JSON object per line.
func WriteJSONL(w io.Writer, recs []Record) error {
	return writeLines(w, len(recs), func(i int) any { return recs[i] })
}

// writeLines encodes n values, one per line, without HTML escaping (SQL has < and >).
func writeLines(w io.Writer, n int, at func(i int) any) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := 0; i < n; i++ {
		if err := enc.Encode(at(i)); err != nil {
			return fmt.Errorf("encode line %d: %w", i+1, err)
		}
	}
	return bw.Flush()
}

// WriteFileAtomic writes path through a temporary file in the same directory and renames
// it into place (atomicfile.Write), returning the hex sha256 of what was written.
func WriteFileAtomic(path string, write func(w io.Writer) error) (string, error) {
	return atomicfile.Write(path, write)
}

// WriteRecordsFile writes records JSONL to path atomically and returns its sha256.
func WriteRecordsFile(path string, recs []Record) (string, error) {
	return WriteFileAtomic(path, func(w io.Writer) error { return WriteJSONL(w, recs) })
}

// Check reports the first missing required field (its JSON name) of r.
func (r *Record) Check() (string, error) {
	switch {
	case strings.TrimSpace(r.Question) == "":
		return "question", fmt.Errorf("missing")
	case strings.TrimSpace(r.SQL) == "":
		return "sql", fmt.Errorf("missing")
	}
	return "", nil
}

// RecordID is the stable content hash used as Record.ID: the first 16 hex digits of the
// sha256 of the question and SQL.
func RecordID(question, sql string) string {
	h := sha256.Sum256([]byte(question + "\x00" + sql))
	return hex.EncodeToString(h[:8])
}
