package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/sqlforge/sqlforge/internal/dataset"
)

// predLine is one line of a JSONL predictions file: the item is named by its
// 0-based index or by its record ID.
type predLine struct {
	Index *int    `json:"index"`
	ID    string  `json:"id"`
	SQL   *string `json:"sql"`
}

// ReadPredictions reads predictions for items from r, in one of two formats,
// told apart by the first non-blank line:
//
//   - JSONL, one {"index": N, "sql": "..."} or {"id": "...", "sql": "..."} per
//     line; items without a line get no prediction (has is false);
//   - Spider's pred.txt: one SQL per line, aligned line by line with items
//     (a blank line is an empty prediction; text after a tab, such as a
//     db_id, is dropped). A file with a different number of lines than
//     there are items is an error, never a shifted alignment.
//
// Errors name the file, line and field.
func ReadPredictions(r io.Reader, name string, items []Item) (sql []string, has []bool, err error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("read predictions %s: %w", name, err)
	}
	if first := firstNonBlank(data); strings.HasPrefix(first, "{") {
		return readPredJSONL(data, name, items)
	}
	return readPredTxt(data, name, items)
}

func firstNonBlank(data []byte) string {
	for _, l := range strings.Split(string(data), "\n") {
		if s := strings.TrimSpace(l); s != "" {
			return s
		}
	}
	return ""
}

func readPredTxt(data []byte, name string, items []Item) ([]string, []bool, error) {
	text := strings.TrimSuffix(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	var lines []string
	if text != "" || len(items) == 1 {
		lines = strings.Split(text, "\n")
	}
	if len(lines) != len(items) {
		return nil, nil, &dataset.LineError{File: name, Line: len(lines), Field: "sql",
			Err: fmt.Errorf("%d prediction lines for %d items: pred.txt must have exactly one line per item, in dataset order", len(lines), len(items))}
	}
	sql := make([]string, len(lines))
	has := make([]bool, len(lines))
	for i, l := range lines {
		if before, _, ok := strings.Cut(l, "\t"); ok {
			l = before
		}
		sql[i] = strings.TrimSpace(l)
		has[i] = true
	}
	return sql, has, nil
}

func readPredJSONL(data []byte, name string, items []Item) ([]string, []bool, error) {
	byID := make(map[string]int, len(items))
	for i, it := range items {
		if it.ID != "" {
			byID[it.ID] = i
		}
	}
	sql := make([]string, len(items))
	has := make([]bool, len(items))
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		lineErr := func(field string, err error) error {
			return &dataset.LineError{File: name, Line: line, Field: field, Err: err}
		}
		var p predLine
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, nil, lineErr("json", fmt.Errorf("not a JSON object: %w", err))
		}
		if p.SQL == nil {
			return nil, nil, lineErr("sql", fmt.Errorf("missing"))
		}
		idx := -1
		switch {
		case p.Index != nil:
			idx = *p.Index
			if idx < 0 || idx >= len(items) {
				return nil, nil, lineErr("index", fmt.Errorf("%d out of range (the dataset has %d items)", idx, len(items)))
			}
			if p.ID != "" && items[idx].ID != "" && items[idx].ID != p.ID {
				return nil, nil, lineErr("id", fmt.Errorf("%q is not the ID of item %d (%q)", p.ID, idx, items[idx].ID))
			}
		case p.ID != "":
			i, ok := byID[p.ID]
			if !ok {
				return nil, nil, lineErr("id", fmt.Errorf("%q is not in the dataset", p.ID))
			}
			idx = i
		default:
			return nil, nil, lineErr("index", fmt.Errorf("missing: give index or id"))
		}
		if has[idx] {
			return nil, nil, lineErr("index", fmt.Errorf("second prediction for item %d", idx))
		}
		sql[idx], has[idx] = strings.TrimSpace(*p.SQL), true
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("read predictions %s: line %d: %w", name, line+1, err)
	}
	return sql, has, nil
}
