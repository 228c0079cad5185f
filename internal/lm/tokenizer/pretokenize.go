package tokenizer

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/dlclark/regexp2"
)

// GPT2Pattern is GPT-2's pre-tokenizer regex, used by the ByteLevel pre-tokenizer with
// use_regex and by Train.
const GPT2Pattern = `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`

// preTokenizer splits words into smaller words. atStart says whether words[0] begins at the
// start of the input text (Metaspace's prepend_scheme "first" needs it).
type preTokenizer interface {
	split(words []string, atStart bool) []string
}

type preTokenizerSeq []preTokenizer

func (q preTokenizerSeq) split(words []string, atStart bool) []string {
	for _, p := range q {
		words = p.split(words, atStart)
	}
	return words
}

// byteLevelPre is GPT-2's ByteLevel pre-tokenizer: optional regex split, optional prefix
// space, then every byte mapped to its printable rune.
type byteLevelPre struct {
	addPrefixSpace bool
	re             *splitter
}

func (b byteLevelPre) split(words []string, atStart bool) []string {
	var out []string
	for _, w := range words {
		if b.addPrefixSpace && !strings.HasPrefix(w, " ") {
			w = " " + w
		}
		if b.re == nil {
			out = append(out, byteLevelEncode(w))
			continue
		}
		for _, p := range b.re.pieces(w, behaviorIsolated, false) {
			out = append(out, byteLevelEncode(p))
		}
	}
	return out
}

// splitBehavior is what Split does with the pattern's matches.
type splitBehavior int

const (
	behaviorIsolated splitBehavior = iota
	behaviorRemoved
	behaviorMergedWithPrevious
	behaviorMergedWithNext
	behaviorContiguous
)

var behaviors = map[string]splitBehavior{
	"Isolated": behaviorIsolated, "Removed": behaviorRemoved,
	"MergedWithPrevious": behaviorMergedWithPrevious, "MergedWithNext": behaviorMergedWithNext,
	"Contiguous": behaviorContiguous,
}

// splitter finds pattern matches (a literal or a regex) and cuts text around them.
type splitter struct {
	literal string
	re      *regexp2.Regexp
	fast    func(string) []string // exact hand-written equivalent of re, when known
}

type span struct {
	start, end int // byte offsets
	match      bool
}

func (s *splitter) spans(text string) []span {
	var out []span
	last := 0
	add := func(a, b int) {
		if a > last {
			out = append(out, span{last, a, false})
		}
		if b > a {
			out = append(out, span{a, b, true})
		}
		last = b
	}
	switch {
	case s.re == nil:
		if s.literal == "" {
			break
		}
		for i := 0; ; {
			j := strings.Index(text[i:], s.literal)
			if j < 0 {
				break
			}
			add(i+j, i+j+len(s.literal))
			i += j + len(s.literal)
		}
	default:
		// regexp2 matches runes; offs turns its rune positions into byte offsets (an invalid
		// byte is one U+FFFD rune of width 1).
		runes := make([]rune, 0, len(text))
		offs := make([]int, 0, len(text)+1)
		for i, r := range text {
			runes = append(runes, r)
			offs = append(offs, i)
		}
		offs = append(offs, len(text))
		m, _ := s.re.FindRunesMatch(runes)
		for m != nil {
			add(offs[m.Index], offs[m.Index+m.Length])
			m, _ = s.re.FindNextMatch(m)
		}
	}
	if last < len(text) {
		out = append(out, span{last, len(text), false})
	}
	return out
}

// pieces cuts text as Hugging Face's Split pre-tokenizer does; empty pieces are dropped.
func (s *splitter) pieces(text string, b splitBehavior, invert bool) []string {
	if s.fast != nil && b == behaviorIsolated && !invert {
		return s.fast(text)
	}
	sp := s.spans(text)
	if invert {
		for i := range sp {
			sp[i].match = !sp[i].match
		}
	}
	var out []string
	switch b {
	case behaviorIsolated:
		for _, x := range sp {
			out = append(out, text[x.start:x.end])
		}
	case behaviorRemoved:
		for _, x := range sp {
			if !x.match {
				out = append(out, text[x.start:x.end])
			}
		}
	case behaviorMergedWithPrevious, behaviorMergedWithNext, behaviorContiguous:
		// Hugging Face's folds: a match joins the neighbouring non-match (previous or
		// next), or consecutive matches join each other.
		if b == behaviorMergedWithNext {
			reverseSpans(sp)
		}
		var acc []span
		prev := false
		for _, x := range sp {
			join := x.match && !prev
			if b == behaviorContiguous {
				join = x.match == prev
			}
			if join && len(acc) > 0 {
				last := acc[len(acc)-1]
				acc[len(acc)-1] = span{min(last.start, x.start), max(last.end, x.end), x.match}
			} else {
				acc = append(acc, x)
			}
			prev = x.match
		}
		if b == behaviorMergedWithNext {
			reverseSpans(acc)
		}
		for _, x := range acc {
			out = append(out, text[x.start:x.end])
		}
	}
	return dropEmpty(out)
}

func reverseSpans(sp []span) {
	for i, j := 0, len(sp)-1; i < j; i, j = i+1, j-1 {
		sp[i], sp[j] = sp[j], sp[i]
	}
}

func dropEmpty(ws []string) []string {
	out := ws[:0]
	for _, w := range ws {
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

type splitPre struct {
	s        *splitter
	behavior splitBehavior
	invert   bool
}

func (p splitPre) split(words []string, atStart bool) []string {
	var out []string
	for _, w := range words {
		out = append(out, p.s.pieces(w, p.behavior, p.invert)...)
	}
	return out
}

// digitsPre isolates numbers: each digit alone, or each run of digits.
type digitsPre struct{ individual bool }

func (d digitsPre) split(words []string, atStart bool) []string {
	var out []string
	for _, w := range words {
		start, inNum := 0, false
		for i, r := range w {
			isNum := unicode.IsNumber(r)
			if i > start && (isNum != inNum || (isNum && d.individual)) {
				out = append(out, w[start:i])
				start = i
			}
			inNum = isNum
		}
		if start < len(w) {
			out = append(out, w[start:])
		}
	}
	return out
}

// metaspacePre is SentencePiece's convention: spaces become ▁, a ▁ is prepended, and words
// are cut before each ▁.
type metaspacePre struct {
	replacement string
	scheme      string // always, first, never
	splitWords  bool
}

func (m metaspacePre) split(words []string, atStart bool) []string {
	var out []string
	for i, w := range words {
		w = strings.ReplaceAll(w, " ", m.replacement)
		if (m.scheme == "always" || (m.scheme == "first" && atStart && i == 0)) && !strings.HasPrefix(w, m.replacement) {
			w = m.replacement + w
		}
		if !m.splitWords {
			out = append(out, w)
			continue
		}
		s := &splitter{literal: m.replacement}
		out = append(out, s.pieces(w, behaviorMergedWithNext, false)...)
	}
	return out
}

// buildPreTokenizer reads tokenizer.json's pre_tokenizer; nil means none.
func buildPreTokenizer(field string, raw json.RawMessage) (preTokenizer, error) {
	if isNull(raw) {
		return nil, nil
	}
	var c component
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	switch c.Type {
	case "ByteLevel":
		b := byteLevelPre{addPrefixSpace: c.AddPrefixSpace != nil && *c.AddPrefixSpace}
		if c.UseRegex == nil || *c.UseRegex {
			s, err := newRegexSplitter(GPT2Pattern)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", field, err)
			}
			b.re = s
		}
		return b, nil
	case "Split":
		beh, ok := behaviors[c.Behavior]
		if !ok {
			return nil, fmt.Errorf("%s.behavior: unknown %q", field, c.Behavior)
		}
		if c.Pattern == nil {
			return nil, fmt.Errorf("%s.pattern: missing", field)
		}
		var s *splitter
		switch {
		case c.Pattern.String != nil:
			s = &splitter{literal: *c.Pattern.String}
		case c.Pattern.Regex != nil:
			var err error
			if s, err = newRegexSplitter(*c.Pattern.Regex); err != nil {
				return nil, fmt.Errorf("%s.pattern.Regex: %w", field, err)
			}
		default:
			return nil, fmt.Errorf("%s.pattern: want String or Regex", field)
		}
		return splitPre{s: s, behavior: beh, invert: c.Invert}, nil
	case "Digits":
		return digitsPre{individual: c.IndividualDigits}, nil
	case "Metaspace":
		m := metaspacePre{replacement: c.Replacement, scheme: c.PrependScheme, splitWords: c.Split == nil || *c.Split}
		if m.replacement == "" {
			m.replacement = "▁"
		}
		if m.scheme == "" {
			m.scheme = "always"
			if c.AddPrefixSpace != nil && !*c.AddPrefixSpace {
				m.scheme = "never"
			}
		}
		if m.scheme != "always" && m.scheme != "first" && m.scheme != "never" {
			return nil, fmt.Errorf("%s.prepend_scheme: unknown %q", field, m.scheme)
		}
		return m, nil
	case "Sequence":
		seq, err := buildSeq(field+".pretokenizers", c.Pretokenizers, buildPreTokenizer)
		if err != nil {
			return nil, err
		}
		return preTokenizerSeq(seq), nil
	}
	return nil, fmt.Errorf("%s.type: unsupported pre-tokenizer %q (supported: ByteLevel, Split, Digits, Metaspace, Sequence)", field, c.Type)
}

func newRegexSplitter(pattern string) (*splitter, error) {
	re, err := compileRegex(pattern)
	if err != nil {
		return nil, err
	}
	return &splitter{re: re, fast: fastSplitters[pattern]}, nil
}

// fastSplitters holds hand-written equivalents of well-known patterns (filled in fastsplit.go).
var fastSplitters = map[string]func(string) []string{}
