package ontology

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"github.com/sqlforge/sqlforge/internal/schema"
)

// Bounds of the sampling FromSchema does.
const (
	// profileRows is how many non-NULL values of a column are read to profile it.
	profileRows = 10_000
	// maxDimValues is the most distinct values a text column may have to be a dimension.
	maxDimValues = 200
	// dateSample is how many values must all read as dates for a column to be a date column.
	dateSample = 50
)

// columnKind is what FromSchema makes of a column.
type columnKind int

const (
	kindOther  columnKind = iota
	kindKey               // part of the primary key or a foreign key, or named like an identifier
	kindDate              // values read as ISO dates
	kindNumber            // numbers: three distinct values at least, or named like an amount
	kindText              // text
)

// columnProfile is what sampling learnt about one column.
type columnProfile struct {
	col      *schema.Column
	words    []string
	kind     columnKind
	nonNull  int64 // sampled non-NULL values
	distinct int64 // distinct among them
	dateLen  int   // length of the first date value (10 for YYYY-MM-DD)
}

// tableProfile is what sampling learnt about one table.
type tableProfile struct {
	t       *schema.Table
	words   []string // the table's name in singular words
	cols    []*columnProfile
	refs    []string // tables this one references by foreign key (the "one" side), not itself
	timeCol *columnProfile
	// labelled says the table has a label dimension: its rows are things, not events.
	labelled bool
}

var dateValueRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$`)

// affinity is SQLite's type affinity of a declared type: integer, text, blob (also for no
// type), real or numeric.
func affinity(declared string) string {
	t := strings.ToUpper(declared)
	switch {
	case strings.Contains(t, "INT"):
		return "integer"
	case strings.Contains(t, "CHAR"), strings.Contains(t, "CLOB"), strings.Contains(t, "TEXT"):
		return "text"
	case t == "" || strings.Contains(t, "BLOB"):
		return "blob"
	case strings.Contains(t, "REAL"), strings.Contains(t, "FLOA"), strings.Contains(t, "DOUB"):
		return "real"
	}
	return "numeric"
}

// idWords end the name of an identifier column that no foreign key declares.
var idWords = map[string]bool{"id": true, "key": true, "uuid": true, "guid": true}

// profileTable samples each column of t.
func profileTable(ctx context.Context, db *sql.DB, t *schema.Table) (*tableProfile, error) {
	tp := &tableProfile{t: t, words: tableWords(t.Name)}
	for _, fk := range t.ForeignKeys {
		if !strings.EqualFold(fk.RefTable, t.Name) && !containsFold(tp.refs, fk.RefTable) {
			tp.refs = append(tp.refs, fk.RefTable)
		}
	}
	for _, c := range t.Columns {
		cp, err := profileColumn(ctx, db, t, c)
		if err != nil {
			return nil, fmt.Errorf("profile %s.%s: %w", t.Name, c.Name, err)
		}
		tp.cols = append(tp.cols, cp)
	}
	tp.timeCol = pickTimeColumn(tp.cols)
	return tp, nil
}

func profileColumn(ctx context.Context, db *sql.DB, t *schema.Table, c *schema.Column) (*columnProfile, error) {
	cp := &columnProfile{col: c, words: words(c.Name)}
	aff := affinity(c.Type)
	if strings.Contains(strings.ToUpper(c.Type), "BLOB") {
		return cp, nil
	}
	tbl, col := QuoteIdent(t.Name), QuoteIdent(c.Name)
	var numeric int64
	q := fmt.Sprintf(`SELECT count(*), coalesce(sum(typeof(v) IN ('integer', 'real')), 0), count(DISTINCT v)
		FROM (SELECT +%s AS v FROM %s WHERE %s IS NOT NULL AND typeof(%s) <> 'blob' LIMIT %d)`, col, tbl, col, col, profileRows)
	if err := db.QueryRowContext(ctx, q).Scan(&cp.nonNull, &numeric, &cp.distinct); err != nil {
		return nil, err
	}
	if c.PK > 0 || t.ForeignKeyOf(c.Name) != nil || len(cp.words) > 0 && idWords[cp.words[len(cp.words)-1]] {
		cp.kind = kindKey
		return cp, nil
	}
	if cp.nonNull == 0 {
		return cp, nil
	}
	upper := strings.ToUpper(c.Type)
	if aff == "text" || aff == "blob" || strings.Contains(upper, "DATE") || strings.Contains(upper, "TIME") {
		n, err := dateValues(ctx, db, tbl, col)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			cp.kind, cp.dateLen = kindDate, n
			return cp, nil
		}
	}
	switch {
	case numeric == cp.nonNull && (cp.distinct >= 3 || unitOf(cp.words) != ""):
		cp.kind = kindNumber
	case numeric < cp.nonNull && (aff == "text" || aff == "blob"):
		cp.kind = kindText
	}
	return cp, nil
}

// dateValues reads up to dateSample values of a column: when all read as ISO dates it
// returns the length of the first, else 0.
func dateValues(ctx context.Context, db *sql.DB, tbl, col string) (int, error) {
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT CAST(+%s AS TEXT) FROM %s WHERE %s IS NOT NULL LIMIT %d`, col, tbl, col, dateSample))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	first := 0
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return 0, err
		}
		if !dateValueRE.MatchString(strings.TrimSpace(v)) {
			return 0, rows.Err()
		}
		if first == 0 {
			first = len(v)
		}
	}
	return first, rows.Err()
}

// secondaryDate names date columns that are rarely what a table's rows are counted by.
var secondaryDate = map[string]bool{"birth": true, "required": true, "due": true, "expiry": true, "expires": true,
	"modified": true, "updated": true, "deleted": true, "end": true, "last": true}

// pickTimeColumn returns a table's main date column: the first one not named like a
// secondary date (birth, required, updated...), else the first; nil when there is none.
func pickTimeColumn(cols []*columnProfile) *columnProfile {
	var first *columnProfile
	for _, c := range cols {
		if c.kind != kindDate {
			continue
		}
		if first == nil {
			first = c
		}
		secondary := false
		for _, w := range c.words {
			secondary = secondary || secondaryDate[w]
		}
		if !secondary {
			return c
		}
	}
	return first
}

// column returns the profile of the column called name, or nil.
func (tp *tableProfile) column(name string) *columnProfile {
	for _, c := range tp.cols {
		if strings.EqualFold(c.col.Name, name) {
			return c
		}
	}
	return nil
}

// hasWords reports whether ws equals want.
func hasWords(ws []string, want ...string) bool {
	return strings.Join(ws, " ") == strings.Join(want, " ")
}

// person returns the first- and last-name columns of a table of people, or nils.
func (tp *tableProfile) person() (first, last *columnProfile) {
	for _, c := range tp.cols {
		switch {
		case c.kind != kindText:
		case hasWords(c.words, "first", "name"), hasWords(c.words, "firstname"), hasWords(c.words, "given", "name"):
			first = c
		case hasWords(c.words, "last", "name"), hasWords(c.words, "lastname"), hasWords(c.words, "surname"), hasWords(c.words, "family", "name"):
			last = c
		}
	}
	if first == nil || last == nil {
		return nil, nil
	}
	return first, last
}

// label returns the column that names a row of the table (Name, Title, <Table>Name,
// CompanyName, <Table>Description), or nil.
func (tp *tableProfile) label() *columnProfile {
	tw := tp.words
	prefs := [][]string{{"name"}, {"title"}, append(append([]string(nil), tw...), "name"),
		append(append([]string(nil), tw...), "title"), {"company", "name"}, append(append([]string(nil), tw...), "description")}
	for _, want := range prefs {
		for _, c := range tp.cols {
			if c.kind == kindText && hasWords(lastTo(c.words, singular), want...) {
				return c
			}
		}
	}
	return nil
}

// hasValues reports whether the table has a column that is not a key.
func (tp *tableProfile) hasValues() bool {
	for _, c := range tp.cols {
		if c.kind != kindKey {
			return true
		}
	}
	return false
}
