package datagen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sqlforge/sqlforge/internal/dialect"
	"github.com/sqlforge/sqlforge/internal/ontology"
)

// joinGraph is the ontology's joins as an undirected graph over tables. Self-joins (aliased
// sides) are left out: generated SQL names tables, not aliases.
type joinGraph struct {
	adj map[string][]edge
}

type edge struct {
	to, on, typ string
}

func newJoinGraph(joins []ontology.Join) *joinGraph {
	g := &joinGraph{adj: map[string][]edge{}}
	for _, j := range joins {
		if j.Left == j.Right || j.LeftAlias != "" || j.RightAlias != "" {
			continue
		}
		typ := strings.ToUpper(strings.TrimSpace(j.Type))
		if typ == "" || typ == "INNER" {
			typ = "JOIN"
		} else {
			typ += " JOIN"
		}
		g.adj[j.Left] = append(g.adj[j.Left], edge{j.Right, j.On, typ})
		g.adj[j.Right] = append(g.adj[j.Right], edge{j.Left, j.On, typ})
	}
	return g
}

// path finds the shortest path (breadth first, edges in ontology order) from any table of
// have to target, returning the steps to add, each a table and the join that reaches it.
func (g *joinGraph) path(have []string, target string) ([]step, bool) {
	type prev struct {
		from string
		e    edge
	}
	seen := map[string]prev{}
	queue := slices.Clone(have)
	for _, t := range have {
		seen[t] = prev{}
	}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		if t == target {
			var steps []step
			for cur := t; !slices.Contains(have, cur); cur = seen[cur].from {
				steps = append(steps, step{table: cur, on: seen[cur].e.on, typ: seen[cur].e.typ})
			}
			slices.Reverse(steps)
			return steps, true
		}
		for _, e := range g.adj[t] {
			if _, ok := seen[e.to]; ok {
				continue
			}
			seen[e.to] = prev{from: t, e: e}
			queue = append(queue, e.to)
		}
	}
	return nil, false
}

type step struct{ table, on, typ string }

// from builds the FROM clause joining tables (the first is the root) along the shortest
// join paths, and returns the tables it reads in join order.
func (g *joinGraph) from(d dialect.Dialect, tables []string) (string, []string, error) {
	if len(tables) == 0 {
		return "", nil, fmt.Errorf("no table")
	}
	have := []string{tables[0]}
	var b strings.Builder
	b.WriteString(d.Quote(tables[0]))
	for _, t := range tables[1:] {
		if slices.Contains(have, t) {
			continue
		}
		steps, ok := g.path(have, t)
		if !ok {
			return "", nil, fmt.Errorf("no join path from %s to %s", strings.Join(have, ", "), t)
		}
		for _, s := range steps {
			fmt.Fprintf(&b, " %s %s ON %s", s.typ, d.Quote(s.table), s.on)
			have = append(have, s.table)
		}
	}
	return b.String(), have, nil
}
