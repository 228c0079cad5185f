package dataset

import "slices"

// PartsBySplit groups records by their Split field (unsplit records under "all"), in the
// order train, test, inference, val, then others sorted.
func PartsBySplit(recs []Record) []Part {
	by := map[string][]Record{}
	for _, r := range recs {
		name := r.Split
		if name == "" {
			name = "all"
		}
		by[name] = append(by[name], r)
	}
	order := []string{SplitTrain, SplitTest, SplitInference, SplitVal}
	var rest []string
	for n := range by {
		if !slices.Contains(order, n) {
			rest = append(rest, n)
		}
	}
	slices.Sort(rest)
	var parts []Part
	for _, n := range append(order, rest...) {
		if r, ok := by[n]; ok {
			parts = append(parts, Part{Name: n, Records: r})
		}
	}
	return parts
}
