package tokenizer

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dlclark/regexp2"
	"golang.org/x/text/unicode/norm"
)

// normalizer rewrites one segment of text (between added tokens) before pre-tokenization.
type normalizer interface {
	normalize(s string) string
}

type normalizerFunc func(string) string

func (f normalizerFunc) normalize(s string) string { return f(s) }

type normalizerSeq []normalizer

func (q normalizerSeq) normalize(s string) string {
	for _, n := range q {
		s = n.normalize(s)
	}
	return s
}

// replacer replaces every match of a literal string or a regex.
type replacer struct {
	literal string
	re      *regexp2.Regexp
	content string
}

func (r replacer) replace(s string) string {
	if r.re == nil {
		if r.literal == "" {
			return s
		}
		return strings.ReplaceAll(s, r.literal, r.content)
	}
	out, err := r.re.Replace(s, r.content, -1, -1)
	if err != nil { // only a match timeout, which is not set
		return s
	}
	return out
}

func (r replacer) normalize(s string) string { return r.replace(s) }

func newReplacer(field string, p *patternSpec, content string) (replacer, error) {
	if p == nil {
		return replacer{}, fmt.Errorf("%s.pattern: missing", field)
	}
	switch {
	case p.String != nil:
		return replacer{literal: *p.String, content: content}, nil
	case p.Regex != nil:
		re, err := compileRegex(*p.Regex)
		if err != nil {
			return replacer{}, fmt.Errorf("%s.pattern.Regex: %w", field, err)
		}
		// regexp2's replacement syntax treats $ specially; HF's content is literal.
		return replacer{re: re, content: strings.ReplaceAll(content, "$", "$$")}, nil
	}
	return replacer{}, fmt.Errorf("%s.pattern: want String or Regex", field)
}

// buildNormalizer reads tokenizer.json's normalizer; nil means none.
func buildNormalizer(field string, raw json.RawMessage) (normalizer, error) {
	if isNull(raw) {
		return nil, nil
	}
	var c component
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	switch c.Type {
	case "NFC":
		return normalizerFunc(norm.NFC.String), nil
	case "NFD":
		return normalizerFunc(norm.NFD.String), nil
	case "NFKC":
		return normalizerFunc(norm.NFKC.String), nil
	case "NFKD":
		return normalizerFunc(norm.NFKD.String), nil
	case "Lowercase":
		return normalizerFunc(strings.ToLower), nil
	case "Prepend":
		p := c.Prepend
		return normalizerFunc(func(s string) string {
			if s == "" {
				return s
			}
			return p + s
		}), nil
	case "Replace":
		return newReplacer(field, c.Pattern, c.Content)
	case "Sequence":
		seq, err := buildSeq(field+".normalizers", c.Normalizers, buildNormalizer)
		if err != nil {
			return nil, err
		}
		return normalizerSeq(seq), nil
	}
	return nil, fmt.Errorf("%s.type: unsupported normalizer %q (supported: NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Sequence)", field, c.Type)
}

// compileRegex compiles a Hugging Face (Rust/Oniguruma) pattern with regexp2, whose .NET
// syntax accepts \p{L}, (?i:...) and the (?!\S) look-ahead these patterns use.
func compileRegex(pattern string) (*regexp2.Regexp, error) {
	re, err := regexp2.Compile(pattern, regexp2.None)
	if err != nil {
		return nil, fmt.Errorf("compile %q: %w", truncate(pattern, 60), err)
	}
	return re, nil
}
