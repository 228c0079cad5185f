package constrain

import "github.com/sqlforge/sqlforge/internal/lm"

// Texts are a vocabulary's token texts, decoded once and shared by the constraints built on
// them (decoding every token takes a while; a constraint per question must not).
type Texts struct {
	text   []string
	usable []bool
}

// TokenTexts decodes every token of vocab.
func TokenTexts(vocab Vocabulary) *Texts {
	V := vocab.VocabSize()
	t := &Texts{text: make([]string, V), usable: make([]bool, V)}
	for id := range V {
		if vocab.IsSpecial(id) {
			continue
		}
		t.text[id] = vocab.Decode([]int{id})
		t.usable[id] = t.text[id] != ""
	}
	return t
}

// Checker says whether text is a valid prefix of the language and whether it is complete.
type Checker func(text string) (valid, complete bool)

// Prefix is an lm.Constraint for any language a Checker decides: a token is allowed when the
// text with it stays a valid prefix, and an end token once the text is complete. Query plans
// (plan.CheckPrefix) use it.
type Prefix struct {
	t     *Texts
	check Checker
	end   map[int]bool
}

// NewPrefix builds the constraint; end lists the tokens allowed once the text is complete.
func NewPrefix(t *Texts, check Checker, end []int) *Prefix {
	p := &Prefix{t: t, check: check, end: map[int]bool{}}
	for _, id := range end {
		p.end[id] = true
	}
	return p
}

// Begin is the state before any generated text.
func (p *Prefix) Begin() lm.ConstraintState { return prefixState{p: p} }

type prefixState struct {
	p    *Prefix
	text string
	done bool
}

func (s prefixState) Advance(token int) (lm.ConstraintState, bool) {
	if s.done || token < 0 || token >= len(s.p.t.text) {
		return s, false
	}
	if s.p.end[token] {
		if _, complete := s.p.check(s.text); !complete {
			return s, false
		}
		return prefixState{p: s.p, text: s.text, done: true}, true
	}
	if !s.p.t.usable[token] {
		return s, false
	}
	next := s.text + s.p.t.text[token]
	if valid, _ := s.p.check(next); !valid {
		return s, false
	}
	return prefixState{p: s.p, text: next}, true
}
