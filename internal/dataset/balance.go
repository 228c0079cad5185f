package dataset

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
)

// BalanceOptions tune Balance.
type BalanceOptions struct {
	// Seed chooses which groups of an over-represented cell are kept.
	Seed uint64
	// Cap is the most records a (hardness, shape) cell keeps; 0 means CapFactor times the
	// median size of the non-empty cells, so no cell dominates and small cells are untouched.
	Cap int
	// CapFactor multiplies the median cell size when Cap is 0 (default 2).
	CapFactor float64
	// ProtectBelow leaves uncapped every cell of a hardness level whose share of the input
	// is below this fraction, so balancing shapes never starves a rare hardness level
	// (0 protects nothing).
	ProtectBelow float64
}

// BalanceReport says what Balance did.
type BalanceReport struct {
	Cap     int            `json:"cap"`
	In      int            `json:"in"`
	Kept    int            `json:"kept"`
	Dropped map[string]int `json:"dropped,omitempty"` // by "hardness/shape" cell
}

// Balance caps over-represented (hardness, shape) cells. Whole groups are kept or dropped
// (chosen by the seed) so all phrasings of a kept query stay; a cell always keeps at least
// one group. Kept records stay in input order.
func Balance(recs []Record, opts BalanceOptions) ([]Record, BalanceReport) {
	cellOf := func(r *Record) string { return r.Hardness + "/" + r.Shape }
	type group struct {
		key  string
		size int
	}
	cellGroups := map[string][]*group{}
	cellSize := map[string]int{}
	gs := map[string]*group{}
	for i := range recs {
		c, k := cellOf(&recs[i]), GroupKey(&recs[i])
		g, ok := gs[c+"\x00"+k]
		if !ok {
			g = &group{key: k}
			gs[c+"\x00"+k] = g
			cellGroups[c] = append(cellGroups[c], g)
		}
		g.size++
		cellSize[c]++
	}
	limit := opts.Cap
	if limit <= 0 {
		sizes := make([]int, 0, len(cellSize))
		for _, n := range cellSize {
			sizes = append(sizes, n)
		}
		slices.Sort(sizes)
		factor := opts.CapFactor
		if factor <= 0 {
			factor = 2
		}
		if len(sizes) > 0 {
			limit = int(factor * float64(sizes[len(sizes)/2]))
		}
	}
	hardShare := map[string]float64{}
	for i := range recs {
		hardShare[recs[i].Hardness] += 1 / float64(len(recs))
	}
	rep := BalanceReport{Cap: limit, In: len(recs), Dropped: map[string]int{}}
	keep := map[string]bool{} // cell + group key
	cells := make([]string, 0, len(cellGroups))
	for c := range cellGroups {
		cells = append(cells, c)
	}
	slices.Sort(cells)
	rng := rand.New(rand.NewPCG(opts.Seed, 0xba1a9ce))
	for _, c := range cells {
		groups := cellGroups[c]
		if cellSize[c] <= limit || hardShare[strings.SplitN(c, "/", 2)[0]] < opts.ProtectBelow {
			for _, g := range groups {
				keep[c+"\x00"+g.key] = true
			}
			continue
		}
		slices.SortFunc(groups, func(a, b *group) int { return cmp.Compare(a.key, b.key) })
		rng.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
		n := 0
		for _, g := range groups {
			if n == 0 || n+g.size <= limit {
				keep[c+"\x00"+g.key] = true
				n += g.size
			} else {
				rep.Dropped[c] += g.size
			}
		}
	}
	out := make([]Record, 0, len(recs))
	for i := range recs {
		if keep[cellOf(&recs[i])+"\x00"+GroupKey(&recs[i])] {
			out = append(out, recs[i])
		}
	}
	rep.Kept = len(out)
	return out, rep
}
