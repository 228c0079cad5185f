package link

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"

	"github.com/sqlforge/sqlforge/internal/ontology"
)

// maxValues caps the distinct values read per column.
const maxValues = 5000

// caseSensitiveAbove: a dimension with more distinct values than this (tracks, albums) is
// matched only as written, so that everyday words do not turn into titles.
const caseSensitiveAbove = 150

// countryAliases are common ways of writing a country, and the spellings databases use for it.
var countryAliases = []struct {
	phrase string
	form   []string // non-nil: must be written exactly so ("US", not "us")
	values []string
}{
	{"US", []string{"US"}, []string{"USA", "United States", "US"}},
	{"U.S.", nil, []string{"USA", "United States", "US"}},
	{"USA", nil, []string{"USA", "United States", "US"}},
	{"U.S.A.", nil, []string{"USA", "United States", "US"}},
	{"United States", nil, []string{"USA", "United States", "US"}},
	{"United States of America", nil, []string{"USA", "United States", "US"}},
	{"America", nil, []string{"USA", "United States", "US"}},
	{"the States", nil, []string{"USA", "United States", "US"}},
	{"UK", nil, []string{"UK", "United Kingdom"}},
	{"U.K.", nil, []string{"UK", "United Kingdom"}},
	{"United Kingdom", nil, []string{"UK", "United Kingdom"}},
	{"Britain", nil, []string{"UK", "United Kingdom"}},
	{"Great Britain", nil, []string{"UK", "United Kingdom"}},
	{"England", nil, []string{"UK", "United Kingdom"}},
	{"Holland", nil, []string{"Netherlands", "The Netherlands"}},
	{"the Netherlands", nil, []string{"Netherlands", "The Netherlands"}},
	{"Czechia", nil, []string{"Czech Republic", "Czechia"}},
	{"Deutschland", nil, []string{"Germany"}},
}

// demonyms name a country by its adjective ("German customers"); written capitalised only.
var demonyms = map[string][]string{
	"French": {"France"}, "German": {"Germany"}, "Spanish": {"Spain"}, "Italian": {"Italy"},
	"Brazilian": {"Brazil"}, "Mexican": {"Mexico"}, "Canadian": {"Canada"}, "American": {"USA", "United States"},
	"British": {"UK", "United Kingdom"}, "Swedish": {"Sweden"}, "Danish": {"Denmark"}, "Norwegian": {"Norway"},
	"Finnish": {"Finland"}, "Belgian": {"Belgium"}, "Austrian": {"Austria"}, "Swiss": {"Switzerland"},
	"Portuguese": {"Portugal"}, "Irish": {"Ireland"}, "Polish": {"Poland"}, "Argentinian": {"Argentina"},
	"Argentine": {"Argentina"}, "Venezuelan": {"Venezuela"}, "Dutch": {"Netherlands"}, "Japanese": {"Japan"},
	"Australian": {"Australia"}, "Indian": {"India"}, "Chilean": {"Chile"}, "Czech": {"Czech Republic"},
	"Hungarian": {"Hungary"},
}

// addValues indexes the database's categorical values: every non-time dimension over a text
// column that some metric lists, with the ontology's example values where the column cannot
// be read. A person's last and first names alone count only as written (capitalised).
func (lx *lexicon) addValues(ctx context.Context, db *sql.DB, ont *ontology.Ontology) error {
	usable := map[string]bool{}
	for _, m := range ont.Metrics {
		for _, d := range append(append([]string(nil), m.Dimensions...), m.Filters...) {
			usable[d] = !m.Descriptive || usable[d]
		}
	}
	for i, d := range ont.Dimensions {
		if d.Grain != "" || d.Kind == "time" || d.Kind == "flag" || !usable[d.Name] {
			continue // a value no metric can be filtered or broken down by is noise
		}
		vals, err := readValues(ctx, db, ont, d)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			vals = d.Values
		}
		lx.addDimValues(d, i, vals)
	}
	return nil
}

// readValues returns the distinct text values of d's column (for a person, "First Last").
func readValues(ctx context.Context, db *sql.DB, ont *ontology.Ontology, d ontology.Dimension) ([]string, error) {
	if db == nil {
		return nil, fmt.Errorf("no database")
	}
	t, _ := ontology.SplitColumn(d.Column)
	expr := d.Column
	if len(d.Labels) > 1 {
		parts := make([]string, len(d.Labels))
		for i, l := range d.Labels {
			parts[i] = "COALESCE(" + l + ", '')"
		}
		expr = strings.Join(parts, " || ' ' || ")
	}
	isText := "typeof(%s) = 'text'"
	switch ont.Dialect {
	case "postgres":
		isText = "pg_typeof(%s) IN ('text'::regtype, 'character varying'::regtype)"
	case "bigquery":
		// No typeof: FORMAT's %T writes a value as a literal of its type, quoted for STRING.
		isText = "STARTS_WITH(FORMAT('%%T', %s), '\"')"
	}
	q, err := ont.Statement(fmt.Sprintf("SELECT DISTINCT %s FROM %s WHERE "+isText+" LIMIT %d", expr, ontology.QuoteIdent(t), d.Column, maxValues))
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		if v.Valid {
			out = append(out, v.String)
		}
	}
	return out, rows.Err()
}

func (lx *lexicon) addDimValues(d ontology.Dimension, order int, vals []string) {
	sensitive := len(vals) > caseSensitiveAbove
	person := len(d.Labels) > 1
	firsts := map[string]int{}
	if person {
		for _, v := range vals {
			if f := strings.Fields(v); len(f) > 1 {
				firsts[strings.ToLower(f[0])]++
			}
		}
	}
	seen := map[string]bool{}
	for _, raw := range vals {
		v := strings.TrimSpace(raw)
		if seen[v] || !usableValue(v) {
			continue
		}
		seen[v] = true
		lx.addValue(v, v, d.Name, order, sensitive)
		if !person {
			continue
		}
		f := strings.Fields(v)
		if len(f) < 2 {
			continue
		}
		// The compiler matches a person by last name or full name.
		lx.addValue(f[len(f)-1], f[len(f)-1], d.Name, order, true)
		if firsts[strings.ToLower(f[0])] == 1 {
			lx.addValue(f[0], v, d.Name, order, true)
		}
	}
	if !sensitive && (d.Kind == "category" || d.Kind == "product") {
		lx.addPartials(d.Name, order, vals)
	}
	for adj, canons := range demonyms {
		for _, canon := range canons {
			if seen[canon] {
				lx.add(adj, entry{kind: KindValue, id: d.Name, value: canon, form: []string{adj}, order: order})
				break
			}
		}
	}
	for _, a := range countryAliases {
		for _, canon := range a.values {
			if seen[canon] {
				lx.add(a.phrase, entry{kind: KindValue, id: d.Name, value: canon, form: a.form, order: order})
				break
			}
		}
	}
}

// addValue stores phrase as a way of writing value of dimension dim.
func (lx *lexicon) addValue(phrase, value, dim string, order int, sensitive bool) {
	toks := tokenize(phrase)
	if len(toks) == 0 {
		return
	}
	allStop := true
	for _, t := range toks {
		if !stopwords[t.text] && !stopwords[t.stem] {
			allStop = false
		}
	}
	if allStop {
		return
	}
	e := entry{kind: KindValue, id: dim, value: value, order: order}
	if sensitive || shortCaps(phrase) {
		e.form = make([]string, len(toks))
		for i, t := range toks {
			e.form[i] = t.orig
		}
	}
	lx.add(phrase, e)
}

// usableValue: text with a letter in it, at least two characters.
func usableValue(v string) bool {
	if len(v) < 2 {
		return false
	}
	for _, r := range v {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// shortCaps: an abbreviation like "CA" or "OR" that only counts when written in capitals.
func shortCaps(v string) bool {
	if len(v) > 3 {
		return false
	}
	for _, r := range v {
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// addPartials names a value by one of its words when no other value of the dimension has it
// and the word means nothing else yet: "dairy" for Dairy Products, "poultry" for Meat/Poultry,
// "mozzarella" for Mozzarella di Giovanni. Only for categories and products, whose names are
// what people shorten.
func (lx *lexicon) addPartials(dim string, order int, vals []string) {
	owners := map[string][]string{}
	for _, v := range vals {
		toks := tokenize(v)
		if len(toks) < 2 {
			continue
		}
		seen := map[string]bool{}
		for _, t := range toks {
			if len(t.stem) < 4 || stopwords[t.text] || stopwords[t.stem] || commonWords[t.stem] || isNumber(t.stem) || seen[t.stem] {
				continue
			}
			seen[t.stem] = true
			owners[t.stem] = append(owners[t.stem], v)
		}
	}
	for w, vs := range owners {
		if len(vs) != 1 || len(lx.phrases[w]) > 0 {
			continue
		}
		for _, v := range vals { // a single-word value of another spelling ("Dairy") wins
			if stems(v) == w {
				vs = nil
			}
		}
		if vs != nil {
			lx.add(w, entry{kind: KindValue, id: dim, value: vs[0], order: order})
		}
	}
}
