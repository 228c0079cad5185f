package dataset

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// spiderExample is one question of Spider's dev.json / train_spider.json.
type spiderExample struct {
	DBID     string `json:"db_id"`
	Question string `json:"question"`
	Query    string `json:"query"`
}

// spiderDB is one database of Spider's tables.json.
type spiderDB struct {
	DBID        string            `json:"db_id"`
	TableNames  []string          `json:"table_names_original"`
	Columns     [][2]any          `json:"column_names_original"` // [table index, column name]
	ColumnTypes []string          `json:"column_types"`
	PrimaryKeys []json.RawMessage `json:"primary_keys"` // column index, or a list of them
	ForeignKeys [][2]int          `json:"foreign_keys"`
}

// ImportSpiderFiles imports Spider from path: a questions file (dev.json) or a directory
// holding dev.json, with tables.json beside it.
func ImportSpiderFiles(ctx context.Context, path string, opts ReadOptions) ([]Record, ReadReport, error) {
	dev := path
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		dev = filepath.Join(path, "dev.json")
	}
	tables := filepath.Join(filepath.Dir(dev), "tables.json")
	db, err := os.ReadFile(dev)
	if err != nil {
		return nil, ReadReport{}, fmt.Errorf("import spider: %w", err)
	}
	tb, err := os.ReadFile(tables)
	if err != nil {
		return nil, ReadReport{}, fmt.Errorf("import spider: %w", err)
	}
	return ImportSpider(ctx, db, dev, tb, tables, opts)
}

// ImportSpider imports Spider questions (devData, a JSON array of {db_id, question, query})
// with the CREATE TABLE context of each db_id built from tablesData (tables.json).
func ImportSpider(ctx context.Context, devData []byte, devName string, tablesData []byte, tablesName string, opts ReadOptions) ([]Record, ReadReport, error) {
	var rep ReadReport
	schemas := map[string]string{}
	err := eachArrayItem(ctx, tablesData, tablesName, opts, &rep, func(line int, raw []byte) error {
		var d spiderDB
		if err := decodeStrict(raw, &d); err != nil {
			f, e := jsonFieldError(err)
			return &LineError{File: tablesName, Line: line, Field: f, Err: e}
		}
		if d.DBID == "" {
			return &LineError{File: tablesName, Line: line, Field: "db_id", Err: fmt.Errorf("missing")}
		}
		ctxText, field, err := spiderCreateTables(&d)
		if err != nil {
			return &LineError{File: tablesName, Line: line, Field: field, Err: err}
		}
		schemas[d.DBID] = ctxText
		return nil
	})
	if err != nil {
		return nil, rep, err
	}
	var recs []Record
	err = eachArrayItem(ctx, devData, devName, opts, &rep, func(line int, raw []byte) error {
		var ex spiderExample
		if err := json.Unmarshal(raw, &ex); err != nil { // dev.json carries many other fields
			f, e := jsonFieldError(err)
			return &LineError{File: devName, Line: line, Field: f, Err: e}
		}
		switch {
		case ex.DBID == "":
			return &LineError{File: devName, Line: line, Field: "db_id", Err: fmt.Errorf("missing")}
		case strings.TrimSpace(ex.Question) == "":
			return &LineError{File: devName, Line: line, Field: "question", Err: fmt.Errorf("missing")}
		case strings.TrimSpace(ex.Query) == "":
			return &LineError{File: devName, Line: line, Field: "query", Err: fmt.Errorf("missing")}
		}
		schema, ok := schemas[ex.DBID]
		if !ok {
			return &LineError{File: devName, Line: line, Field: "db_id", Err: fmt.Errorf("%q not in %s", ex.DBID, tablesName)}
		}
		rec := Record{Question: strings.TrimSpace(ex.Question), SQL: ex.Query, DB: ex.DBID, Context: schema}
		if err := finish(&rec, "import:spider", devName, line, "question", "query"); err != nil {
			return err
		}
		recs = append(recs, rec)
		return nil
	})
	return recs, rep, err
}

// spiderCreateTables renders a tables.json database as CREATE TABLE statements, one per
// table, separated by newlines, with primary and foreign keys.
func spiderCreateTables(d *spiderDB) (string, string, error) {
	type col struct{ name, typ string }
	cols := make([][]col, len(d.TableNames))
	names := make([]col, len(d.Columns)) // column index -> (table name, column name)
	for i, c := range d.Columns {
		ti, ok := c[0].(float64)
		name, ok2 := c[1].(string)
		if !ok || !ok2 {
			return "", "column_names_original", fmt.Errorf("entry %d is not [table index, name]", i)
		}
		if ti < 0 { // Spider's "*" column
			continue
		}
		if int(ti) >= len(d.TableNames) || ti != float64(int(ti)) {
			return "", "column_names_original", fmt.Errorf("entry %d: table index %v out of range", i, ti)
		}
		typ := "TEXT"
		if i < len(d.ColumnTypes) && d.ColumnTypes[i] != "" {
			typ = strings.ToUpper(d.ColumnTypes[i])
		}
		cols[int(ti)] = append(cols[int(ti)], col{name, typ})
		names[i] = col{d.TableNames[int(ti)], name}
	}
	pk := map[string][]string{}
	for _, raw := range d.PrimaryKeys {
		var idx []int
		var one int
		if err := json.Unmarshal(raw, &one); err == nil {
			idx = []int{one}
		} else if err := json.Unmarshal(raw, &idx); err != nil {
			return "", "primary_keys", fmt.Errorf("%s is not a column index or list", raw)
		}
		for _, i := range idx {
			if i <= 0 || i >= len(names) || names[i].name == "" {
				return "", "primary_keys", fmt.Errorf("column index %d out of range", i)
			}
			pk[names[i].name] = append(pk[names[i].name], names[i].typ)
		}
	}
	fk := map[string][]string{}
	for _, f := range d.ForeignKeys {
		for _, i := range f {
			if i <= 0 || i >= len(names) || names[i].name == "" {
				return "", "foreign_keys", fmt.Errorf("column index %d out of range", i)
			}
		}
		from, to := names[f[0]], names[f[1]]
		fk[from.name] = append(fk[from.name], fmt.Sprintf("FOREIGN KEY (%s) REFERENCES %s(%s)", from.typ, to.name, to.typ))
	}
	var b strings.Builder
	for t, name := range d.TableNames {
		if t > 0 {
			b.WriteByte('\n')
		}
		parts := make([]string, 0, len(cols[t])+2)
		for _, c := range cols[t] {
			parts = append(parts, c.name+" "+c.typ)
		}
		if k := pk[name]; len(k) > 0 {
			parts = append(parts, "PRIMARY KEY ("+strings.Join(k, ", ")+")")
		}
		parts = append(parts, fk[name]...)
		fmt.Fprintf(&b, "CREATE TABLE %s (%s);", name, strings.Join(parts, ", "))
	}
	return b.String(), "", nil
}

// eachArrayItem calls fn for each element of a top-level JSON array with the 1-based line
// on which the element starts.
func eachArrayItem(ctx context.Context, data []byte, name string, opts ReadOptions, rep *ReadReport, fn func(line int, raw []byte) error) error {
	data, replaced, err := validUTF8(data, name, 1, opts)
	if err != nil {
		return err
	}
	rep.Replaced += replaced
	dec := json.NewDecoder(bytes.NewReader(data))
	// lineAt counts lines from the last offset asked about (offsets only grow
	// while elements are read), so reading a file is linear in its size.
	line, lineOff := 1, 0
	lineAt := func(off int64) int {
		o := min(int(off), len(data))
		if o < lineOff {
			line, lineOff = 1, 0
		}
		line += bytes.Count(data[lineOff:o], []byte{'\n'})
		lineOff = o
		return line
	}
	tok, err := dec.Token()
	if err != nil {
		return &LineError{File: name, Line: lineAt(dec.InputOffset()), Err: fmt.Errorf("invalid JSON: %w", err)}
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return &LineError{File: name, Line: 1, Err: fmt.Errorf("want a JSON array")}
	}
	for n := 0; dec.More(); n++ {
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		off := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return &LineError{File: name, Line: lineAt(off), Err: fmt.Errorf("invalid JSON: %w", err)}
		}
		// The element starts after any separator and white space following off.
		start := off + int64(len(data[off:])-len(bytes.TrimLeft(data[off:], ", \t\r\n")))
		rep.Lines++
		if err := fn(lineAt(start), raw); err != nil {
			if !opts.SkipBad {
				return err
			}
			rep.bad(err)
		}
	}
	if _, err := dec.Token(); err != nil && err != io.EOF {
		return &LineError{File: name, Line: lineAt(dec.InputOffset()), Err: fmt.Errorf("invalid JSON: %w", err)}
	}
	return nil
}
