package ontology

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/sqlforge/sqlforge/internal/dialect"
)

// Validate checks an ontology against a live database and returns its problems, in file
// order: the loader's notes, then every table, column, join and formula checked. It checks
// that every table and qualified column exists, that each join's condition compiles, that a
// metric's tables are connected by joins, that its formula prepares inside
// `SELECT <formula> FROM <its tables joined>` (with its cte, if any) and again grouped by
// each dimension it lists, and that the dimensions and filters it names exist.
// Metrics marked Descriptive are reported as a warning and not run.
func Validate(ctx context.Context, db *sql.DB, o *Ontology) []Problem {
	v := &validator{ctx: ctx, db: db, o: o, brokenJoins: map[string]bool{}, brokenDims: map[string]bool{}}
	v.problems = append(v.problems, o.Notes...)
	cat, err := readCatalog(ctx, db, o.Dialect)
	if err != nil {
		v.add(0, "", "", Error, "%v", err)
		return v.problems
	}
	v.cat = cat
	v.tables()
	v.joins()
	v.dimensions()
	v.entities()
	v.metrics()
	v.segments()
	sort.SliceStable(v.problems, func(i, j int) bool { return v.problems[i].Line < v.problems[j].Line })
	return v.problems
}

type validator struct {
	ctx      context.Context
	db       *sql.DB
	o        *Ontology
	cat      *catalog
	problems Problems
	// brokenJoins (by On) and brokenDims (lower-cased names) failed their own checks;
	// metrics that need them are not checked again, so one fault gives one problem.
	brokenJoins map[string]bool
	brokenDims  map[string]bool
}

func (v *validator) add(line int, concept, field string, sev Severity, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: v.o.Path, Line: line, Concept: concept, Field: field,
		Message: fmt.Sprintf(format, args...), Severity: sev})
}

// column checks a qualified column reference; it returns false after reporting a problem.
func (v *validator) column(line int, concept, field, ref string) bool {
	t, c := SplitColumn(ref)
	if t == "" {
		v.add(line, concept, field, Error, "%q is not a qualified Table.Column reference", ref)
		return false
	}
	ct := v.cat.table(t)
	if ct == nil {
		v.add(line, concept, field, Error, "no such table: %s", t)
		return false
	}
	if !ct.has(c) {
		v.add(line, concept, field, Error, "no such column: %s.%s", t, c)
		return false
	}
	return true
}

// tableList checks that every named table exists.
func (v *validator) tableList(line int, concept, field string, tables []string) bool {
	ok := true
	if len(tables) == 0 {
		v.add(line, concept, field, Error, "missing: want at least one table")
		return false
	}
	for _, t := range tables {
		if v.cat.table(t) == nil {
			v.add(line, concept, field, Error, "no such table: %s", t)
			ok = false
		}
	}
	return ok
}

func (v *validator) tables() {
	names := make([]string, 0, len(v.o.Tables))
	for n := range v.o.Tables {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t := v.o.Tables[n]
		label := tableLabel(n)
		ct := v.cat.table(n)
		if ct == nil {
			v.add(t.Line, label, "", Error, "no such table: %s", n)
			continue
		}
		check := func(field string, cols ...string) {
			for _, c := range cols {
				if ct.has(c) {
					continue
				}
				if field == "columns" {
					// The catalogue documents columns; none of the vocabulary rests on it.
					v.add(t.Line, label, field, Warning, "no such column: %s.%s (listed in the table's catalogue only)", n, c)
				} else {
					v.add(t.Line, label, field, Error, "no such column: %s.%s", n, c)
				}
			}
		}
		if t.TimeColumn != "" {
			check("time_column", t.TimeColumn)
		}
		check("primary_key", t.PrimaryKey...)
		cols := make([]string, 0, len(t.Columns))
		for c := range t.Columns {
			cols = append(cols, c)
		}
		sort.Strings(cols)
		check("columns", cols...)
	}
}

func (v *validator) joins() {
	for _, j := range v.o.Joins {
		n := len(v.problems)
		v.join(j)
		if len(Problems(v.problems[n:]).Errors()) > 0 {
			v.brokenJoins[j.On] = true
		}
	}
}

func (v *validator) join(j Join) {
	{
		label := joinLabel(j)
		if j.Left == "" || j.Right == "" || j.On == "" {
			v.add(j.Line, label, "", Error, "a join needs left, right and on")
			return
		}
		if !v.tableList(j.Line, label, "left", []string{j.Left}) || !v.tableList(j.Line, label, "right", []string{j.Right}) {
			return
		}
		if t := strings.ToUpper(j.Type); t != "" && t != "INNER" && t != "LEFT" {
			v.add(j.Line, label, "type", Error, "unknown join type %q: want INNER or LEFT", j.Type)
		}
		alias := map[string]string{}
		if j.LeftAlias != "" {
			alias[strings.ToLower(j.LeftAlias)] = j.Left
		}
		if j.RightAlias != "" {
			alias[strings.ToLower(j.RightAlias)] = j.Right
		}
		ok := true
		for _, r := range QualifiedRefs(j.On) {
			t := r.Table
			if a, isAlias := alias[strings.ToLower(t)]; isAlias {
				t = a
			} else if len(alias) > 0 || (!strings.EqualFold(t, j.Left) && !strings.EqualFold(t, j.Right)) {
				v.add(j.Line, label, "on", Error, "%s is neither %s nor %s", r, j.Left+aliasSuffix(j.LeftAlias), j.Right+aliasSuffix(j.RightAlias))
				ok = false
				continue
			}
			if !v.column(j.Line, label, "on", t+"."+r.Column) {
				ok = false
			}
		}
		self := strings.EqualFold(j.Left, j.Right)
		if !ok || (self && (j.LeftAlias == "" || j.RightAlias == "")) {
			return
		}
		q := fmt.Sprintf("SELECT 1 FROM %s%s JOIN %s%s ON %s", QuoteIdent(j.Left), aliasSuffix(j.LeftAlias),
			QuoteIdent(j.Right), aliasSuffix(j.RightAlias), j.On)
		if err := v.prepare(q); err != nil {
			v.add(j.Line, label, "on", Error, "%s", sqlMessage(err))
		}
	}
}

// pathBroken reports whether joining tables needs a join that failed its checks, or
// cannot be done while some join is broken (the join's problem explains it).
func (v *validator) pathBroken(tables []string) bool {
	path, err := v.o.JoinPath(tables)
	if err != nil {
		return len(v.brokenJoins) > 0
	}
	for _, j := range path {
		if v.brokenJoins[j.On] {
			return true
		}
	}
	return false
}

func aliasSuffix(a string) string {
	if a == "" {
		return ""
	}
	return " AS " + a
}

func (v *validator) dimensions() {
	seen := map[string]bool{}
	for _, d := range v.o.Dimensions {
		n := len(v.problems)
		v.dimension(d, seen)
		if len(Problems(v.problems[n:]).Errors()) > 0 {
			v.brokenDims[strings.ToLower(d.Name)] = true
		}
	}
}

func (v *validator) dimension(d Dimension, seen map[string]bool) {
	{
		label := dimensionLabel(d.Name)
		if d.Name == "" {
			v.add(d.Line, label, "name", Error, "missing")
		} else if seen[strings.ToLower(d.Name)] {
			v.add(d.Line, label, "name", Error, "duplicate dimension name")
		}
		seen[strings.ToLower(d.Name)] = true
		if d.Column == "" {
			v.add(d.Line, label, "column", Error, "missing")
			return
		}
		if !v.column(d.Line, label, "column", d.Column) {
			return
		}
		v.planFields(d)
		from := QuoteIdent(d.Table())
		if d.Expression != "" {
			if err := v.prepare(fmt.Sprintf("SELECT %s FROM %s", d.Expression, from)); err != nil {
				v.add(d.Line, label, "expression", Error, "%s", sqlMessage(err))
				return
			}
		}
		for _, val := range d.Values {
			var one int
			q, err := v.o.Statement(fmt.Sprintf("SELECT 1 FROM %s WHERE CAST(%s AS TEXT) = %s LIMIT 1", from, d.SQL(), dialect.StringLiteral(val)))
			if err == nil {
				err = v.db.QueryRowContext(v.ctx, q).Scan(&one)
			}
			if err == sql.ErrNoRows {
				v.add(d.Line, label, "values", Warning, "value %q does not occur in %s", val, d.SQL())
			} else if err != nil {
				v.add(d.Line, label, "values", Error, "%s", sqlMessage(err))
			}
		}
	}
}

func (v *validator) entities() {
	seen := map[string]bool{}
	for _, e := range v.o.Entities {
		label := entityLabel(e.Name)
		if e.Name == "" {
			v.add(e.Line, label, "name", Error, "missing")
		} else if seen[strings.ToLower(e.Name)] {
			v.add(e.Line, label, "name", Error, "duplicate entity name")
		}
		seen[strings.ToLower(e.Name)] = true
		if !v.tableList(e.Line, label, "tables", e.Tables) {
			continue
		}
		if len(e.Tables) > 1 {
			if _, err := v.o.JoinPath(e.Tables); err != nil && len(v.brokenJoins) == 0 {
				v.add(e.Line, label, "tables", Error, "%v", err)
			}
		}
		for _, f := range [][2]string{{"key", e.Key}, {"label", e.Label}} {
			if f[1] != "" {
				v.column(e.Line, label, f[0], f[1])
			}
		}
		inTables := func(col string) bool {
			if t, c := SplitColumn(col); t != "" {
				ct := v.cat.table(t)
				return ct != nil && ct.has(c) && contains(e.Tables, t)
			}
			for _, t := range e.Tables {
				if v.cat.table(t).has(col) {
					return true
				}
			}
			return false
		}
		for _, c := range e.Columns {
			if !inTables(c) {
				v.add(e.Line, label, "columns", Error, "no such column in %s: %s", strings.Join(e.Tables, ", "), c)
			}
		}
		keys := make([]string, 0, len(e.SampleValues))
		for k := range e.SampleValues {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !inTables(k) {
				v.add(e.Line, label, "sample_values", Error, "no such column in %s: %s", strings.Join(e.Tables, ", "), k)
			}
		}
	}
}
