package schema

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// CreateOptions tune CreateTable.
type CreateOptions struct {
	// Tables limits the output to these tables (case-insensitive; unknown
	// names are ignored, use Schema.Select to reject them). Empty means all.
	Tables []string
	// Samples adds each column's sample values as a SQL comment; the
	// statements are then written one column per line.
	Samples bool
	// NoKeys leaves out PRIMARY KEY and FOREIGN KEY clauses, as in
	// sql-create-context.
	NoKeys bool
	// Views includes views, as CREATE TABLE statements of their columns.
	Views bool
}

// CreateTable renders the schema as CREATE TABLE statements in the
// sql-create-context style: `CREATE TABLE name (col TYPE, ...);`, one per
// line, with key clauses unless opts.NoKeys. Columns with no declared type
// are written without one.
func CreateTable(s *Schema, opts CreateOptions) string {
	var b strings.Builder
	q := identQuoter(s.Dialect)
	for _, t := range pick(s, opts.Tables) {
		if t.Kind == "view" && !opts.Views {
			continue
		}
		type part struct{ def, comment string }
		var parts []part
		for _, c := range t.Columns {
			p := part{def: q(c.Name)}
			if c.Type != "" {
				p.def += " " + c.Type
			}
			if !opts.NoKeys && len(t.PrimaryKey) == 1 && c.PK == 1 {
				p.def += " PRIMARY KEY"
			}
			if opts.Samples && len(c.Samples) > 0 {
				p.comment = " -- " + sampleComment(c.Samples)
			}
			parts = append(parts, p)
		}
		if !opts.NoKeys {
			if len(t.PrimaryKey) > 1 {
				parts = append(parts, part{def: "PRIMARY KEY (" + identList(q, t.PrimaryKey) + ")"})
			}
			for _, fk := range t.ForeignKeys {
				parts = append(parts, part{def: fmt.Sprintf("FOREIGN KEY (%s) REFERENCES %s (%s)",
					identList(q, fk.Columns), q(fk.RefTable), identList(q, fk.RefColumns))})
			}
		}
		if !opts.Samples {
			defs := make([]string, len(parts))
			for i, p := range parts {
				defs[i] = p.def
			}
			fmt.Fprintf(&b, "CREATE TABLE %s (%s);\n", q(t.Name), strings.Join(defs, ", "))
			continue
		}
		fmt.Fprintf(&b, "CREATE TABLE %s (\n", q(t.Name))
		for i, p := range parts {
			comma := ","
			if i == len(parts)-1 {
				comma = ""
			}
			fmt.Fprintf(&b, "  %s%s%s\n", p.def, comma, p.comment)
		}
		b.WriteString(");\n")
	}
	return b.String()
}

// Compact renders one line per table:
// `Orders(OrderID INTEGER PK, CustomerID TEXT -> Customers.CustomerID, ...)`,
// followed by the row count; views are marked "view".
func Compact(s *Schema) string {
	var b strings.Builder
	q := identQuoter(s.Dialect)
	for _, t := range s.Tables {
		var cols []string
		for _, c := range t.Columns {
			col := q(c.Name)
			if c.Type != "" {
				col += " " + c.Type
			}
			if c.PK > 0 {
				col += " PK"
			}
			if fk := t.ForeignKeyOf(c.Name); fk != nil {
				for i, fc := range fk.Columns {
					if strings.EqualFold(fc, c.Name) && i < len(fk.RefColumns) {
						col += " -> " + q(fk.RefTable) + "." + q(fk.RefColumns[i])
					}
				}
			}
			cols = append(cols, col)
		}
		fmt.Fprintf(&b, "%s(%s)", q(t.Name), strings.Join(cols, ", "))
		if t.Kind == "view" {
			b.WriteString(" view\n")
		} else {
			fmt.Fprintf(&b, " %d rows\n", t.RowCount)
		}
	}
	return b.String()
}

// JSON renders the schema as indented JSON (the Schema struct's tags).
func JSON(s *Schema) ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode schema: %w", err)
	}
	return append(b, '\n'), nil
}

func pick(s *Schema, names []string) []*Table {
	if len(names) == 0 {
		return s.Tables
	}
	var out []*Table
	for _, t := range s.Tables {
		for _, n := range names {
			if strings.EqualFold(strings.TrimSpace(n), t.Name) {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

func sampleComment(samples []any) string {
	lits := make([]string, len(samples))
	for i, v := range samples {
		lits[i] = literal(v)
	}
	return "e.g. " + strings.Join(lits, ", ")
}

// literal writes a sample value as a SQL literal on one line.
func literal(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		x = strings.NewReplacer("\r", " ", "\n", " ").Replace(x)
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	default:
		return literal(fmt.Sprint(x))
	}
}

var plainIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// quoteIdent double-quotes a name unless it is a plain identifier.
func quoteIdent(name string) string {
	if plainIdent.MatchString(name) && !reserved[strings.ToUpper(name)] {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// identQuoter returns how the schema's dialect spells a name: PostgreSQL keeps a name with
// an upper-case letter ("Orders") only when it is quoted, so there every such name is.
func identQuoter(dialect string) func(string) string {
	switch dialect {
	case "bigquery": // backticks, as the bigquery dialect writes names
		return func(n string) string {
			if plainIdent.MatchString(n) && !reserved[strings.ToUpper(n)] {
				return n
			}
			return "`" + strings.ReplaceAll(n, "`", "\\`") + "`"
		}
	case "postgres":
	default:
		return quoteIdent
	}
	return func(n string) string {
		if n == strings.ToLower(n) {
			return quoteIdent(n)
		}
		return `"` + strings.ReplaceAll(n, `"`, `""`) + `"`
	}
}

func identList(q func(string) string, names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = q(n)
	}
	return strings.Join(out, ", ")
}

// reserved are SQL keywords that cannot be bare names (the common ones).
var reserved = map[string]bool{
	"ALL": true, "AND": true, "AS": true, "BY": true, "CASE": true, "CHECK": true, "COLUMN": true,
	"CREATE": true, "DEFAULT": true, "DELETE": true, "DISTINCT": true, "DROP": true, "ELSE": true,
	"END": true, "FROM": true, "GROUP": true, "HAVING": true, "IN": true, "INDEX": true, "INSERT": true,
	"IS": true, "JOIN": true, "KEY": true, "LIMIT": true, "NOT": true, "NULL": true, "ON": true, "OR": true,
	"ORDER": true, "PRIMARY": true, "REFERENCES": true, "SELECT": true, "SET": true, "TABLE": true,
	"THEN": true, "TO": true, "UNION": true, "UPDATE": true, "VALUES": true, "WHEN": true, "WHERE": true,
	"WITH": true, "GLOB": true, "LIKE": true,
}
