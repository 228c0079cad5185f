package constrain

import (
	"github.com/sqlforge/sqlforge/internal/lm"
)

// Vocabulary is what Constraint needs of a tokenizer
// (*tokenizer.Tokenizer has it).
type Vocabulary interface {
	VocabSize() int
	Decode(ids []int) string
	IsSpecial(id int) bool
}

// Constraint is an lm.Constraint that keeps generated text a valid prefix
// of a SELECT over a schema. The text of every token is decoded once, when
// the constraint is built; at decode time lm checks candidates lazily, in
// logit order, so a step usually costs a few recognizer feeds.
type Constraint struct {
	start  Recognizer
	text   []string     // [V] each token's text
	usable []bool       // [V] false for special tokens and empty texts
	end    map[int]bool // tokens that may end a complete query
}

// New builds the constraint for queries over names, with the vocabulary's
// token texts; end lists the tokens (such as <|im_end|> or EOS) that are
// allowed once the query is complete. Other special tokens are never
// allowed.
func New(names Names, vocab Vocabulary, end []int) *Constraint {
	V := vocab.VocabSize()
	c := &Constraint{start: NewRecognizer(names), text: make([]string, V), usable: make([]bool, V), end: map[int]bool{}}
	for id := range V {
		if vocab.IsSpecial(id) {
			continue
		}
		c.text[id] = vocab.Decode([]int{id})
		c.usable[id] = c.text[id] != ""
	}
	for _, id := range end {
		c.end[id] = true
	}
	return c
}

// Begin returns the state before any generated text.
func (c *Constraint) Begin() lm.ConstraintState { return state{c: c, r: c.start} }

// state is the recognizer after the tokens generated so far.
type state struct {
	c    *Constraint
	r    Recognizer
	done bool // an end token was generated
}

// Advance allows token when its text keeps the output a valid prefix, or
// when it is an end token and the query is complete.
func (s state) Advance(token int) (lm.ConstraintState, bool) {
	if s.done || token < 0 || token >= len(s.c.text) {
		return s, false
	}
	if s.c.end[token] {
		if !s.r.Complete() {
			return s, false
		}
		return state{c: s.c, r: s.r, done: true}, true
	}
	if !s.c.usable[token] {
		return s, false
	}
	r, ok := s.r.Feed(s.c.text[token])
	if !ok {
		return s, false
	}
	return state{c: s.c, r: r}, true
}
