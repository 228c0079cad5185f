package schema

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Options tune Introspect.
type Options struct {
	// Samples is the number of sample values per column (3 when 0; -1 for none).
	Samples int
	// SampleRows bounds the rows read per column for samples (10,000 when 0),
	// so introspection stays fast on big tables.
	SampleRows int
	// MaxSampleLen truncates text samples to this many characters (40 when 0).
	MaxSampleLen int
}

func (o Options) withDefaults() Options {
	if o.Samples == 0 {
		o.Samples = 3
	}
	if o.SampleRows == 0 {
		o.SampleRows = 10_000
	}
	if o.MaxSampleLen == 0 {
		o.MaxSampleLen = 40
	}
	return o
}

// Introspect reads the schema of a SQLite database with the default options.
func Introspect(ctx context.Context, db *sql.DB) (*Schema, error) {
	return IntrospectWith(ctx, db, Options{})
}

// IntrospectWith reads the schema of a SQLite database: tables and views from
// sqlite_master, columns from pragma_table_info, foreign keys from
// pragma_foreign_key_list, row counts of tables, and sample values.
func IntrospectWith(ctx context.Context, db *sql.DB, opts Options) (*Schema, error) {
	opts = opts.withDefaults()
	s := &Schema{Dialect: "sqlite"}
	rows, err := db.QueryContext(ctx, `SELECT type, name, coalesce(sql, '') FROM sqlite_master
		WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
		ORDER BY type = 'view', name COLLATE NOCASE, name`)
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	for rows.Next() {
		t := &Table{}
		if err := rows.Scan(&t.Kind, &t.Name, &t.SQL); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read schema: %w", err)
		}
		s.Tables = append(s.Tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	for _, t := range s.Tables {
		if err := readColumns(ctx, db, t); err != nil {
			return nil, fmt.Errorf("read columns of %s: %w", t.Name, err)
		}
		if err := readForeignKeys(ctx, db, s, t); err != nil {
			return nil, fmt.Errorf("read foreign keys of %s: %w", t.Name, err)
		}
		if t.Kind == "table" {
			if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+quoteIdent(t.Name)).Scan(&t.RowCount); err != nil {
				return nil, fmt.Errorf("count rows of %s: %w", t.Name, err)
			}
		}
		if opts.Samples > 0 {
			for _, c := range t.Columns {
				if c.Samples, err = readSamples(ctx, db, t, c, opts); err != nil {
					return nil, fmt.Errorf("read samples of %s.%s: %w", t.Name, c.Name, err)
				}
			}
		}
	}
	// A foreign key that names no columns references the primary key.
	for _, t := range s.Tables {
		for i, fk := range t.ForeignKeys {
			if len(fk.RefColumns) == 0 || fk.RefColumns[0] == "" {
				if ref := s.Table(fk.RefTable); ref != nil {
					t.ForeignKeys[i].RefColumns = append([]string(nil), ref.PrimaryKey...)
				}
			}
		}
	}
	return s, nil
}

func readColumns(ctx context.Context, db *sql.DB, t *Table) error {
	rows, err := db.QueryContext(ctx, `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid`, t.Name)
	if err != nil {
		return err
	}
	defer rows.Close()
	type pkCol struct {
		pos  int
		name string
	}
	var pk []pkCol
	for rows.Next() {
		c := &Column{}
		var def sql.NullString
		if err := rows.Scan(&c.Name, &c.Type, &c.NotNull, &def, &c.PK); err != nil {
			return err
		}
		if def.Valid {
			c.Default = &def.String
		}
		if c.PK > 0 {
			pk = append(pk, pkCol{c.PK, c.Name})
		}
		t.Columns = append(t.Columns, c)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	sort.Slice(pk, func(i, j int) bool { return pk[i].pos < pk[j].pos })
	for _, p := range pk {
		t.PrimaryKey = append(t.PrimaryKey, p.name)
	}
	return nil
}

func readForeignKeys(ctx context.Context, db *sql.DB, s *Schema, t *Table) error {
	if t.Kind != "table" {
		return nil
	}
	rows, err := db.QueryContext(ctx, `SELECT id, "table", "from", coalesce("to", '') FROM pragma_foreign_key_list(?) ORDER BY id, seq`, t.Name)
	if err != nil {
		return err
	}
	defer rows.Close()
	byID := map[int]int{} // foreign key id -> index in t.ForeignKeys
	for rows.Next() {
		var id int
		var ref, from, to string
		if err := rows.Scan(&id, &ref, &from, &to); err != nil {
			return err
		}
		i, ok := byID[id]
		if !ok {
			i = len(t.ForeignKeys)
			byID[id] = i
			t.ForeignKeys = append(t.ForeignKeys, ForeignKey{RefTable: ref})
		}
		fk := &t.ForeignKeys[i]
		fk.Columns = append(fk.Columns, from)
		if to != "" {
			fk.RefColumns = append(fk.RefColumns, to)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// pragma_foreign_key_list numbers keys from the last declared; list them
	// in declaration order, which is the reverse.
	for i, j := 0, len(t.ForeignKeys)-1; i < j; i, j = i+1, j-1 {
		t.ForeignKeys[i], t.ForeignKeys[j] = t.ForeignKeys[j], t.ForeignKeys[i]
	}
	return nil
}

// readSamples reads the most frequent distinct non-NULL, non-BLOB values of a
// column among the first SampleRows rows. The unary + drops the declared type
// so the driver returns the stored value, not a parsed time.
func readSamples(ctx context.Context, db *sql.DB, t *Table, c *Column, opts Options) ([]any, error) {
	if strings.Contains(strings.ToUpper(c.Type), "BLOB") {
		return nil, nil
	}
	q := fmt.Sprintf(`SELECT v FROM (SELECT +%s AS v FROM %s LIMIT %d)
		WHERE v IS NOT NULL AND typeof(v) <> 'blob' GROUP BY v ORDER BY count(*) DESC, v LIMIT %d`,
		quoteIdent(c.Name), quoteIdent(t.Name), opts.SampleRows, opts.Samples)
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []any
	for rows.Next() {
		var v any
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		switch x := v.(type) {
		case int64, float64:
			out = append(out, x)
		case string:
			out = append(out, truncate(x, opts.MaxSampleLen))
		case []byte:
			out = append(out, truncate(string(x), opts.MaxSampleLen))
		default:
			out = append(out, truncate(fmt.Sprint(x), opts.MaxSampleLen))
		}
	}
	return out, rows.Err()
}

// truncate makes s valid UTF-8 and cuts it to n characters, marking the cut.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
