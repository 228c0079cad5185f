package dataset

import "slices"

// This file ports Python's difflib.SequenceMatcher(None, a, b).ratio(), the measure the
// seed project uses to drop near-duplicate questions (threshold 0.9), so that sqlforge
// keeps and drops the same questions the seed would. Sequences are compared rune by rune,
// as Python compares str characters, and the "autojunk" heuristic is kept: when b has 200
// or more runes, runes occurring more than 1+len(b)/100 times are treated as junk.

// Ratio returns difflib's similarity 2*M/T of a and b, in [0, 1]: M is the number of runes in
// matching blocks and T the total number of runes. Two empty strings have ratio 1.
func Ratio(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	t := len(ra) + len(rb)
	if t == 0 {
		return 1
	}
	return 2 * float64(matchingRunes(ra, rb)) / float64(t)
}

// quickRatioBound is difflib's quick_ratio: an upper bound on Ratio from the rune
// multisets, given as sorted rune slices.
func quickRatioBound(sa, sb []rune) float64 {
	t := len(sa) + len(sb)
	if t == 0 {
		return 1
	}
	m, i, j := 0, 0, 0
	for i < len(sa) && j < len(sb) {
		switch {
		case sa[i] < sb[j]:
			i++
		case sa[i] > sb[j]:
			j++
		default:
			m++
			i++
			j++
		}
	}
	return 2 * float64(m) / float64(t)
}

// sortedRunes returns the runes of s, sorted.
func sortedRunes(s string) []rune {
	r := []rune(s)
	slices.Sort(r)
	return r
}

// matchingRunes is the total size of difflib's matching blocks of a and b.
func matchingRunes(a, b []rune) int {
	b2j := make(map[rune][]int, len(b))
	for j, c := range b {
		b2j[c] = append(b2j[c], j)
	}
	if n := len(b); n >= 200 {
		popular := n/100 + 1
		for c, js := range b2j {
			if len(js) > popular {
				delete(b2j, c)
			}
		}
	}
	sm := matcher{a: a, b: b, b2j: b2j}
	total := 0
	type span struct{ alo, ahi, blo, bhi int }
	queue := []span{{0, len(a), 0, len(b)}}
	for len(queue) > 0 {
		s := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		i, j, k := sm.longest(s.alo, s.ahi, s.blo, s.bhi)
		if k == 0 {
			continue
		}
		total += k
		if s.alo < i && s.blo < j {
			queue = append(queue, span{s.alo, i, s.blo, j})
		}
		if i+k < s.ahi && j+k < s.bhi {
			queue = append(queue, span{i + k, s.ahi, j + k, s.bhi})
		}
	}
	return total
}

type matcher struct {
	a, b []rune
	b2j  map[rune][]int
}

// longest is difflib's find_longest_match with no isjunk function (only popular-rune junk).
func (m *matcher) longest(alo, ahi, blo, bhi int) (int, int, int) {
	besti, bestj, bestsize := alo, blo, 0
	j2len := map[int]int{}
	for i := alo; i < ahi; i++ {
		newj2len := map[int]int{}
		for _, j := range m.b2j[m.a[i]] {
			if j < blo {
				continue
			}
			if j >= bhi {
				break
			}
			k := j2len[j-1] + 1
			newj2len[j] = k
			if k > bestsize {
				besti, bestj, bestsize = i-k+1, j-k+1, k
			}
		}
		j2len = newj2len
	}
	// difflib then extends the match over equal elements that are not "isjunk" junk; with
	// no isjunk function that is every element, popular runes included.
	for besti > alo && bestj > blo && m.a[besti-1] == m.b[bestj-1] {
		besti, bestj, bestsize = besti-1, bestj-1, bestsize+1
	}
	for besti+bestsize < ahi && bestj+bestsize < bhi && m.a[besti+bestsize] == m.b[bestj+bestsize] {
		bestsize++
	}
	return besti, bestj, bestsize
}
