package local

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
)

// Example is one tokenized training sequence: prompt and answer tokens in
// IDs, and Mask[i] true where token IDs[i] is an answer token whose
// prediction (from the tokens before it) counts in the loss.
type Example struct {
	IDs  []int
	Mask []bool
}

// Dataset is the training examples and the validation examples (which may
// be empty: no validation, no early stopping).
type Dataset struct {
	Train, Valid []Example
}

// row is one sequence of a batch: tokens [T'] and target [T'], where
// target[t] true means "predict tokens[t+1] here and count it".
type row struct {
	tokens []int
	target []bool
}

// validate checks that examples fit the vocabulary and have answer tokens;
// errors name the split and the example index.
func validate(split string, exs []Example, vocab int) error {
	for i, ex := range exs {
		if len(ex.IDs) != len(ex.Mask) {
			return fmt.Errorf("%s example %d: %d ids but %d mask entries", split, i, len(ex.IDs), len(ex.Mask))
		}
		answer := false
		for j, id := range ex.IDs {
			if id < 0 || id >= vocab {
				return fmt.Errorf("%s example %d: token %d at position %d is outside the vocabulary of %d", split, i, id, j, vocab)
			}
			answer = answer || (j > 0 && ex.Mask[j])
		}
		if !answer {
			return fmt.Errorf("%s example %d: no answer tokens (the mask is false after the first token)", split, i)
		}
	}
	return nil
}

// exampleRow turns an example into a row, truncated to maxLen tokens.
func exampleRow(ex Example, maxLen int) row {
	n := min(len(ex.IDs), maxLen)
	r := row{tokens: ex.IDs[:n], target: make([]bool, n)}
	for t := 0; t+1 < n; t++ {
		r.target[t] = ex.Mask[t+1]
	}
	return r
}

// makeRows gives one row per example (padding), or packs examples in order
// into rows of at most maxLen tokens without splitting one (packing); a
// prediction never crosses from one example into the next.
func makeRows(exs []Example, maxLen int, packing bool) []row {
	var rows []row
	for _, ex := range exs {
		r := exampleRow(ex, maxLen)
		if packing && len(rows) > 0 {
			last := &rows[len(rows)-1]
			if len(last.tokens)+len(r.tokens) <= maxLen {
				last.tokens = append(last.tokens[:len(last.tokens):len(last.tokens)], r.tokens...)
				last.target = append(last.target[:len(last.target):len(last.target)], r.target...)
				continue
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// batch is a padded micro-batch in the layout lm.Forward takes.
type batch struct {
	B, T    int
	tokens  []int     // [B·T], padding with the pad id
	targets []int     // [B·T], the next token (0 where nothing counts)
	mask    []float32 // [B·T], 1 where the prediction counts
	count   int       // positions that count
	real    int       // tokens that are not padding
}

// answers returns the positions whose prediction counts (the answer
// tokens: the only rows the loss needs logits for) and their targets.
func (b batch) answers() (rows, targets []int) {
	rows, targets = make([]int, 0, b.count), make([]int, 0, b.count)
	for n, m := range b.mask {
		if m != 0 {
			rows, targets = append(rows, n), append(targets, b.targets[n])
		}
	}
	return rows, targets
}

// makeBatch right-pads rows to the longest one. Right padding leaves the
// real positions' outputs unchanged under causal attention.
func makeBatch(rows []row, padID int) batch {
	b := batch{B: len(rows)}
	for _, r := range rows {
		b.T = max(b.T, len(r.tokens))
	}
	N := b.B * b.T
	b.tokens, b.targets, b.mask = make([]int, N), make([]int, N), make([]float32, N)
	for i, r := range rows {
		off := i * b.T
		for t := range b.T {
			b.tokens[off+t] = padID
		}
		copy(b.tokens[off:], r.tokens)
		b.real += len(r.tokens)
		for t, ok := range r.target {
			if ok {
				b.targets[off+t], b.mask[off+t] = r.tokens[t+1], 1
				b.count++
			}
		}
	}
	return b
}

// order yields rows as one stream over epochs: position p is row
// perm(p / n)[p % n], where perm(e) is a permutation drawn from (seed, e).
// The stream is a pure function of the seed, so the data position alone
// restores it on resume.
type order struct {
	n     int
	seed  uint64
	epoch int
	perm  []int
	// lengths and batch, when set, group rows of similar length into the
	// same batch (Config.GroupByLength).
	lengths []int
	batch   int
}

// groupChunk is how many batches of a shuffled epoch are sorted by length
// together when grouping by length.
const groupChunk = 16

func (o *order) at(p int) int {
	if e := p / o.n; o.perm == nil || e != o.epoch {
		o.epoch = e
		rng := rand.New(rand.NewPCG(o.seed, uint64(e)+0x5fd))
		o.perm = rng.Perm(o.n)
		if o.lengths != nil && o.batch > 1 {
			o.group(rng)
		}
	}
	return o.perm[p%o.n]
}

// group sorts each chunk of groupChunk batches of the shuffled epoch by row
// length and then shuffles the chunk's batches, so a batch holds rows of
// similar length (little padding) while batches still come in random order
// (as Hugging Face's group_by_length does).
func (o *order) group(rng *rand.Rand) {
	size := groupChunk * o.batch
	for from := 0; from < o.n; from += size {
		chunk := o.perm[from:min(from+size, o.n)]
		slices.SortStableFunc(chunk, func(a, b int) int { return o.lengths[a] - o.lengths[b] })
		nb := len(chunk) / o.batch // a last partial batch stays last
		sorted := slices.Clone(chunk[:nb*o.batch])
		for i, j := range rng.Perm(nb) {
			copy(chunk[i*o.batch:(i+1)*o.batch], sorted[j*o.batch:(j+1)*o.batch])
		}
	}
}

// fingerprint hashes the rows so Resume can refuse different data.
func fingerprint(rows ...[]row) uint64 {
	h := fnv.New64a()
	var buf [9]byte
	for _, rs := range rows {
		for _, r := range rs {
			for t, id := range r.tokens {
				for i := range 8 {
					buf[i] = byte(uint64(id) >> (8 * i))
				}
				buf[8] = 0
				if r.target[t] {
					buf[8] = 1
				}
				h.Write(buf[:])
			}
			h.Write([]byte{0xff})
		}
		h.Write([]byte{0xfe})
	}
	return h.Sum64()
}
