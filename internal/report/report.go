// Package report renders an evaluation report (eval.Report) for people and
// programs: report.json (every item of every model), report.md (summary
// tables) and a self-contained report.html (inline SVG charts and a per-item
// drill-down, no scripts or network), and compares two report.json files.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

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
// if missing), each through a temporary file and a rename.
func WriteDir(dir string, r *eval.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer, *eval.Report) error
	}{{JSONFile, WriteJSON}, {MarkdownFile, WriteMarkdown}, {HTMLFile, WriteHTML}} {
		path := filepath.Join(dir, f.name)
		if _, err := dataset.WriteFileAtomic(path, func(w io.Writer) error { return f.write(w, r) }); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
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
