package dataset

import (
	"cmp"
	"slices"
	"strings"
)

// Reasons a record is dropped by Dedupe, the keys of DedupeReport.Removed.
const (
	ReasonExactQuestion = "exact_question"
	ReasonSameResult    = "same_result"
	ReasonNearQuestion  = "near_question"
)

// DefaultNearThreshold is the seed project's near-duplicate threshold on difflib's ratio.
const DefaultNearThreshold = 0.9

// DedupeOptions tune Dedupe. The zero value uses the seed's threshold.
type DedupeOptions struct {
	// Threshold is the Ratio at or above which two questions are near duplicates
	// (0 means DefaultNearThreshold; a negative value turns near-duplicate removal off).
	Threshold float64
}

// DedupeReport counts what Dedupe kept and removed.
type DedupeReport struct {
	In      int            `json:"in"`
	Kept    int            `json:"kept"`
	Removed map[string]int `json:"removed"`
	// Compared is the number of candidate pairs whose exact Ratio was computed.
	Compared int `json:"compared"`
}

// Dedupe removes duplicate records, keeping the first of each set in input order (as the
// seed does). Three rules, checked in this order:
//
//   - exact_question: same DB and same NormalizeQuestion text;
//   - same_result: a record of another Group with the same DB, non-empty ResultHash, Shape and
//     Concepts was kept: the same intent answered by the same rows is one query written twice;
//   - near_question: Ratio of the normalised questions >= Threshold against a kept record of
//     the same DB, AND either both share a Group, or share a non-empty ResultHash, or the
//     words in which they differ hold no literal value (number, quoted text, capitalised
//     name). Questions that differ only in a literal ("revenue in 2021" / "revenue in 2022")
//     ask different things and are kept, however close their characters are.
//
// Candidates for near_question come from prefix filtering on word sets (records share one of
// their rarest words) and a length bound, so 10k+ questions take well under a second; the
// result is deterministic.
func Dedupe(recs []Record, opts DedupeOptions) ([]Record, DedupeReport) {
	th := opts.Threshold
	if th == 0 {
		th = DefaultNearThreshold
	}
	rep := DedupeReport{In: len(recs), Removed: map[string]int{}}
	norm := make([]string, len(recs))
	for i := range recs {
		norm[i] = NormalizeQuestion(recs[i].Question)
	}
	idx := newNearIndex(norm)
	seenQ := map[string]bool{}
	seenResult := map[string]string{} // intent+result key -> Group of the kept record
	out := make([]Record, 0, len(recs))
	for i := range recs {
		r := &recs[i]
		qk := r.DB + "\x00" + norm[i]
		if seenQ[qk] {
			rep.Removed[ReasonExactQuestion]++
			continue
		}
		var rk string
		if r.ResultHash != "" {
			rk = intentKey(r)
			if g, ok := seenResult[rk]; ok && g != r.Group {
				rep.Removed[ReasonSameResult]++
				continue
			}
		}
		if th > 0 && idx.nearKept(recs, i, th, &rep.Compared) {
			rep.Removed[ReasonNearQuestion]++
			continue
		}
		seenQ[qk] = true
		if rk != "" {
			if _, ok := seenResult[rk]; !ok {
				seenResult[rk] = r.Group
			}
		}
		idx.keep(i)
		out = append(out, *r)
	}
	rep.Kept = len(out)
	return out, rep
}

// nearIndex finds near-duplicate candidates by prefix filtering: each question's distinct
// words are ordered rarest first, and kept questions are indexed under their first
// prefixLen words. Two questions whose word sets have Jaccard similarity >= 0.5 always share
// an indexed word; character ratio >= 0.9 with word Jaccard < 0.5 needs small edits to
// most words (plurals throughout, typos), which this deliberately does not chase.
type nearIndex struct {
	norm   []string
	runes  [][]rune
	toks   [][]token
	prefix [][]string
	post   map[string][]int32
	sorted [][]rune // runes of each normalised question, sorted, for quickRatioBound
	stamp  []int32  // stamp[j] == i+1 when j was already a candidate for i
	length []int32  // rune length of each normalised question
}

func newNearIndex(norm []string) *nearIndex {
	n := len(norm)
	x := &nearIndex{norm: norm, prefix: make([][]string, n), runes: make([][]rune, n), sorted: make([][]rune, n),
		toks: make([][]token, n), post: map[string][]int32{}, stamp: make([]int32, n), length: make([]int32, n)}
	words := make([][]string, n)
	df := map[string]int{}
	for i, q := range norm {
		w := strings.Fields(q)
		slices.Sort(w)
		w = slices.Compact(w)
		words[i] = w
		for _, t := range w {
			df[t]++
		}
		x.runes[i] = []rune(q)
		x.sorted[i] = sortedRunes(q)
		x.length[i] = int32(len(x.runes[i]))
	}
	for i, w := range words {
		slices.SortFunc(w, func(a, b string) int {
			return cmp.Or(cmp.Compare(df[a], df[b]), cmp.Compare(a, b))
		})
		p := len(w) - (len(w)+1)/2 + 1 // |x| - ceil(0.5|x|) + 1
		x.prefix[i] = w[:min(p, len(w))]
	}
	return x
}

func (x *nearIndex) keep(i int) {
	for _, w := range x.prefix[i] {
		x.post[w] = append(x.post[w], int32(i))
	}
}

// nearKept reports whether record i is a near duplicate of a kept record.
func (x *nearIndex) nearKept(recs []Record, i int, th float64, compared *int) bool {
	ri := x.runes[i]
	la := float64(len(ri))
	// Length bound: ratio <= 2*min(la,lb)/(la+lb), so lb must lie in [lo, hi].
	lo, hi := la*th/(2-th), la*(2-th)/th
	mark := int32(i + 1)
	for _, w := range x.prefix[i] {
		for _, j32 := range x.post[w] {
			lb := float64(x.length[j32])
			if lb < lo-1e-9 || lb > hi+1e-9 || x.stamp[j32] == mark {
				continue
			}
			x.stamp[j32] = mark
			j := int(j32)
			if recs[j].DB != recs[i].DB || la+lb == 0 || !x.mayMerge(recs, i, j) {
				continue
			}
			rj := x.runes[j]
			if quickRatioBound(x.sorted[i], x.sorted[j]) < th {
				continue
			}
			*compared++
			if 2*float64(matchingRunes(ri, rj))/(la+lb) >= th {
				return true
			}
		}
	}
	return false
}

// mayMerge applies the rule of what may count as a near duplicate at all (see Dedupe).
func (x *nearIndex) mayMerge(recs []Record, i, j int) bool {
	a, b := &recs[i], &recs[j]
	if a.Group != "" && a.Group == b.Group {
		return true
	}
	if a.ResultHash != "" && intentKey(a) == intentKey(b) {
		return true
	}
	for _, k := range []int{i, j} {
		if x.toks[k] == nil {
			x.toks[k] = sortTokens(questionTokens(recs[k].Question))
		}
	}
	return !differsInValue(x.toks[i], x.toks[j])
}

// intentKey is the DB, result and intent (shape and sorted concepts) of a verified record.
func intentKey(r *Record) string {
	c := slices.Clone(r.Concepts)
	slices.Sort(c)
	return strings.Join([]string{r.DB, r.ResultHash, r.Shape, strings.Join(c, ",")}, "\x00")
}
