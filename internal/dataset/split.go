package dataset

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Split names: the seed's three files, and val for the --val variant.
const (
	SplitTrain     = "train"
	SplitTest      = "test"
	SplitInference = "inference"
	SplitVal       = "val"
)

// Part is one named split and its records.
type Part struct {
	Name    string
	Records []Record
}

// SplitOptions tune Split. The zero value is the seed's 80/10/10 train/test/inference.
type SplitOptions struct {
	// Seed makes the split reproducible: same records and seed, same split.
	Seed uint64
	// Names of the splits, in order (default train, test, inference).
	Names []string
	// Fractions of the records for each name (default 0.8, 0.1, 0.1); they are normalised
	// to sum to 1 and must be non-negative.
	Fractions []float64
}

func (o SplitOptions) resolve() ([]string, []float64, error) {
	names, fr := o.Names, o.Fractions
	if len(names) == 0 {
		names = []string{SplitTrain, SplitTest, SplitInference}
	}
	if len(fr) == 0 {
		if len(names) != 3 {
			return nil, nil, fmt.Errorf("split: %d names need explicit fractions", len(names))
		}
		fr = []float64{0.8, 0.1, 0.1}
	}
	if len(fr) != len(names) {
		return nil, nil, fmt.Errorf("split: %d names but %d fractions", len(names), len(fr))
	}
	sum := 0.0
	for i, f := range fr {
		if f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, nil, fmt.Errorf("split: fraction %v for %s is not a non-negative number", f, names[i])
		}
		sum += f
	}
	if sum <= 0 {
		return nil, nil, fmt.Errorf("split: fractions sum to %v", sum)
	}
	out := make([]float64, len(fr))
	for i, f := range fr {
		out[i] = f / sum
	}
	return names, out, nil
}

// GroupKey is the key that keeps records together in one split: Group, or the record ID
// (or normalised question) when a record has no Group.
func GroupKey(r *Record) string {
	switch {
	case r.Group != "":
		return "g:" + r.Group
	case r.ID != "":
		return "i:" + r.ID
	}
	return "q:" + NormalizeQuestion(r.Question)
}

// Split divides records into the named parts with no leakage: all records sharing a Group
// land in the same part. Groups are stratified by the hardness and shape of their first
// record: strata are visited in sorted order, groups shuffled within each by the seed, and
// every group goes to the part furthest below its target share of the records seen so
// far. Each stratum is thus cut close to the fractions, and the totals are within one
// group of them. Records keep their input order within a part and get Split set.
func Split(recs []Record, opts SplitOptions) ([]Part, error) {
	names, fr, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	type group struct {
		key     string
		stratum string
		members []int
	}
	byKey := map[string]*group{}
	var groups []*group
	for i := range recs {
		k := GroupKey(&recs[i])
		g, ok := byKey[k]
		if !ok {
			g = &group{key: k, stratum: recs[i].Hardness + "\x00" + recs[i].Shape}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.members = append(g.members, i)
	}
	// Sort by key first so the shuffle does not depend on input order.
	slices.SortFunc(groups, func(a, b *group) int { return cmp.Compare(a.key, b.key) })
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed5eed))
	rng.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	slices.SortStableFunc(groups, func(a, b *group) int { return cmp.Compare(a.stratum, b.stratum) })

	assign := make([]int, len(recs))
	counts := make([]float64, len(names))
	seen := 0.0
	for _, g := range groups {
		seen += float64(len(g.members))
		best, bestDef := 0, math.Inf(-1)
		for k := range names {
			if fr[k] == 0 {
				continue
			}
			if def := fr[k]*seen - counts[k]; def > bestDef+1e-9 {
				best, bestDef = k, def
			}
		}
		counts[best] += float64(len(g.members))
		for _, m := range g.members {
			assign[m] = best
		}
	}
	parts := make([]Part, len(names))
	for k, n := range names {
		parts[k].Name = n
	}
	for i := range recs {
		r := recs[i]
		r.Split = names[assign[i]]
		parts[assign[i]].Records = append(parts[assign[i]].Records, r)
	}
	return parts, nil
}
