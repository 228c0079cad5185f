package ontology

import (
	"fmt"
	"regexp"
	"strings"
)

// JoinPath returns the joins that connect tables, in an order that adds one new table at a
// time starting from tables[0] (the driving table): each returned Join has Left already in
// the FROM clause and Right the table it brings in. It takes the shortest path to the
// nearest table still missing, so it builds a small connecting tree, and prefers joins in
// the order they are declared. Self-joins (Left == Right) are never used. A LEFT join
// walked against its declared direction is returned as INNER, since the driving table has
// changed sides. Table names compare case-insensitively.
func (o *Ontology) JoinPath(tables []string) ([]Join, error) {
	tables = dedupFold(tables)
	if len(tables) == 0 {
		return nil, fmt.Errorf("join path: no tables")
	}
	in := map[string]string{strings.ToLower(tables[0]): tables[0]} // lower → spelling used
	order := []string{strings.ToLower(tables[0])}
	var path []Join
	for _, want := range tables[1:] {
		if _, ok := in[strings.ToLower(want)]; ok {
			continue
		}
		// Multi-source breadth-first search from every table already joined.
		type step struct {
			from string
			join Join
		}
		prev := map[string]step{}
		seen := map[string]bool{}
		queue := append([]string(nil), order...)
		for _, t := range order {
			seen[t] = true
		}
		target := strings.ToLower(want)
		found := false
		for len(queue) > 0 && !found {
			cur := queue[0]
			queue = queue[1:]
			for _, j := range o.Joins {
				l, r := strings.ToLower(j.Left), strings.ToLower(j.Right)
				if l == r || (l != cur && r != cur) {
					continue
				}
				next, oriented := r, j
				if r == cur {
					next = l
					oriented = Join{Left: j.Right, Right: j.Left, On: j.On, Type: "INNER", Line: j.Line}
				}
				if seen[next] {
					continue
				}
				seen[next] = true
				prev[next] = step{from: cur, join: oriented}
				if next == target {
					found = true
					break
				}
				queue = append(queue, next)
			}
		}
		if !found {
			return nil, fmt.Errorf("join path: no join connects %s to %s", strings.Join(tables[:1], ""), want)
		}
		var added []Join
		for t := target; ; {
			s, ok := prev[t]
			if !ok {
				break
			}
			added = append([]Join{s.join}, added...)
			t = s.from
		}
		for _, j := range added {
			path = append(path, j)
			key := strings.ToLower(j.Right)
			in[key] = j.Right
			order = append(order, key)
		}
	}
	return path, nil
}

// FromClause returns the text after FROM that joins tables along JoinPath, e.g.
// `Orders JOIN order_details ON Orders.OrderID = order_details.OrderID`. Names that are
// not plain identifiers are double-quoted.
func (o *Ontology) FromClause(tables []string) (string, error) {
	path, err := o.JoinPath(tables)
	if err != nil {
		return "", err
	}
	tables = dedupFold(tables)
	var b strings.Builder
	b.WriteString(QuoteIdent(tables[0]))
	for _, j := range path {
		kw := "JOIN"
		if strings.EqualFold(j.Type, "LEFT") {
			kw = "LEFT JOIN"
		}
		fmt.Fprintf(&b, " %s %s ON %s", kw, QuoteIdent(j.Right), j.On)
	}
	return b.String(), nil
}

// Tables returns the tables a FROM clause over tables reads: tables plus those JoinPath
// passes through, driving table first.
func (o *Ontology) PathTables(tables []string) ([]string, error) {
	path, err := o.JoinPath(tables)
	if err != nil {
		return nil, err
	}
	out := dedupFold(tables)[:1]
	for _, j := range path {
		out = append(out, j.Right)
	}
	return out, nil
}

var plainIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// QuoteIdent double-quotes an SQL identifier unless it is a plain one.
func QuoteIdent(name string) string {
	if plainIdent.MatchString(name) {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func dedupFold(list []string) []string {
	var out []string
	for _, s := range list {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
