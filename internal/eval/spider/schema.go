package spider

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
)

// Schema is process_sql's Schema (lines 48-76): lower-cased tables and
// their lower-cased columns, and idMap from "*", "table.column" and "table"
// to "__all__", "__table.column__" and "__table__".
type Schema struct {
	order  []string // tables in the order read
	tables map[string][]string
	idMap  map[string]string
}

// NewSchema builds a Schema from tables and their columns, in order (names
// are lower-cased here).
func NewSchema(tables []string, columns [][]string) *Schema {
	s := &Schema{tables: map[string][]string{}, idMap: map[string]string{"*": "__all__"}}
	for i, t := range tables {
		t = strings.ToLower(t)
		if _, ok := s.tables[t]; !ok {
			s.order = append(s.order, t)
		}
		var cols []string
		for _, c := range columns[i] {
			c = strings.ToLower(c)
			cols = append(cols, c)
			s.idMap[t+"."+c] = "__" + t + "." + c + "__"
		}
		s.tables[t] = cols
	}
	for _, t := range s.order {
		s.idMap[t] = "__" + t + "__"
	}
	return s
}

// SchemaFromDB is process_sql.get_schema (lines 79-100), which the
// official evaluator uses: the tables of sqlite_master (type 'table',
// sqlite_sequence included) and PRAGMA table_info's columns.
func SchemaFromDB(ctx context.Context, db *sql.DB) (*Schema, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type='table'")
	if err != nil {
		return nil, fmt.Errorf("read spider schema: %w", err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read spider schema: %w", err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read spider schema: %w", err)
	}
	cols := make([][]string, len(tables))
	for i, t := range tables {
		r, err := db.QueryContext(ctx, "SELECT name FROM pragma_table_info(?)", t)
		if err != nil {
			return nil, fmt.Errorf("read spider schema of table %q: %w", t, err)
		}
		for r.Next() {
			var n string
			if err := r.Scan(&n); err != nil {
				r.Close()
				return nil, fmt.Errorf("read spider schema of table %q: %w", t, err)
			}
			cols[i] = append(cols[i], n)
		}
		r.Close()
	}
	return NewSchema(tables, cols), nil
}

// DB is one database's entry in Spider's tables.json.
type DB struct {
	ID           string   `json:"db_id"`
	TableNames   []string `json:"table_names_original"`
	ColumnNames  [][2]any `json:"column_names_original"` // [table index, name]
	FKPairs      [][2]int `json:"foreign_keys"`
	schemaCached *Schema
	fkCached     map[string]string
}

// ReadTables reads Spider's tables.json and returns its databases by db_id.
func ReadTables(path string) (map[string]*DB, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read spider tables: %w", err)
	}
	var dbs []*DB
	if err := json.Unmarshal(data, &dbs); err != nil {
		return nil, fmt.Errorf("read spider tables %s: %w", path, err)
	}
	out := make(map[string]*DB, len(dbs))
	for _, d := range dbs {
		if err := d.init(); err != nil {
			return nil, fmt.Errorf("read spider tables %s: db_id %q: %w", path, d.ID, err)
		}
		out[d.ID] = d
	}
	return out, nil
}

// init checks the entry and computes its schema and foreign-key map.
func (d *DB) init() error {
	cols := make([][]string, len(d.TableNames))
	names := make([]string, len(d.ColumnNames)) // build_foreign_key_map's cols
	for i, c := range d.ColumnNames {
		ti, ok := c[0].(float64)
		name, ok2 := c[1].(string)
		if !ok || !ok2 || int(ti) >= len(d.TableNames) {
			return fmt.Errorf("field column_names_original[%d]: want [table index, name]", i)
		}
		if ti < 0 {
			names[i] = "__all__"
			continue
		}
		t := d.TableNames[int(ti)]
		cols[int(ti)] = append(cols[int(ti)], name)
		names[i] = "__" + strings.ToLower(t) + "." + strings.ToLower(name) + "__"
	}
	for i, fk := range d.FKPairs {
		if fk[0] < 0 || fk[0] >= len(names) || fk[1] < 0 || fk[1] >= len(names) {
			return fmt.Errorf("field foreign_keys[%d]: column index out of range", i)
		}
	}
	d.schemaCached = NewSchema(d.TableNames, cols)
	d.fkCached = foreignKeyMap(names, d.FKPairs)
	return nil
}

// Schema is the entry's schema as get_schema_from_json would read it: the
// original table and column names. The official evaluator reads the
// SQLite file instead (SchemaFromDB); the two agree for Spider's databases
// except where tables.json leaves out a table (sqlite_sequence).
func (d *DB) Schema() *Schema { return d.schemaCached }

// ForeignKeys is evaluation.py's build_foreign_key_map (lines 866-903):
// every column of a group linked by foreign keys maps to the group's
// column with the lowest index. Groups are built as the original does,
// joining a key pair to the first group holding either column (not a full
// union-find).
func (d *DB) ForeignKeys() map[string]string { return d.fkCached }

func foreignKeyMap(cols []string, fks [][2]int) map[string]string {
	var groups [][]int
	for _, fk := range fks {
		gi := -1
		for i, g := range groups {
			if slices.Contains(g, fk[0]) || slices.Contains(g, fk[1]) {
				gi = i
				break
			}
		}
		if gi < 0 {
			groups = append(groups, nil)
			gi = len(groups) - 1
		}
		for _, k := range fk {
			if !slices.Contains(groups[gi], k) {
				groups[gi] = append(groups[gi], k)
			}
		}
	}
	m := map[string]string{}
	for _, g := range groups {
		slices.Sort(g)
		for _, k := range g {
			m[cols[k]] = cols[g[0]]
		}
	}
	return m
}
