// Package report renders an evaluation report (eval.Report) for people and
// programs: report.json (every item of every model), report.md (summary
// tables) and a self-contained report.html (inline SVG charts and a per-item
// drill-down, no scripts or network), and compares two report.json files.
package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/eval"
)

// File names written by WriteDir.
const (
	JSONFile     = "report.json"
	MarkdownFile = "report.md"
	HTMLFile     = "report.html"
)

// WriteDir writes report.json, report.md and report.html into dir (created
// if missing), each through a temporary file and a rename. The three are
// written at once.
func WriteDir(dir string, r *eval.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	files := []struct {
		name  string
		write func(io.Writer, *eval.Report) error
	}{{JSONFile, WriteJSON}, {MarkdownFile, WriteMarkdown}, {HTMLFile, WriteHTML}}
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Go(func() {
			path := filepath.Join(dir, f.name)
			write := func(w io.Writer) error { // buffered: the templates write in small pieces
				bw := bufio.NewWriterSize(w, 1<<16)
				if err := f.write(bw, r); err != nil {
					return err
				}
				return bw.Flush()
			}
			if _, err := dataset.WriteFileAtomic(path, write); err != nil {
				errs[i] = fmt.Errorf("write %s: %w", path, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// WriteJSON writes r as indented JSON (two spaces), as json.Encoder with
// SetIndent("", "  ") and HTML escaping off writes it.
func WriteJSON(w io.Writer, r *eval.Report) error {
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return err
	}
	_, err := w.Write(indentJSON(make([]byte, 0, compact.Len()*3/2), compact.Bytes(), "  "))
	return err
}

// indentJSON appends src, compact JSON as json.Marshal writes it, indented
// as json.Indent(dst, src, "", indent) indents it: a newline and one indent
// per level after each opening bracket and comma, ": " after each key, empty
// objects and arrays kept as {} and []. It only tracks strings, so it is
// several times faster than json.Indent, which runs the full JSON scanner
// over every byte; report.json of a Spider dev run spent most of its
// encoding time there.
func indentJSON(dst, src []byte, indent string) []byte {
	depth := 0
	needIndent, inString, escaped := false, false, false
	newline := func() {
		dst = append(dst, '\n')
		for range depth {
			dst = append(dst, indent...)
		}
	}
	for _, c := range src {
		if inString {
			dst = append(dst, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if needIndent && c != '}' && c != ']' {
			needIndent = false
			depth++
			newline()
		}
		switch c {
		case '"':
			inString = true
			dst = append(dst, c)
		case '{', '[':
			needIndent = true // delayed, so that empty ones stay {} and []
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				newline()
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// ReadJSON reads a report.json file.
func ReadJSON(path string) (*eval.Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	var r eval.Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("read report %s: %w", path, err)
	}
	if r.Version != eval.ReportVersion {
		return nil, fmt.Errorf("read report %s: field version: %d, want %d", path, r.Version, eval.ReportVersion)
	}
	return &r, nil
}
