// Package report renders an evaluation report (eval.Report) for people and
// programs: report.json (every item of every model), report.md (summary
// tables) and a self-contained report.html (inline SVG charts and a per-item
// drill-down, no scripts or network), and compares two report.json files.
package report

import (
	"bufio"
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

// WriteJSON writes r as indented JSON.
func WriteJSON(w io.Writer, r *eval.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
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
