package tokenizer

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// decoder turns the token strings of an id sequence back into text pieces, as Hugging
// Face's decode_chain does; the pieces are concatenated at the end.
type decoder interface {
	decode(tokens []string) []string
}

type decoderSeq []decoder

func (q decoderSeq) decode(tokens []string) []string {
	for _, d := range q {
		tokens = d.decode(tokens)
	}
	return tokens
}

// byteLevelDec maps byte-level runes back to bytes. The bytes are kept as they are, even
// when a sequence ends inside a UTF-8 character, so a caller decoding a growing generation
// loses nothing.
type byteLevelDec struct{}

func (byteLevelDec) decode(tokens []string) []string {
	return []string{string(byteLevelDecode(strings.Join(tokens, "")))}
}

// metaspaceDec turns ▁ back into spaces and drops the space prepended to the first word.
type metaspaceDec struct {
	replacement string
	stripFirst  bool
}

func (m metaspaceDec) decode(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		t = strings.ReplaceAll(t, m.replacement, " ")
		if i == 0 && m.stripFirst {
			t = strings.TrimPrefix(t, " ")
		}
		out[i] = t
	}
	return out
}

type replaceDec struct{ r replacer }

func (d replaceDec) decode(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = d.r.replace(t)
	}
	return out
}

// byteFallbackDec turns runs of <0xNN> tokens into the bytes they stand for; a run that is
// not valid UTF-8 becomes one U+FFFD per byte, as in Hugging Face.
type byteFallbackDec struct{}

func (byteFallbackDec) decode(tokens []string) []string {
	var out []string
	var pending []byte
	flush := func() {
		if len(pending) == 0 {
			return
		}
		if utf8.Valid(pending) {
			out = append(out, string(pending))
		} else {
			for range pending {
				out = append(out, "\uFFFD")
			}
		}
		pending = pending[:0]
	}
	for _, t := range tokens {
		if b, ok := parseByteToken(t); ok {
			pending = append(pending, b)
			continue
		}
		flush()
		out = append(out, t)
	}
	flush()
	return out
}

// parseByteToken reads a SentencePiece byte token "<0xNN>".
func parseByteToken(t string) (byte, bool) {
	if len(t) != 6 || !strings.HasPrefix(t, "<0x") || t[5] != '>' {
		return 0, false
	}
	var v byte
	for _, c := range []byte(t[3:5]) {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | (c - '0')
		case c >= 'A' && c <= 'F':
			v = v<<4 | (c - 'A' + 10)
		case c >= 'a' && c <= 'f':
			v = v<<4 | (c - 'a' + 10)
		default:
			return 0, false
		}
	}
	return v, true
}

type fuseDec struct{}

func (fuseDec) decode(tokens []string) []string { return []string{strings.Join(tokens, "")} }

// stripDec removes up to start copies of content from the left of each token and up to
// stop copies from the right.
type stripDec struct {
	content     string
	start, stop int
}

func (s stripDec) decode(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		for n := 0; n < s.start && s.content != "" && strings.HasPrefix(t, s.content); n++ {
			t = t[len(s.content):]
		}
		for n := 0; n < s.stop && s.content != "" && strings.HasSuffix(t, s.content); n++ {
			t = t[:len(t)-len(s.content)]
		}
		out[i] = t
	}
	return out
}

// buildDecoder reads tokenizer.json's decoder; nil means tokens are concatenated.
func buildDecoder(field string, raw json.RawMessage) (decoder, error) {
	if isNull(raw) {
		return nil, nil
	}
	var c component
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	switch c.Type {
	case "ByteLevel":
		return byteLevelDec{}, nil
	case "Metaspace":
		m := metaspaceDec{replacement: c.Replacement, stripFirst: c.PrependScheme != "never"}
		if m.replacement == "" {
			m.replacement = "▁"
		}
		if c.PrependScheme == "" && c.AddPrefixSpace != nil && !*c.AddPrefixSpace {
			m.stripFirst = false
		}
		return m, nil
	case "Replace":
		r, err := newReplacer(field, c.Pattern, c.Content)
		if err != nil {
			return nil, err
		}
		return replaceDec{r}, nil
	case "ByteFallback":
		return byteFallbackDec{}, nil
	case "Fuse":
		return fuseDec{}, nil
	case "Strip":
		return stripDec{content: c.Content, start: c.Start, stop: c.Stop}, nil
	case "Sequence":
		seq, err := buildSeq(field+".decoders", c.Decoders, buildDecoder)
		if err != nil {
			return nil, err
		}
		return decoderSeq(seq), nil
	}
	return nil, fmt.Errorf("%s.type: unsupported decoder %q (supported: ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip, Sequence)", field, c.Type)
}

// buildPostProcessor reads the BOS/EOS ids that the post_processor puts around a single
// sequence (TemplateProcessing, RobertaProcessing, BertProcessing; ByteLevel adds none).
func buildPostProcessor(field string, raw json.RawMessage) (prefix, suffix []int, err error) {
	if isNull(raw) {
		return nil, nil, nil
	}
	var c component
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", field, err)
	}
	switch c.Type {
	case "ByteLevel":
		return nil, nil, nil
	case "TemplateProcessing":
		seen := false
		for i, p := range c.Single {
			switch {
			case p.Sequence != nil:
				if seen {
					return nil, nil, fmt.Errorf("%s.single[%d]: more than one sequence", field, i)
				}
				seen = true
			case p.SpecialToken != nil:
				st, ok := c.SpecialTokens[p.SpecialToken.ID]
				if !ok {
					return nil, nil, fmt.Errorf("%s.single[%d]: special token %q not in special_tokens", field, i, p.SpecialToken.ID)
				}
				if seen {
					suffix = append(suffix, st.IDs...)
				} else {
					prefix = append(prefix, st.IDs...)
				}
			default:
				return nil, nil, fmt.Errorf("%s.single[%d]: want SpecialToken or Sequence", field, i)
			}
		}
		return prefix, suffix, nil
	case "RobertaProcessing", "BertProcessing":
		id := func(name string, pair []json.RawMessage) (int, error) {
			var v int
			if len(pair) != 2 || json.Unmarshal(pair[1], &v) != nil {
				return 0, fmt.Errorf("%s.%s: want [token, id]", field, name)
			}
			return v, nil
		}
		cls, err := id("cls", c.Cls)
		if err != nil {
			return nil, nil, err
		}
		sep, err := id("sep", c.Sep)
		if err != nil {
			return nil, nil, err
		}
		return []int{cls}, []int{sep}, nil
	case "Sequence":
		for i, r := range c.Processors {
			p, s, err := buildPostProcessor(fmt.Sprintf("%s.processors[%d]", field, i), r)
			if err != nil {
				return nil, nil, err
			}
			prefix, suffix = append(prefix, p...), append(suffix, s...)
		}
		return prefix, suffix, nil
	}
	return nil, nil, fmt.Errorf("%s.type: unsupported post-processor %q", field, c.Type)
}
